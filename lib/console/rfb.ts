/**
 * The parts of the RFB protocol (RFC 6143, VNC) that ibg-pilot speaks itself: exact reads from a
 * byte stream, VNC authentication's DES challenge response, and logging in to a VNC server as a
 * client (the console's bridge does this so the browser never learns the VNC password).
 *
 * DES: Deno 2.9's node:crypto has no `des-ecb`, but it has `des-ede3-cbc`; triple DES with three
 * equal keys is single DES, and one CBC block with a zero IV is one ECB block.
 */

import { Buffer } from "node:buffer";
import { createCipheriv } from "node:crypto";
import { concatBytes } from "../util/bytes.ts";
import { NamedError } from "../util/errors.ts";

/** RFB 3.8, the version x11vnc and noVNC both speak. */
export const RFB_VERSION_3_8 = "RFB 003.008\n";

/** The RFB protocol went wrong; the message says how. */
export class RfbError extends NamedError {}

/** Reads exact byte counts from a stream, keeping what arrived beyond them. */
export class ByteReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buf = new Uint8Array(0);

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** Bytes already received but not yet read. */
  get buffered(): number {
    return this.#buf.length;
  }

  /** The next `n` bytes; rejects with RfbError when the stream ends first. */
  async read(n: number): Promise<Uint8Array> {
    while (this.#buf.length < n) {
      const { value, done } = await this.#reader.read();
      if (done) throw new RfbError(`connection closed (wanted ${n} bytes)`);
      this.#buf = concatBytes(this.#buf, value);
    }
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.slice(n);
    return out;
  }

  /** Whatever is buffered now, or the next chunk; undefined at the end of the stream. */
  async chunk(): Promise<Uint8Array | undefined> {
    if (this.#buf.length) {
      const out = this.#buf;
      this.#buf = new Uint8Array(0);
      return out;
    }
    const { value, done } = await this.#reader.read();
    return done ? undefined : value;
  }

  /** Gives the stream back. */
  release(): void {
    this.#reader.releaseLock();
  }
}

/** The DES key of VNC authentication: 8 password bytes, each with its bits in reverse order. */
function vncKey(password: string): Buffer {
  const key = Buffer.alloc(8);
  const bytes = new TextEncoder().encode(password);
  for (let i = 0; i < 8 && i < bytes.length; i++) {
    let b = bytes[i], r = 0;
    for (let bit = 0; bit < 8; bit++) {
      r = (r << 1) | (b & 1);
      b >>= 1;
    }
    key[i] = r;
  }
  return key;
}

/** DES-ECB encryption of `data` (a multiple of 8 bytes) with an 8-byte `key`. */
export function desEcb(key: Uint8Array, data: Uint8Array): Uint8Array {
  const k = Buffer.from(key);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += 8) {
    const c = createCipheriv("des-ede3-cbc", Buffer.concat([k, k, k]), Buffer.alloc(8));
    c.setAutoPadding(false);
    out.set(Buffer.concat([c.update(data.subarray(i, i + 8)), c.final()]), i);
  }
  return out;
}

/** The 16-byte answer to a VNC authentication challenge. */
export function vncAuthResponse(challenge: Uint8Array, password: string): Uint8Array {
  if (challenge.length !== 16) throw new RfbError("a VNC challenge is 16 bytes");
  return desEcb(vncKey(password), challenge);
}

async function writeAll(w: WritableStreamDefaultWriter<Uint8Array>, data: Uint8Array) {
  await w.ready;
  await w.write(data);
}

/**
 * Logs in to a VNC server as an RFB 3.8 client with VNC authentication: version, security type
 * 2, challenge response, SecurityResult. On return the server waits for ClientInit.
 */
export async function loginToServer(
  reader: ByteReader,
  writer: WritableStreamDefaultWriter<Uint8Array>,
  password: string,
): Promise<void> {
  const version = new TextDecoder().decode(await reader.read(12));
  if (!/^RFB 003\.00[3-8]\n$/.test(version)) {
    throw new RfbError(`not a VNC server (it said ${JSON.stringify(version)})`);
  }
  if (version !== RFB_VERSION_3_8) throw new RfbError(`VNC server speaks ${version.trim()}`);
  await writeAll(writer, new TextEncoder().encode(RFB_VERSION_3_8));
  const [count] = await reader.read(1);
  if (count === 0) {
    const len = new DataView((await reader.read(4)).buffer).getUint32(0);
    const why = new TextDecoder().decode(await reader.read(len));
    throw new RfbError(`VNC server refused the connection: ${why}`);
  }
  const types = await reader.read(count);
  if (!types.includes(2)) {
    throw new RfbError(`VNC server offers no password authentication (types ${[...types]})`);
  }
  await writeAll(writer, Uint8Array.of(2));
  const challenge = await reader.read(16);
  await writeAll(writer, vncAuthResponse(challenge, password));
  const result = new DataView((await reader.read(4)).buffer).getUint32(0);
  if (result !== 0) throw new RfbError("VNC server rejected the password");
}
