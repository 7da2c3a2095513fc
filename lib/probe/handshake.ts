/**
 * Readiness on positive evidence: the TWS API handshake probe. A Gateway is ready when its API
 * port answers the `API\0` handshake with a server version and connection time, not when a window
 * or a port exists (a forwarder accepts connections with no Gateway behind it; sources.md peers A8).
 * With `deep`, the probe also becomes an API client under a reserved client id and waits for
 * nextValidId and managedAccounts (sources.md ecosystem 5.3, level L2). It keeps only the NUMBER of
 * accounts, never the ids. Every probe closes its socket and returns within `timeoutMs`.
 */

import {
  decodeFields,
  encodeHandshake,
  encodeStartApi,
  FrameDecoder,
  FrameError,
  MAX_CLIENT_VERSION,
  MIN_CLIENT_VERSION,
  parseMessage,
  parseServerHello,
} from "./frames.ts";
import { ACCOUNT_ID_PATTERN } from "../log.ts";
import { writeAll } from "../util/bytes.ts";

/** Options of {@link probeApi}. */
export interface ProbeOptions {
  /** Default 127.0.0.1: probes from loopback are trusted and never raise Gateway's accept prompt. */
  host?: string;
  port: number;
  /** The whole probe (connect, handshake and deep phase) ends by then. */
  timeoutMs: number;
  /** Also START_API as `clientId` and wait for nextValidId (9) and managedAccounts (15). */
  deep?: { clientId: number };
}

/** Why a probe failed. */
export type ProbeFailure =
  /** Nothing listens on the port (Gateway opens it only after login). */
  | "refused"
  /** No complete answer within timeoutMs (a hung JVM, a stalled login). */
  | "timeout"
  /** The peer closed the connection before answering (a forwarder without a backend). */
  | "closed"
  /** The bytes that came back are not TWS API frames. */
  | "malformed"
  /** Gateway answered with an API error that refuses this client (e.g. 326: client id in use). */
  | "rejected"
  /** Any other failure to connect or talk (host unknown, network unreachable, permission). */
  | "error";

/** The result of {@link probeApi}. */
export interface ProbeResult {
  ok: boolean;
  /** Negotiated server version, from the handshake reply. */
  serverVersion?: number;
  /** Server's connection time, as sent (e.g. `20260105 09:30:00 EST`). */
  connectionTime?: string;
  /** From the start of the probe to its result, in milliseconds. */
  latencyMs: number;
  /** From the start of the probe to the handshake reply, in milliseconds. */
  handshakeMs?: number;
  /** Deep probe: the next valid order id. */
  nextValidId?: number;
  /** Deep probe: how many accounts Gateway manages (the ids are never kept). */
  accountCount?: number;
  error?: {
    reason: ProbeFailure;
    stage: "connect" | "handshake" | "start-api";
    /** Human text; never holds an account id. */
    message: string;
    /** The TWS API error code, for `rejected`. */
    apiCode?: number;
  };
}

/** API error codes that end a client's session (326 client id in use, 502/503 cannot connect). */
const FATAL_API_CODES = new Set([326, 502, 503]);
/** Frames skipped while waiting for the hello before the reply counts as malformed. */
const MAX_PRE_HELLO_FRAMES = 8;

class Timeout extends Error {}
class Closed extends Error {}
class Rejected extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

