/**
 * The API port forwarder: the job socat does in the gnzsnz image (4003 -> 4001 live,
 * 4004 -> 4002 paper), done in-process and gated on readiness.
 *
 * Why forward at all: Gateway trusts only the API clients listed in jts.ini TrustedIPs
 * (127.0.0.1 in the images) and shows a confirmation dialog for anyone else. Connections relayed
 * from here reach Gateway from 127.0.0.1, exactly as socat's do.
 *
 * Why gated: socat listens from container start, long before Gateway's API exists, so early
 * clients are accepted and then dropped (gnzsnz #34, #83, #119). Here the outside port is open
 * only while the session is READY (the API answered a real handshake): before that, and after
 * it leaves READY, a client gets "connection refused" and can retry with its usual backoff.
 *
 * Leaving READY closes the listening socket only; connections already relayed are kept. Gateway
 * owns them: when it logs out or its JVM ends it closes them, and the relay closes the client
 * side at once. Cutting them ourselves would break a working client on a single failed probe.
 * {@link ApiForwarder.close} (shutdown) ends everything.
 */

import { settlesWithin } from "../util/deadline.ts";
import { alert, log } from "../log.ts";
import { writeAll } from "../util/bytes.ts";
import { errorLine } from "../util/errors.ts";

/** While the session is READY but the port cannot be bound, retry this often. */
export const FORWARD_RETRY_MS = 5_000;
/** After one direction of a relay ends, how long the other may still flow (socat's -t). */
export const HALF_CLOSE_MS = 500;
/** Bytes read per chunk in each direction. */
const CHUNK = 64 * 1024;

/** What a forwarder needs. */
export interface ForwarderOptions {
  /** The session it belongs to (logs, alerts): live or paper. */
  mode: string;
  listenHost: string;
  listenPort: number;
  /** Gateway's API port; always reached on 127.0.0.1 (TrustedIPs). */
  targetPort: number;
  /** Setting names for messages (which setting to change). */
  portSetting?: string;
}

/** Counters, for logs and tests. */
export interface ForwarderStats {
  /** Client connections accepted. */
  accepted: number;
  /** Relays running now. */
  active: number;
  /** Accepted clients dropped because Gateway's API port refused the relay. */
  upstreamFailures: number;
}

interface Relay {
  client: Deno.TcpConn;
  upstream?: Deno.TcpConn;
  end(): void;
}

/** One outside port relayed to one Gateway API port while its session is READY. */
export class ApiForwarder {
  #opts: ForwarderOptions;
  #listener?: Deno.TcpListener;
  /** Settles when the accept loop of the current or last listener has ended. */
  #accepting: Promise<void> = Promise.resolve();
  /** The open/close changes, applied one after the other. */
  #changes: Promise<void> = Promise.resolve();
  #wantOpen = false;
  #closed = false;
  #relays = new Set<Relay>();
  #retry?: ReturnType<typeof setTimeout>;
  #alerted = false;
  /** Why the last attempt to open failed, while that failure stands. */
  #openError?: string;
  #stats: ForwarderStats = { accepted: 0, active: 0, upstreamFailures: 0 };
  #log;

  constructor(opts: ForwarderOptions) {
    this.#opts = opts;
    this.#log = log("container", "forward", opts.mode);
  }

  /** True while the outside port is listening. */
  get listening(): boolean {
    return this.#listener !== undefined;
  }

  /** The outside port: the bound one while listening, else the configured one. */
  get port(): number {
    return this.#listener?.addr.port ?? this.#opts.listenPort;
  }

  /** The bound address while listening (port 0 in the options picks a free one). */
  get addr(): Deno.NetAddr | undefined {
    return this.#listener?.addr;
  }

  /**
   * Why the outside port is not listening although the session is READY (it could not be bound;
   * retried every FORWARD_RETRY_MS), else undefined.
   */
  get openError(): string | undefined {
    return this.#wantOpen && !this.#listener ? this.#openError : undefined;
  }

