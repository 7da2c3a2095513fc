/** Frame encoding and incremental decoding. */

import assert from "node:assert/strict";
import {
  decodeFields,
  encodeFields,
  encodeHandshake,
  encodeStartApi,
  FrameDecoder,
  FrameError,
  parseMessage,
  parseServerHello,
} from "../../lib/probe/frames.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("handshake bytes: API\\0, big-endian length, v100..178", () => {
  const b = encodeHandshake();
  assert.deepEqual([...b.subarray(0, 4)], [0x41, 0x50, 0x49, 0x00]);
  assert.deepEqual([...b.subarray(4, 8)], [0, 0, 0, 9]);
  assert.equal(text(b.subarray(8)), "v100..178");
  assert.equal(text(encodeHandshake(100, 178, "+PACEAPI").subarray(8)), "v100..178 +PACEAPI");
});

Deno.test("START_API is 71, 2, clientId, empty capabilities", () => {
  const b = encodeStartApi(999);
  assert.deepEqual([...b.subarray(0, 4)], [0, 0, 0, 10]);
  assert.equal(text(b.subarray(4)), "71\x002\x00999\x00\x00");
});

Deno.test("decoder: a frame split across pushes, and several frames in one push", () => {
  const one = encodeFields(["178", "20260105 09:30:00 EST"]);
  const two = encodeFields([9, 1, 42]);
  const d = new FrameDecoder();
  for (let i = 0; i < one.length - 1; i++) {
    d.push(one.subarray(i, i + 1));
    assert.equal(d.next(), undefined);
  }
  const both = new Uint8Array(1 + two.length);
  both.set(one.subarray(one.length - 1));
  both.set(two, 1);
  d.push(both);
  assert.deepEqual(decodeFields(d.next()!), ["178", "20260105 09:30:00 EST"]);
  assert.deepEqual(decodeFields(d.next()!), ["9", "1", "42"]);
  assert.equal(d.next(), undefined);
  assert.equal(d.pending, 0);
});

Deno.test("decoder refuses frames too large to be TWS API replies (an HTTP answer)", () => {
  const d = new FrameDecoder();
  d.push(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n\r\n"));
  assert.throws(() => d.next(), FrameError);
});

Deno.test("fields must be NUL-terminated text", () => {
  assert.throws(() => decodeFields(new TextEncoder().encode("178")), FrameError);
  assert.throws(() => decodeFields(new Uint8Array([1, 2, 3, 0])), FrameError);
  assert.deepEqual(decodeFields(new Uint8Array(0)), []);
  assert.deepEqual(decodeFields(new TextEncoder().encode("a\0\0")), ["a", ""]);
});

Deno.test("server hello and messages 9, 15, 4", () => {
  assert.deepEqual(parseServerHello(["176", "20260105 09:30:00 EST"]), {
    serverVersion: 176,
    connectionTime: "20260105 09:30:00 EST",
  });
  assert.equal(parseServerHello(["x", "y"]), undefined);
  assert.equal(parseServerHello(["9", "1", "1"]), undefined);
  assert.deepEqual(parseMessage(["9", "1", "17"]), { type: "nextValidId", orderId: 17 });
  const accounts = parseMessage(["15", "1", "DU111111,DU222222,"]);
  assert.deepEqual(accounts, { type: "managedAccounts", count: 2 });
  assert.ok(!JSON.stringify(accounts).includes("DU"));
  assert.deepEqual(parseMessage(["4", "2", "-1", "2104", "Market data farm connection is OK"]), {
    type: "error",
    id: -1,
    code: 2104,
    message: "Market data farm connection is OK",
  });
  assert.deepEqual(parseMessage(["49", "1", "x"]), { type: "other", msgId: 49 });
  assert.throws(() => parseMessage(["hello"]), FrameError);
});
