/**
 * TWS API wire framing, pure: the `API\0` handshake, length-prefixed frames of NUL-terminated
 * ASCII fields (the legacy text framing used below server version 201), an incremental decoder
 * that copes with frames split across or packed into TCP reads, and the few messages the probe
 * reads (server hello, nextValidId = 9, managedAccounts = 15, error = 4). Facts: sources.md ecosystem 5.2.
 */

import { concatBytes } from "../util/bytes.ts";
import { NamedError } from "../util/errors.ts";

/** Lowest client version we advertise (the V100+ protocol). */
export const MIN_CLIENT_VERSION = 100;
/**
 * Highest client version we advertise. Below 201 on purpose: from 201 the server switches many
 * messages to protobuf with binary message ids, and the probe reads msgs 9 and 15 as text.
 */
export const MAX_CLIENT_VERSION = 178;
/** Frames larger than this are not TWS API replies (an HTTP server's `HTTP` reads as 1.2 GB). */
export const MAX_FRAME_BYTES = 1 << 20;

/** Message ids the probe understands. */
export const MSG = {
  /** Incoming: error or notice (`4`, version, id, code, message, ...). */
  ERROR: 4,
  /** Incoming: nextValidId (`9`, version, orderId). */
  NEXT_VALID_ID: 9,
  /** Incoming: managedAccounts (`15`, version, comma-separated accounts). */
  MANAGED_ACCOUNTS: 15,
  /** Outgoing: START_API (`71`, version 2, clientId, optionalCapabilities). */
  START_API: 71,
} as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder("latin1");

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

/** Wraps a payload in a frame: 4-byte big-endian length, then the payload. */
export function frame(payload: Uint8Array): Uint8Array {
  return concatBytes(u32(payload.length), payload);
}

/**
 * The client's opening bytes: `API\0`, then a frame holding `v<min>..<max>` (and, when given, a
 * space and connect options such as `+PACEAPI`).
 */
export function encodeHandshake(
  min = MIN_CLIENT_VERSION,
  max = MAX_CLIENT_VERSION,
  options = "",
): Uint8Array {
  const versions = `v${min}..${max}${options ? ` ${options}` : ""}`;
  return concatBytes(encoder.encode("API\0"), frame(encoder.encode(versions)));
}

/** A frame of NUL-terminated fields (the legacy message encoding). */
export function encodeFields(fields: readonly (string | number)[]): Uint8Array {
  return frame(encoder.encode(fields.map((f) => `${f}\0`).join("")));
}

/** START_API: `71`, `2`, clientId, optional capabilities (empty). */
export function encodeStartApi(clientId: number, optionalCapabilities = ""): Uint8Array {
  return encodeFields([MSG.START_API, 2, clientId, optionalCapabilities]);
}

/** Raised for bytes that cannot be TWS API frames. */
export class FrameError extends NamedError {}

/**
 * Splits a payload into its NUL-terminated fields. A payload that does not end in NUL, or holds
 * bytes outside printable text, is not a legacy TWS message.
 */
export function decodeFields(payload: Uint8Array): string[] {
  if (payload.length === 0) return [];
  if (payload[payload.length - 1] !== 0) {
    throw new FrameError("a message must end with a NUL byte");
  }
  for (const b of payload) {
    // Fields are text: control bytes other than NUL, tab, CR and LF mean binary garbage.
    if (b !== 0 && b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) {
      throw new FrameError("a message holds binary bytes");
    }
  }
  const fields = decoder.decode(payload).split("\0");
  fields.pop(); // after the final NUL
  return fields;
}

/**
 * Incremental frame decoder: push bytes as they arrive, take whole frames out. Handles a frame
 * split over several reads and several frames in one read.
 */
export class FrameDecoder {
  #buf: Uint8Array = new Uint8Array(0);

  constructor(readonly maxFrameBytes = MAX_FRAME_BYTES) {}

  /** Appends received bytes. */
  push(chunk: Uint8Array): void {
    this.#buf = this.#buf.length ? concatBytes(this.#buf, chunk) : chunk.slice();
  }

  /** The next whole frame's payload, or undefined until more bytes arrive. */
  next(): Uint8Array | undefined {
    if (this.#buf.length < 4) return undefined;
    const len = new DataView(this.#buf.buffer, this.#buf.byteOffset, 4).getUint32(0, false);
    if (len > this.maxFrameBytes) {
      throw new FrameError(`a frame of ${len} bytes is not a TWS API reply`);
    }
    if (this.#buf.length < 4 + len) return undefined;
    const payload = this.#buf.slice(4, 4 + len);
    this.#buf = this.#buf.slice(4 + len);
    return payload;
  }

  /** Bytes received but not yet returned as a frame. */
  get pending(): number {
    return this.#buf.length;
  }
}

/** The server's answer to the handshake. */
export interface ServerHello {
  serverVersion: number;
  /** As the server sends it, e.g. `20260105 09:30:00 EST`. */
  connectionTime: string;
}

/**
 * The server hello is a two-field message `<serverVersion>\0<connectionTime>\0`. Returns it, or
 * undefined when the fields are some other message.
 */
export function parseServerHello(fields: readonly string[]): ServerHello | undefined {
  if (fields.length !== 2 || !/^\d+$/.test(fields[0])) return undefined;
  return { serverVersion: parseInt(fields[0], 10), connectionTime: fields[1] };
}

/** An incoming message the probe understands. */
export type ApiMessage =
  | { type: "nextValidId"; orderId: number }
  /** Only the number of accounts: the ids themselves are never kept. */
  | { type: "managedAccounts"; count: number }
  | { type: "error"; id: number; code: number; message: string }
  | { type: "other"; msgId: number };

/** Decodes one legacy message (after the hello). Throws FrameError on a non-numeric id. */
export function parseMessage(fields: readonly string[]): ApiMessage {
  if (fields.length === 0 || !/^\d+$/.test(fields[0])) {
    throw new FrameError("a message must start with a numeric id");
  }
  const msgId = parseInt(fields[0], 10);
  switch (msgId) {
    case MSG.NEXT_VALID_ID: {
      const orderId = parseInt(fields[2] ?? "", 10);
      if (!Number.isFinite(orderId)) throw new FrameError("nextValidId without an order id");
      return { type: "nextValidId", orderId };
    }
    case MSG.MANAGED_ACCOUNTS:
      return {
        type: "managedAccounts",
        count: (fields[2] ?? "").split(",").filter((a) => a.trim().length > 0).length,
      };
    case MSG.ERROR:
      return {
        type: "error",
        id: parseInt(fields[2] ?? "-1", 10),
        code: parseInt(fields[3] ?? "0", 10),
        message: fields[4] ?? "",
      };
    default:
      return { type: "other", msgId };
  }
}