function redact(text: string): string {
  const pattern = new RegExp(ACCOUNT_ID_PATTERN.pattern.source, "g");
  return text.replace(pattern, (_m, prefix: string) => `${prefix}[REDACTED]`).slice(0, 200);
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Probes the TWS API port: connect, handshake (`v100..178`), read the server hello; with `deep`,
 * START_API and wait for messages 9 and 15. Never throws; never takes longer than `timeoutMs`
 * (plus scheduling); always closes the socket.
 */
export async function probeApi(options: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const hostname = options.host ?? "127.0.0.1";
  const result: ProbeResult = { ok: false, latencyMs: 0 };
  let stage: NonNullable<ProbeResult["error"]>["stage"] = "connect";
  let conn: Deno.TcpConn | undefined;
  const timeout = AbortSignal.timeout(Math.max(0, options.timeoutMs));
  const deadline = new Promise<never>((_, reject) => {
    timeout.addEventListener("abort", () => reject(new Timeout()), { once: true });
  });
  // The deadline may fire while nothing races it (between awaits); that is not an error.
  deadline.catch(() => {});
  const race = <T>(p: Promise<T>): Promise<T> => Promise.race([p, deadline]);

  try {
    const connecting = Deno.connect({ hostname, port: options.port, transport: "tcp" });
    try {
      conn = await race(connecting);
    } catch (e) {
      // A connect that completes after the deadline must still be closed.
      connecting.then((c) => c.close(), () => {});
      throw e;
    }
    const c = conn;
    // Small request/response exchanges: Nagle's algorithm would only add latency to the probe.
    c.setNoDelay(true);
    stage = "handshake";
    await race(writeAll(c, encodeHandshake(MIN_CLIENT_VERSION, MAX_CLIENT_VERSION)));

    const frames = new FrameDecoder();
    const buf = new Uint8Array(16 * 1024);
    const nextFields = async (): Promise<string[]> => {
      for (;;) {
        const payload = frames.next();
        if (payload) return decodeFields(payload);
        const n = await race(c.read(buf));
        if (n === null) throw new Closed();
        frames.push(buf.subarray(0, n));
      }
    };

    for (let skipped = 0;; skipped++) {
      const fields = await nextFields();
      const hello = parseServerHello(fields);
      if (hello) {
        result.serverVersion = hello.serverVersion;
        result.connectionTime = hello.connectionTime;
        result.handshakeMs = round(performance.now() - started);
        break;
      }
      // Anything else must at least look like a message; the official client also skips
      // messages that arrive before the hello.
      if (fields.length === 0 || !/^\d+$/.test(fields[0])) {
        throw new FrameError("the handshake reply is not a server version");
      }
      if (skipped + 1 >= MAX_PRE_HELLO_FRAMES) {
        throw new FrameError("no server version among the first replies");
      }
    }

    if (options.deep) {
      stage = "start-api";
      await race(writeAll(c, encodeStartApi(options.deep.clientId)));
      while (result.nextValidId === undefined || result.accountCount === undefined) {
        const msg = parseMessage(await nextFields());
        if (msg.type === "nextValidId") result.nextValidId = msg.orderId;
        else if (msg.type === "managedAccounts") result.accountCount = msg.count;
        else if (msg.type === "error" && FATAL_API_CODES.has(msg.code)) {
          throw new Rejected(msg.code, `API error ${msg.code}: ${redact(msg.message)}`);
        }
      }
    }
    result.ok = true;
  } catch (e) {
    result.error = failure(e, stage, timeout.aborted, options);
  } finally {
    try {
      conn?.close();
    } catch { /* already closed */ }
    result.latencyMs = round(performance.now() - started);
  }
  return result;
}

function failure(
  e: unknown,
  stage: NonNullable<ProbeResult["error"]>["stage"],
  timedOut: boolean,
  options: ProbeOptions,
): NonNullable<ProbeResult["error"]> {
  const where = `${options.host ?? "127.0.0.1"}:${options.port}`;
  if (timedOut || e instanceof Timeout) {
    return {
      reason: "timeout",
      stage,
      message: `no ${
        stage === "connect"
          ? "connection"
          : stage === "handshake"
          ? "handshake reply"
          : "nextValidId and managedAccounts"
      } from ${where} within ${options.timeoutMs} ms`,
    };
  }
  if (e instanceof Deno.errors.ConnectionRefused) {
    return { reason: "refused", stage, message: `nothing listens on ${where}` };
  }
  if (
    e instanceof Closed || e instanceof Deno.errors.ConnectionReset ||
    e instanceof Deno.errors.BrokenPipe || e instanceof Deno.errors.UnexpectedEof
  ) {
    return {
      reason: "closed",
      stage,
      message: `${where} closed the connection before ${
        stage === "start-api" ? "the API session started" : "answering the handshake"
      } (a forwarder without a Gateway behind it, or a Gateway refusing this client)`,
    };
  }
  if (e instanceof FrameError) {
    return { reason: "malformed", stage, message: `${where} is not a TWS API port: ${e.message}` };
  }
  if (e instanceof Rejected) {
    return { reason: "rejected", stage, message: e.message, apiCode: e.code };
  }
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { reason: "error", stage, message: `probe of ${where} failed: ${redact(msg)}` };
}
