/**
 * The view-only guarantee at the byte level: key, pointer and clipboard messages are dropped in
 * view-only mode and passed with control; framing survives messages split across WebSocket
 * frames; a message type that cannot be framed ends the connection.
 */

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { InputFilter, InputFilterError } from "../../lib/console/input_filter.ts";

const pointer = Uint8Array.of(5, 1, 0, 10, 0, 20); // button 1 down at (10, 20)
const key = Uint8Array.of(4, 1, 0, 0, 0, 0, 0xff, 0x0d); // Return down
const cut = Uint8Array.of(6, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69); // "hi"
const update = Uint8Array.of(3, 1, 0, 0, 0, 0, 0x05, 0, 0x04, 0); // incremental, 1280x1024
const encodings = Uint8Array.of(2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x11);

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

Deno.test("view only: input is dropped, screen requests pass", () => {
  const f = new InputFilter(true);
  const out = f.push(concat(encodings, pointer, update, key, cut, update));
  assert.deepEqual(out, concat(encodings, update, update));
  assert.equal(f.dropped, 3);
});

Deno.test("control: every message passes unchanged", () => {
  const f = new InputFilter(false);
  const all = concat(encodings, pointer, update, key, cut);
  assert.deepEqual(f.push(all), all);
  assert.equal(f.dropped, 0);
});

Deno.test("messages split across frames are framed whole", () => {
  const f = new InputFilter(true);
  const stream = concat(update, pointer, cut, update);
  const got: number[] = [];
  for (let i = 0; i < stream.length; i += 3) got.push(...f.push(stream.subarray(i, i + 3)));
  assert.deepEqual(Uint8Array.from(got), concat(update, update));
  assert.equal(f.dropped, 2);
});

Deno.test("an unknown message type cannot be checked, so it ends the connection", () => {
  assert.throws(() => new InputFilter(true).push(Uint8Array.of(77, 0, 0)), InputFilterError);
});
