/**
 * TOTP second factor (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps) on npm:otpauth, and the
 * "fresh code" rule: a code with less than a margin of its window left is never submitted,
 * because by the time Gateway forwards it to IBKR it may have expired. Every code generated
 * here is registered with the log redactor for as long as it is valid.
 */

import { Secret, TOTP } from "otpauth";
import { addSecret } from "../log.ts";

/** The step length of IBKR's Mobile Authenticator app codes, in seconds. */
export const PERIOD_SECONDS = 30;

/** One generated code. */
export interface TotpCode {
  code: string;
  /** Index of the 30 s step the code belongs to. */
  counter: number;
  /** Milliseconds until the code's window ends. */
  remainingMs: number;
}

/** Options for code generation (tests use 8 digits for RFC 6238's vectors). */
export interface TotpOptions {
  digits?: number;
  period?: number;
}

/** The code valid at `nowMs` for a base32 secret. */
export function totpAt(secretBase32: string, nowMs: number, options: TotpOptions = {}): TotpCode {
  const period = options.period ?? PERIOD_SECONDS;
  const totp = new TOTP({
    secret: Secret.fromBase32(secretBase32),
    algorithm: "SHA1",
    digits: options.digits ?? 6,
    period,
  });
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
  secretBase32: string,
  nowMs: number,
  marginSeconds: number,
  notCounter?: number,
): FreshCode {
  const current = totpAt(secretBase32, nowMs);
  if (current.remainingMs < marginSeconds * 1000 || current.counter === notCounter) {
    return { ready: false, waitMs: current.remainingMs };
  }
  return { ready: true, code: current };
}
