/**
 * The IBC-compatible command server: plain TCP, one command per line, IBC's exact replies
 * (sources.md IBC 3), so IBC's own scripts (`stop.sh`, `restart.sh`, telnet/nc one-liners)
 * keep working. It acts only through an injected {@link ControlTarget}.
 *
 * Beyond IBC: a read-only `STATUS` (one `OK {json}` line), `AUTH <token>` for non-loopback
 * clients, and limits (line length, connections, idle time, a pause after failed AUTHs) so that
 * no client can block another one or the supervisor.
 *
 * Trailing spaces: like IBC, commands are compared ignoring case but NOT trimmed, so `STOP ` is
 * `ERROR Command invalid`. A script that works against ibg-pilot then works against IBC, and a
 * garbled line never triggers an action. Blank or white-space-only lines are skipped.
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { alert, log } from "../log.ts";
import type { ActionResult, CommandServerLimits, ControlTarget } from "./control.ts";
import type { Mode } from "../config/mod.ts";
import { healthReport } from "./report.ts";
import { raceTimer } from "../util/deadline.ts";
import { writeAll } from "../util/bytes.ts";
import { errorText } from "../util/errors.ts";

/** Defaults of {@link CommandServerLimits}. */
export const DEFAULT_LIMITS: CommandServerLimits = {
  maxLineBytes: 1024,
  maxConnections: 64,
  idleTimeoutMs: 60_000,
  maxAuthFailures: 5,
  authWindowMs: 60_000,
  authPauseMs: 30_000,
  actionTimeoutMs: 15_000,
};

/** Who may talk to the server, decided per connection. */
export type Access = "allow" | "auth" | "deny";

/** Inputs of {@link accessDecision}. */
export interface AccessRules {
  /** The server socket's own address (IBC allows it like loopback). */
  localAddress: string;
  /** Allowed client addresses besides loopback (CONTROL_FROM), already normalised. */
  controlFrom: ReadonlySet<string>;
  /** Whether CONTROLLER_COMMAND_SERVER_AUTH_TOKEN is set. */
  tokenSet: boolean;
}

/** `::ffff:10.0.0.1` -> `10.0.0.1`; lower-case IPv6; brackets removed. */
export function normaliseAddress(addr: string): string {
  const a = addr.trim().replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped ? mapped[1] : a;
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(addr: string): boolean {
  const a = normaliseAddress(addr);
  return /^127\.\d+\.\d+\.\d+$/.test(a) || a === "::1" || a === "localhost";
}

/**
 * The access rule, as a pure function: loopback and the server's own address are always
 * allowed; CONTROL_FROM addresses are allowed; anyone else must `AUTH` when a token is set and
 * is refused otherwise.
 */
export function accessDecision(peer: string, rules: AccessRules): Access {
  const p = normaliseAddress(peer);
  if (isLoopback(p) || p === normaliseAddress(rules.localAddress)) return "allow";
  if (rules.controlFrom.has(p)) return "allow";
  return rules.tokenSet ? "auth" : "deny";
}

/** Compares a presented token with the configured one in constant time. */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b) && expected.length > 0;
}

/**
 * Splits a byte stream into lines ended by LF, CR or CRLF (Java's readLine rules), enforcing a
 * maximum line length without ever buffering more than that.
 */
export class LineSplitter {
  #buf: number[] = [];
  #afterCR = false;
  #decoder = new TextDecoder("utf-8", { fatal: false });
  constructor(readonly maxLineBytes: number) {}

