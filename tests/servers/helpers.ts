/**
 * Test helpers for the servers: a fake supervisor implementing ControlTarget, and a raw TCP
 * client that reads with named deadlines.
 */

import type { ActionResult, ControlTarget, SessionStatus } from "../../lib/servers/control.ts";
import { pollUntil } from "../support/poll.ts";

/** A session status with sensible defaults for a READY session. */
export function status(over: Partial<SessionStatus> = {}): SessionStatus {
  return {
    mode: "paper",
    state: "READY",
    ready: true,
    jvmPid: 4242,
    jvmAlive: true,
    apiPort: 4002,
    apiPortOpen: true,
    apiHandshakeOk: true,
    serverVersion: 187,
    lastAuthSuccessAt: 1_700_000_000_000,
    gatewayVersion: "10.45.1j",
    reason: null,
    ...over,
  };
}

/** A fake supervisor recording every request. */
export class FakeTarget implements ControlTarget {
  calls: string[] = [];
  sessions: SessionStatus[] = [status()];
  stopping = false;
  restarting = false;
  restartDetail?: string = "RESTART at 11:46 PM";
  /** When set, every action waits for this promise (a hung supervisor). */
  hang?: Promise<void>;

  status(): SessionStatus[] {
    return this.sessions;
  }
  async stop(reason: string): Promise<ActionResult> {
    this.calls.push(`stop:${reason}`);
    if (this.hang) await this.hang;
    if (this.stopping) return { ok: false, error: "STOP already in progress" };
    this.stopping = true;
    return { ok: true };
  }
  restart(): ActionResult {
    this.calls.push("restart");
    if (this.restarting) return { ok: false, error: "RESTART already in progress" };
    this.restarting = true;
    return { ok: true, detail: this.restartDetail };
  }
  pause(): ActionResult {
    this.calls.push("pause");
    return { ok: true, detail: "PAUSE at 11:46 PM" };
  }
  reconnectAccount(): ActionResult {
    this.calls.push("reconnectAccount");
    return { ok: true };
  }
  reconnectData(): ActionResult {
    this.calls.push("reconnectData");
    return { ok: true };
  }
}

/** Rejects after `ms` with a message naming what was awaited. */
export async function within<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`deadline: ${what} not within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `cond` until true or the named deadline passes. */
export async function waitFor(what: string, ms: number, cond: () => boolean): Promise<void> {
  await pollUntil(cond, { deadlineMs: ms, name: "ms", what });
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A raw client: write text, read until a condition on the received text, or EOF. */
export class RawClient {
  received = "";
  eof = false;
  #pending?: Promise<void>;
  private constructor(readonly conn: Deno.TcpConn) {}

  static async connect(port: number, hostname = "127.0.0.1"): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname, port }));
  }

  async write(text: string | Uint8Array): Promise<void> {
    const bytes = typeof text === "string" ? enc.encode(text) : text;
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  #pump(): Promise<void> {
    if (!this.#pending) {
      this.#pending = (async () => {
        const buf = new Uint8Array(65536);
        while (true) {
          let n: number | null;
          try {
            n = await this.conn.read(buf);
          } catch {
            n = null;
          }
          if (n === null) {
            this.eof = true;
            return;
          }
          this.received += dec.decode(buf.subarray(0, n));
        }
      })();
    }
    return this.#pending;
  }

  /** Waits until the received text satisfies `cond` (or EOF), within a named deadline. */
  async until(what: string, cond: (text: string) => boolean, ms = 5000): Promise<string> {
    void this.#pump();
    await waitFor(what, ms, () => cond(this.received) || this.eof);
    if (!cond(this.received)) {
      throw new Error(`${what}: connection ended; received ${JSON.stringify(this.received)}`);
    }
    return this.received;
  }

  /** Waits for the server to close the connection; returns everything received. */
  async untilEof(what: string, ms = 5000): Promise<string> {
    void this.#pump();
    await waitFor(what, ms, () => this.eof);
    return this.received;
  }

  /** Closes the client and waits for its reader. */
  async close(): Promise<void> {
    try {
      this.conn.close();
    } catch { /* closed */ }
    if (this.#pending) await this.#pending;
  }
}
