/**
 * The console's view-only guarantee, enforced by ibg-pilot and not by the page: every message a
 * VNC client (the browser's noVNC) sends after the handshake is framed here (RFC 6143 section 7.5
 * and the extensions a client may send), and in view-only mode the ones that act on Gateway (key
 * and pointer events, clipboard text, QEMU key events, desktop resize, xvp power actions) are
 * dropped. A message type this parser does not know ends the connection: it cannot be framed, so
 * it cannot be checked.
 */

import { concatBytes } from "../util/bytes.ts";
import { NamedError } from "../util/errors.ts";

/** Client-to-server message types (RFC 6143 and registered extensions). */
const SET_PIXEL_FORMAT = 0;
const SET_ENCODINGS = 2;
const FRAMEBUFFER_UPDATE_REQUEST = 3;
const KEY_EVENT = 4;
const POINTER_EVENT = 5;
const CLIENT_CUT_TEXT = 6;
const ENABLE_CONTINUOUS_UPDATES = 150;
const CLIENT_FENCE = 248;
const XVP = 250;
const SET_DESKTOP_SIZE = 251;
const QEMU = 255;

/** Types that act on the remote desktop. */
const INPUT_TYPES = new Set([
  KEY_EVENT,
  POINTER_EVENT,
  CLIENT_CUT_TEXT,
  XVP,
  SET_DESKTOP_SIZE,
  QEMU,
]);

/** The stream broke the protocol; the connection must end. */
export class InputFilterError extends NamedError {}

/**
 * The length of the message at the start of `buf`, or undefined when more bytes are needed to
 * tell. Throws {@link InputFilterError} on a type it does not know.
 */
export function messageLength(buf: Uint8Array): number | undefined {
  if (buf.length < 1) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const need = (n: number) => buf.length >= n;
  switch (buf[0]) {
    case SET_PIXEL_FORMAT:
      return 20;
    case SET_ENCODINGS:
      return need(4) ? 4 + 4 * view.getUint16(2) : undefined;
    case FRAMEBUFFER_UPDATE_REQUEST:
      return 10;
    case KEY_EVENT:
      return 8;
    case POINTER_EVENT:
      return 6;
    case CLIENT_CUT_TEXT:
      // A negative length is the extended clipboard's (its absolute value is the size).
      return need(8) ? 8 + Math.abs(view.getInt32(4)) : undefined;
    case ENABLE_CONTINUOUS_UPDATES:
      return 10;
    case CLIENT_FENCE:
      return need(9) ? 9 + buf[8] : undefined;
    case XVP:
      return 4;
    case SET_DESKTOP_SIZE:
      return need(8) ? 8 + 16 * buf[6] : undefined;
    case QEMU:
      // Subtype 0 is the QEMU extended key event; the audio subtypes are not for a console.
      if (!need(2)) return undefined;
      if (buf[1] === 0) return 12;
      throw new InputFilterError(`QEMU client message subtype ${buf[1]} is not supported`);
    default:
      throw new InputFilterError(`unknown VNC client message type ${buf[0]}`);
  }
}

/** Frames a client's byte stream and passes on what the mode allows. */
export class InputFilter {
  #pending = new Uint8Array(0);
  #viewOnly: boolean;
  /** Input messages dropped so far (view-only). */
  dropped = 0;

  constructor(viewOnly: boolean) {
    this.#viewOnly = viewOnly;
  }

  /** Feeds bytes from the client; returns the bytes to send on to the server. */
  push(chunk: Uint8Array): Uint8Array {
    const buf = concatBytes(this.#pending, chunk);
    const out: Uint8Array[] = [];
    let at = 0;
    while (at < buf.length) {
      const len = messageLength(buf.subarray(at));
      if (len === undefined || at + len > buf.length) break;
      const message = buf.subarray(at, at + len);
      if (this.#viewOnly && INPUT_TYPES.has(message[0])) this.dropped++;
      else out.push(message);
      at += len;
    }
    this.#pending = buf.slice(at);
    return concatBytes(...out);
  }
}
