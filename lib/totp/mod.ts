/**
 * TOTP second factor (RFC 6238 on npm:otpauth; IBKR's codes are HMAC-SHA1, 6 digits, 30 s steps,
 * or what an otpauth:// URI in TWOFACTOR_CODE says), and the "fresh code" rule: a code with less
 * than a margin of its window left is never submitted, because by the time Gateway forwards it to
 * IBKR it may have expired. Every code generated here is registered with the log redactor for as
 * long as it is valid.
 */

import { Secret, TOTP } from "otpauth";
import { addSecret } from "../log.ts";
import { IBKR_TOTP, type TotpKey } from "../config/types.ts";

/** One generated code. */
export interface TotpCode {
  code: string;
  /** Index of the time step the code belongs to. */
  counter: number;
  /** Milliseconds until the code's window ends. */
  remainingMs: number;
}

/** The code valid at `nowMs` for a key, or for a base32 secret with IBKR's parameters. */
export function totpAt(key: TotpKey | string, nowMs: number): TotpCode {
  const { secret, period, digits, algorithm } = typeof key === "string"
    ? { secret: key, ...IBKR_TOTP }
    : key;
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm, digits, period });
  const code = totp.generate({ timestamp: nowMs });
  const counter = TOTP.counter({ period, timestamp: nowMs });
  const remainingMs = TOTP.remaining({ period, timestamp: nowMs });
  addSecret(code, remainingMs + period * 1000);
  return { code, counter, remainingMs };
}

/** Either a code fresh enough to submit now, or how long to wait for the next one. */
export type FreshCode =
  | { ready: true; code: TotpCode }
  | { ready: false; waitMs: number };

/**
 * Applies the fresh-code rule: with at least `marginSeconds` left the current code is ready;
 * otherwise the caller waits `waitMs` (until the next window starts) and asks again.
 * `notCounter` skips a code already rejected once, so a retry always uses the next code.
 */
export function freshCode(
  key: TotpKey | string,
  nowMs: number,
  marginSeconds: number,
  notCounter?: number,
): FreshCode {
  const current = totpAt(key, nowMs);
  if (current.remainingMs < marginSeconds * 1000 || current.counter === notCounter) {
    return { ready: false, waitMs: current.remainingMs };
  }
  return { ready: true, code: current };
}