  /** Feeds bytes; returns complete lines, and whether the current line grew too long. */
  push(bytes: Uint8Array): { lines: string[]; overflow: boolean } {
    const lines: string[] = [];
    for (const b of bytes) {
      if (b === 0x0a && this.#afterCR) {
        this.#afterCR = false;
        continue;
      }
      this.#afterCR = b === 0x0d;
      if (b === 0x0a || b === 0x0d) {
        lines.push(this.#decoder.decode(new Uint8Array(this.#buf)));
        this.#buf = [];
        continue;
      }
      if (this.#buf.length >= this.maxLineBytes) return { lines, overflow: true };
      this.#buf.push(b);
    }
    return { lines, overflow: false };
  }
}

/** Events the server reports (metrics hook in here). */
export interface CommandServerEvents {
  /** A command line was answered; `command` is a known verb or `INVALID`. */
  command?(command: string, ok: boolean): void;
  /** A connection was refused or cut: denied, paused, auth_failed, too_long, idle, evicted. */
  rejected?(reason: string): void;
}

/** Options of {@link CommandServer}. */
export interface CommandServerOptions {
  port: number;
  hostname: string;
  target: ControlTarget;
  /** Configured trading mode (for STATUS). */
  mode: Mode | "both";
  /** CONTROL_FROM entries (IP addresses; host names are resolved at start). */
  controlFrom?: string[];
  /** CONTROLLER_COMMAND_SERVER_AUTH_TOKEN. */
  authToken?: string;
  /** Send IBC's INFO lines (IBC's SuppressInfoMessages=no). */
  infoMessages?: boolean;
  /** IBC's CommandPrompt: written without a newline after each reply and each blank line. */
  prompt?: string;
  limits?: Partial<CommandServerLimits>;
  events?: CommandServerEvents;
  /** Process start (epoch ms) for STATUS; defaults to now. */
  startedAt?: number;
  /** Clock (tests). */
  now?: () => number;
  /** The access rule; {@link accessDecision} unless a test injects another. */
  accessCheck?: (peer: string, rules: AccessRules) => Access;
}

interface Client {
  conn: Deno.TcpConn;
  peer: string;
  lastInput: number;
  busy: boolean;
  closed: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

const ENC = new TextEncoder();
const KNOWN = new Set([
  "EXIT",
  "STOP",
  "RESTART",
  "PAUSE",
  "ENABLEAPI",
  "RECONNECTDATA",
  "RECONNECTACCOUNT",
  "STATUS",
]);

/**
 * The command server. `start()` listens; `close()` stops listening and closes every client.
 * The supervisor should call `close()` only after a STOP's reply had its chance to be written
 * (i.e. not synchronously inside {@link ControlTarget.stop}).
 */
export class CommandServer {
  readonly limits: CommandServerLimits;
  #opts: CommandServerOptions;
  #listener?: Deno.TcpListener;
  #clients = new Set<Client>();
  #failures = new Map<string, { times: number[]; pausedUntil: number }>();
  #controlFrom = new Set<string>();
  #now: () => number;
  #startedAt: number;
  #acceptLoop?: Promise<void>;
  #log = log("servers", "command");

  constructor(opts: CommandServerOptions) {
    this.#opts = opts;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.#now = opts.now ?? Date.now;
    this.#startedAt = opts.startedAt ?? this.#now();
  }

  /** The bound address (after start). */
  get addr(): Deno.NetAddr {
    if (!this.#listener) throw new Error("command server not started");
    return this.#listener.addr;
  }

  /** Open client connections. */
  get connectionCount(): number {
    return this.#clients.size;
  }

  /** Starts listening. Throws when the port cannot be bound. */
  async start(): Promise<void> {
    const o = this.#opts;
    for (const entry of o.controlFrom ?? []) {
      const e = normaliseAddress(entry);
      if (/^[\d.]+$/.test(e) || e.includes(":")) {
        this.#controlFrom.add(e);
        continue;
      }
      for (const type of ["A", "AAAA"] as const) {
        try {
          for (const ip of await Deno.resolveDns(e, type)) {
            this.#controlFrom.add(normaliseAddress(ip));
          }
        } catch (err) {
          this.#log.warn(
            "CONTROL_FROM entry {entry} ({type}) could not be resolved ({why}); list IP addresses instead",
            { entry, type, why: errorText(err) },
          );
        }
      }
    }
    this.#listener = Deno.listen({ hostname: o.hostname, port: o.port, transport: "tcp" });
    const bound = this.#listener.addr;
    this.#log.info("command server listening on {host}:{port}", {
      host: bound.hostname,
      port: bound.port,
    });
    if (!isLoopback(o.hostname) && !o.authToken) {
      this.#log.warn(
        "COMMAND SERVER BOUND TO {host} WITHOUT CONTROLLER_COMMAND_SERVER_AUTH_TOKEN: it is " +
          "plain TCP, and every address in CONTROL_FROM can STOP or RESTART Gateway without a " +
          "password. Set CONTROLLER_COMMAND_SERVER_AUTH_TOKEN (or _FILE), or bind to 127.0.0.1.",
        { host: o.hostname },
      );
    }
    this.#acceptLoop = this.#accept(this.#listener);
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    try {
      this.#listener?.close();
    } catch { /* already closed */ }
    for (const c of this.#clients) this.#drop(c);
    await this.#acceptLoop;
  }

  async #accept(listener: Deno.TcpListener): Promise<void> {
    while (true) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (e) {
        if (e instanceof Deno.errors.BadResource || e instanceof Deno.errors.Interrupted) return;
        this.#log.warn("command server accept failed: {error}", { error: String(e) });
        continue;
      }
      this.#serve(conn).catch((e) => {
        this.#log.debug("command connection ended with {error}", { error: String(e) });
      });
    }
  }

  #drop(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    clearTimeout(c.timer);
    this.#clients.delete(c);
    try {
      c.conn.close();
    } catch { /* already closed */ }
  }

  #armIdle(c: Client): void {
    clearTimeout(c.timer);
    c.timer = setTimeout(() => {
      this.#opts.events?.rejected?.("idle");
      this.#drop(c);
    }, this.limits.idleTimeoutMs);
  }

  #paused(peer: string): boolean {
    const f = this.#failures.get(peer);
    return f !== undefined && f.pausedUntil > this.#now();
  }

  #recordAuthFailure(peer: string): void {
    const now = this.#now();
    if (this.#failures.size > 10_000) this.#failures.clear(); // bounded memory under a flood
    const f = this.#failures.get(peer) ?? { times: [], pausedUntil: 0 };
    f.times = f.times.filter((t) => now - t < this.limits.authWindowMs);
    f.times.push(now);
    if (f.times.length >= this.limits.maxAuthFailures) {
      f.pausedUntil = now + this.limits.authPauseMs;
      f.times = [];
      alert("ALERT_COMMAND_AUTH_PAUSED", {
        peer,
        failures: this.limits.maxAuthFailures,
        pause_seconds: Math.round(this.limits.authPauseMs / 1000),
      }, "warning");
    }
    this.#failures.set(peer, f);
  }

  #write(c: Client, text: string): Promise<void> {
    return writeAll(c.conn, ENC.encode(text));
  }

  async #serve(conn: Deno.TcpConn): Promise<void> {
    const o = this.#opts;
    const peer = normaliseAddress(conn.remoteAddr.hostname);
    const access = (o.accessCheck ?? accessDecision)(peer, {
      localAddress: conn.localAddr.hostname,
      controlFrom: this.#controlFrom,
      tokenSet: Boolean(o.authToken),
    });
    const c: Client = { conn, peer, lastInput: this.#now(), busy: false, closed: false };
    if (access === "deny") {
      this.#log.warn("command server denied access to {peer}", { peer });
      o.events?.rejected?.("denied");
      try {
        conn.close();
      } catch { /* gone */ }
      return;
    }
    if (access === "auth" && this.#paused(peer)) {
      o.events?.rejected?.("paused");
      this.#clients.add(c);
      await this.#write(c, "ERROR Too many failed AUTH attempts; try again later\n").catch(
        () => {},
      );
      this.#drop(c);
      return;
    }
    if (this.#clients.size >= this.limits.maxConnections) this.#evict();
    this.#clients.add(c);
    this.#armIdle(c);
    try {
      await this.#session(c, access === "allow");
    } finally {
      this.#drop(c);
    }
  }

  /** At the connection limit, closes the client that has been idle longest (never a busy one). */
  #evict(): void {
    let oldest: Client | undefined;
    for (const c of this.#clients) {
      if (!c.busy && (!oldest || c.lastInput < oldest.lastInput)) oldest = c;
    }
    if (oldest) {
      this.#opts.events?.rejected?.("evicted");
      this.#drop(oldest);
    }
  }

  async #session(c: Client, authed: boolean): Promise<void> {
    const o = this.#opts;
    const prompt = o.prompt ?? "";
    if (o.infoMessages) await this.#write(c, "INFO IBC Command Server\n");
    const splitter = new LineSplitter(this.limits.maxLineBytes);
    const buf = new Uint8Array(4096);
    while (!c.closed) {
      let n: number | null;
      try {
        n = await c.conn.read(buf);
      } catch {
        return;
      }
      if (n === null) return;
      c.lastInput = this.#now();
      this.#armIdle(c);
      const { lines, overflow } = splitter.push(buf.subarray(0, n));
      for (const line of lines) {
        if (line.trim() === "") {
          if (prompt) await this.#write(c, prompt);
          continue;
        }
        c.busy = true;
        let next: "continue" | "close" | "authed";
        try {
          next = await this.#line(c, line, authed);
        } finally {
          c.busy = false;
        }
        if (next === "close") return;
        if (next === "authed") authed = true;
        if (prompt) await this.#write(c, prompt);
      }
      if (overflow) {
        o.events?.rejected?.("too_long");
        await this.#write(c, "ERROR Line too long\n").catch(() => {});
        return;
      }
    }
  }

  /** Answers one non-blank line; says whether the connection goes on. */
  async #line(
    c: Client,
    line: string,
    authed: boolean,
  ): Promise<"continue" | "close" | "authed"> {
    const o = this.#opts;
    const auth = /^AUTH (.*)$/is.exec(line);
    if (auth && o.authToken) {
      if (tokenMatches(auth[1], o.authToken)) {
        await this.#write(c, "OK Authenticated\n");
        return "authed";
      }
      this.#recordAuthFailure(c.peer);
      o.events?.rejected?.("auth_failed");
      this.#log.warn("command server: failed AUTH from {peer}", { peer: c.peer });
      await this.#write(c, "ERROR Authentication failed\n");
      return "close";
    }
    if (!authed) {
      o.events?.rejected?.("auth_required");
      await this.#write(c, "ERROR Authentication required: send AUTH <token> first\n");
      return "close";
    }
    const cmd = line.toUpperCase();
    const verb = KNOWN.has(cmd) ? cmd : "INVALID";
    const reply = await this.#command(cmd);
    o.events?.command?.(verb, reply.lines.every((l) => !l.startsWith("ERROR")));
    if (verb !== "INVALID" && verb !== "STATUS") {
      this.#log.info("command server: {command} from {peer} -> {reply}", {
        command: verb,
        peer: c.peer,
        reply: reply.lines.at(-1),
      });
    }
    const lines = o.infoMessages ? reply.lines : reply.lines.filter((l) => !l.startsWith("INFO"));
    await this.#write(c, lines.map((l) => l + "\n").join(""));
    return reply.close ? "close" : "continue";
  }

  async #ask(
    name: string,
    action: () => ActionResult | Promise<ActionResult>,
  ): Promise<ActionResult> {
    try {
      return await raceTimer(
        Promise.resolve().then(action),
        this.limits.actionTimeoutMs,
        () => ({ ok: false, error: `${name} timed out` }),
      );
    } catch (e) {
      this.#log.error("command server: {command} failed: {error}", {
        command: name,
        error: errorText(e),
      });
      return { ok: false, error: `${name} failed` };
    }
  }

  /** IBC's replies for one command (INFO lines included; the caller filters them). */
  async #command(cmd: string): Promise<{ lines: string[]; close: boolean }> {
    const t = this.#opts.target;
    switch (cmd) {
      case "EXIT":
        return { lines: ["OK Goodbye"], close: true };
      case "STOP": {
        const r = await this.#ask("STOP", () => t.stop("STOP command"));
        return {
          lines: r.ok
            ? ["INFO Closing IBC", "OK Shutting down: STOP command"]
            : [`ERROR ${r.error}`],
          close: true,
        };
      }
      case "RESTART":
      case "PAUSE": {
        const r = await this.#ask(cmd, () => cmd === "RESTART" ? t.restart() : t.pause());
        const info = cmd === "RESTART" ? "INFO Restarting TWS" : "INFO Pausing TWS";
        return {
          lines: r.ok
            ? [info, `OK ${cmd} in progress`, ...(r.detail ? [`OK ${r.detail}`] : [])]
            : [`ERROR ${r.error}`],
          close: true,
        };
      }
      case "ENABLEAPI": {
        // Gateway always has the API enabled and no such setting: IBC's Gateway reply.
        if (!t.enableApi) {
          return { lines: ["ERROR ENABLEAPI is not valid for the IB Gateway"], close: false };
        }
        const r = await this.#ask(cmd, () => t.enableApi!());
        return { lines: [r.ok ? `OK ${r.detail}` : `ERROR ${r.error}`], close: false };
      }
      case "RECONNECTDATA":
      case "RECONNECTACCOUNT": {
        const r = await this.#ask(
          cmd,
          () => cmd === "RECONNECTDATA" ? t.reconnectData() : t.reconnectAccount(),
        );
        // IBC's success reply is "OK " with a trailing space.
        return { lines: [r.ok ? `OK ${r.detail ?? ""}` : `ERROR ${r.error}`], close: false };
      }
      case "STATUS": {
        let json: string;
        try {
          json = JSON.stringify(
            healthReport(this.#opts.target.status(), {
              mode: this.#opts.mode,
              startedAt: this.#startedAt,
              now: this.#now(),
            }),
          );
        } catch (e) {
          this.#log.error("STATUS failed: {error}", { error: String(e) });
          return { lines: ["ERROR STATUS failed"], close: false };
        }
        return { lines: [`OK ${json}`], close: false };
      }
      default:
        return { lines: ["ERROR Command invalid"], close: false };
    }
  }
}
