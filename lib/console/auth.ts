/**
 * Who may use the console. With PILOT_CONSOLE_TOKEN, a request is authenticated by a session
 * cookie (random, HttpOnly, SameSite=Strict, Path=/console, 12 h) obtained by posting the token
 * to the login form, or by `Authorization: Bearer <token>` (scripts). Tokens are compared in
 * constant time (SHA-256 digests of both sides, then timingSafeEqual, so not even the length
 * leaks). Every failed attempt from an address waits longer than the one before (0.25 s doubling
 * to 8 s). Without a token the console is served only on loopback (lib/console/config.ts), and
 * then the Host header must name loopback too, so a web page cannot reach it through DNS
 * rebinding. WebSocket upgrades and form posts must come from the console's own origin.
 */

import { Buffer } from "node:buffer";
import { createHash, timingSafeEqual } from "node:crypto";
import { isLoopbackHost } from "./config.ts";

/** The session cookie's name. */
export const SESSION_COOKIE = "ibgp_console";
/** How long a console session lasts. */
export const SESSION_TTL_MS = 12 * 3600_000;
/** First delay after a failed attempt; doubles per failure, up to {@link FAILURE_DELAY_MAX_MS}. */
export const FAILURE_DELAY_BASE_MS = 250;
export const FAILURE_DELAY_MAX_MS = 8_000;
/** Failures older than this are forgotten. */
const FAILURE_MEMORY_MS = 15 * 60_000;
/** Addresses remembered at most (a flood of addresses must not grow memory without bound). */
const MAX_TRACKED = 10_000;

/** Options of {@link ConsoleAuth}. */
export interface ConsoleAuthOptions {
  /** PILOT_CONSOLE_TOKEN; undefined: loopback without a token. */
  token?: string;
  now?: () => number;
  /** The wait after the n-th consecutive failure of one address (tests shorten it). */
  failureDelayMs?: (n: number) => number;
  /** How to wait (tests inject one that records instead of sleeping). */
  sleep?: (ms: number) => Promise<void>;
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

function cookies(req: Request): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

/** The hostname of the Host header, without port. */
export function hostOf(req: Request): string {
  const host = req.headers.get("host") ?? new URL(req.url).host;
  return host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0];
}

/** True when the request's Origin is this server's own (http or https, the same Host). */
export function sameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  const host = req.headers.get("host");
  if (!origin || !host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}

/** The console's authentication state. */
export class ConsoleAuth {
  #token?: Buffer;
  #sessions = new Map<string, number>();
  #failures = new Map<string, { count: number; last: number }>();
  #now: () => number;
  #delay: (n: number) => number;
  #sleep: (ms: number) => Promise<void>;

  constructor(opts: ConsoleAuthOptions) {
    this.#token = opts.token === undefined ? undefined : digest(opts.token);
    this.#now = opts.now ?? Date.now;
    this.#delay = opts.failureDelayMs ??
      ((n) => Math.min(FAILURE_DELAY_MAX_MS, FAILURE_DELAY_BASE_MS * 2 ** (n - 1)));
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** False when the console is open to loopback without a token. */
  get tokenRequired(): boolean {
    return this.#token !== undefined;
  }

  /** Constant-time comparison of a candidate with the token. */
  tokenMatches(candidate: string): boolean {
    if (!this.#token) return false;
    return timingSafeEqual(digest(candidate), this.#token);
  }

  /**
   * Whether the request may see the console: a valid session cookie or bearer token; without a
   * token, a Host header that names loopback.
   */
  authenticated(req: Request): boolean {
    if (!this.#token) return isLoopbackHost(hostOf(req));
    const id = cookies(req).get(SESSION_COOKIE);
    if (id) {
      const expiry = this.#sessions.get(id);
      if (expiry !== undefined && expiry > this.#now()) return true;
      this.#sessions.delete(id);
    }
    const auth = req.headers.get("authorization");
    const m = auth && /^Bearer\s+(.+)$/i.exec(auth);
    return Boolean(m && this.tokenMatches(m[1].trim()));
  }

  /** True when the request carries credentials of any kind (a failure is then counted). */
  presentedCredentials(req: Request): boolean {
    return cookies(req).has(SESSION_COOKIE) || req.headers.has("authorization");
  }

  /** A new session: the Set-Cookie value to send. */
  startSession(req: Request): string {
    const now = this.#now();
    for (const [id, expiry] of this.#sessions) if (expiry <= now) this.#sessions.delete(id);
    const id = Array.from(
      crypto.getRandomValues(new Uint8Array(32)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    this.#sessions.set(id, now + SESSION_TTL_MS);
    const secure = new URL(req.url).protocol === "https:" ||
        req.headers.get("x-forwarded-proto") === "https"
      ? "; Secure"
      : "";
    return `${SESSION_COOKIE}=${id}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${
      SESSION_TTL_MS / 1000
    }${secure}`;
  }

  /** Ends the request's session; returns the Set-Cookie value that clears it. */
  endSession(req: Request): string {
    const id = cookies(req).get(SESSION_COOKIE);
    if (id) this.#sessions.delete(id);
    return `${SESSION_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  /** Records a failed attempt from `address` and waits the penalty before the answer. */
  async failed(address: string): Promise<void> {
    const now = this.#now();
    const prev = this.#failures.get(address);
    const count = prev && now - prev.last < FAILURE_MEMORY_MS ? prev.count + 1 : 1;
    this.#failures.delete(address);
    if (this.#failures.size >= MAX_TRACKED) {
      this.#failures.delete(this.#failures.keys().next().value!);
    }
    this.#failures.set(address, { count, last: now });
    await this.#sleep(this.#delay(count));
  }

  /** A successful login clears the address's failures. */
  succeeded(address: string): void {
    this.#failures.delete(address);
  }

  /** Consecutive recent failures of `address`. */
  failures(address: string): number {
    return this.#failures.get(address)?.count ?? 0;
  }
}