  /** A copy of the counters. */
  get stats(): ForwarderStats {
    return { ...this.#stats, active: this.#relays.size };
  }

  /**
   * Opens (session entered READY) or closes (it left READY) the outside port. Idempotent.
   * Never rejects: a port that cannot be bound is logged and alerted, and retried while READY.
   * Resolves once the change is in effect: after a close, once Deno has released the socket
   * (closing a listener with an accept pending releases it a moment later, not at once).
   */
  setOpen(open: boolean): Promise<void> {
    if (this.#closed) return this.#accepting;
    this.#wantOpen = open;
    // In order, each on the latest wish: a reopen waits until the old socket is released, or
    // binding the same port again could fail.
    this.#changes = this.#changes.then(async () => {
      if (this.#wantOpen) {
        if (!this.#listener) await this.#accepting;
        this.#open();
      } else {
        this.#closeListener("session left READY");
        await this.#accepting;
      }
    });
    return this.#changes;
  }

  /** Shutdown: closes the port and every relayed connection. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wantOpen = false;
    this.#closeListener("shutting down");
    const relays = [...this.#relays];
    for (const r of relays) r.end();
    await this.#accepting;
  }

  #open(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    if (this.#listener || this.#closed || !this.#wantOpen) return;
    const { listenHost, listenPort, targetPort, mode } = this.#opts;
    try {
      this.#listener = Deno.listen({ hostname: listenHost, port: listenPort, transport: "tcp" });
    } catch (e) {
      const why = errorLine(e);
      const fix = e instanceof Deno.errors.AddrInUse
        ? `free port ${listenPort} or set ${
          this.#opts.portSetting ?? "the forward port"
        } to another`
        : e instanceof Deno.errors.NotCapable
        ? `the permission set must allow listening on ${listenHost} (docs/permissions.md)`
        : `check PILOT_API_FORWARD_HOST=${listenHost} is an address of this host`;
      this.#log.error(
        "cannot open API forward {host}:{port} -> 127.0.0.1:{target}: {why}; {fix}. Retrying " +
          "every {retry} s while ready.",
        {
          host: listenHost,
          port: listenPort,
          target: targetPort,
          why,
          fix,
          retry: FORWARD_RETRY_MS / 1000,
        },
      );
      this.#openError = `${listenHost}:${listenPort}: ${why}; ${fix}`;
      if (!this.#alerted) {
        this.#alerted = true;
        alert("ALERT_API_FORWARD_FAILED", {
          mode,
          port: listenPort,
          target_port: targetPort,
          error: why,
        });
      }
      this.#retry = setTimeout(() => this.#open(), FORWARD_RETRY_MS);
      return;
    }
    this.#alerted = false;
    this.#openError = undefined;
    this.#log.info("API forward open: {host}:{port} -> 127.0.0.1:{target}", {
      host: listenHost,
      port: this.#listener.addr.port,
      target: targetPort,
    });
    this.#accepting = this.#accept(this.#listener);
  }

  #closeListener(why: string): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const l = this.#listener;
    if (!l) return;
    this.#listener = undefined;
    try {
      l.close();
    } catch { /* already closed */ }
    this.#log.info("API forward closed ({why}): port {port} now refuses connections", {
      why,
      port: l.addr.port,
      active: this.#relays.size,
    });
  }

  async #accept(listener: Deno.TcpListener): Promise<void> {
    let error: unknown = "the listener ended";
    try {
      for await (const client of listener) {
        this.#stats.accepted++;
        void this.#relay(client);
      }
    } catch (e) {
      error = e;
    }
    // Our own close ends the loop (BadResource/Interrupted). Ending while this listener is still
    // the one we want is unexpected: reopen rather than leave the port silently refused.
    if (this.#listener === listener) {
      this.#log.error("API forward accept failed: {error}; reopening", { error: String(error) });
      this.#closeListener("accept failed");
      this.#retry = setTimeout(() => this.#open(), FORWARD_RETRY_MS);
    }
  }

  async #relay(client: Deno.TcpConn): Promise<void> {
    const peer = client.remoteAddr as Deno.NetAddr;
    let ended = false;
    const relay: Relay = {
      client,
      end: () => {
        if (ended) return;
        ended = true;
        for (const c of [relay.client, relay.upstream]) {
          try {
            c?.close();
          } catch { /* already closed */ }
        }
        this.#relays.delete(relay);
      },
    };
    this.#relays.add(relay);
    try {
      relay.upstream = await Deno.connect({
        hostname: "127.0.0.1",
        port: this.#opts.targetPort,
        transport: "tcp",
      });
    } catch (e) {
      // Only possible when Gateway's port died while READY; the probe will notice it.
      this.#stats.upstreamFailures++;
      this.#log.warn("API forward: Gateway's port 127.0.0.1:{target} refused a relay: {error}", {
        target: this.#opts.targetPort,
        error: errorLine(e),
      });
      relay.end();
      return;
    }
    if (ended) {
      // close() ran while we were connecting.
      relay.end();
      try {
        relay.upstream.close();
      } catch { /* already closed */ }
      return;
    }
    for (const c of [client, relay.upstream]) {
      try {
        c.setNoDelay(true); // small request/response messages: no Nagle delay
        c.setKeepAlive(true); // a vanished peer is noticed, not held in CLOSE_WAIT forever
      } catch { /* socket already closed */ }
    }
    this.#log.debug("API forward: {peer} connected", {
      peer: `${peer.hostname}:${peer.port}`,
    });
    const upstream = relay.upstream;
    const ways = [pump(client, upstream), pump(upstream, client)].map((p) =>
      p.then(() => "eof" as const, () => "error" as const)
    );
    // As socat (-t 0.5): once one side has ended, the other gets a moment to finish, then both
    // close, so a client never sits on a half-dead connection after Gateway hung up. A socket
    // error ends both at once.
    if ((await Promise.race(ways)) === "eof") {
      await settlesWithin(Promise.all(ways), HALF_CLOSE_MS);
    }
    relay.end();
    this.#log.debug("API forward: {peer} disconnected", { peer: `${peer.hostname}:${peer.port}` });
  }
}

/**
 * Copies `from` to `to` until EOF, then half-closes `to` so the other side sees the end while
 * its own direction keeps flowing. Rejects on a socket error (the caller then closes both).
 */
async function pump(from: Deno.TcpConn, to: Deno.TcpConn): Promise<void> {
  const buf = new Uint8Array(CHUNK);
  while (true) {
    const n = await from.read(buf);
    if (n === null) break;
    await writeAll(to, buf.subarray(0, n));
  }
  await to.closeWrite().catch(() => {});
}
