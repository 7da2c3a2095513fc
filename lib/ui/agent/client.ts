/**
 * The agent adapter of the UI port: an NDJSON client for the Java agent inside Gateway's JVM,
 * over its Unix socket. This module owns the wire protocol on the Deno side (hello, request ids,
 * reply correlation, per-request deadlines, event fan-out, disconnect handling); the protocol
 * itself is specified in docs/agent-protocol.md.
 *
 * Typed text never leaves this module in a log line: requests are logged by op and window only.
 */

import { log } from "../../log.ts";
import { raceTimer } from "../../util/deadline.ts";
import {
  type ClickOptions,
  type ComponentNode,
  type Target,
  UiError,
  type UiEvent,
  type UiPort,
  type WindowInfo,
  type WindowPicture,
} from "../port.ts";

const logger = log("ui", "agent");

/** The protocol version this client speaks (docs/agent-protocol.md). */
export const PROTOCOL_VERSION = 1;

/** What the agent says first on every connection. */
export interface AgentHello {
  protocol: number;
  /** Agent version, for example `0.1.0`. */
  agent: string;
  /** The JVM's process id. */
  pid: number;
  /** `java.version` of the JVM. */
  java: string;
  javaVendor?: string;
  /** The JVM's main class or jar (never its arguments). */
  mainClass?: string;
  /** False until the application has started AWT; until then no windows are reported. */
  ready: boolean;
  /** Operations this agent supports. */
  ops: string[];
  /** Agent clock when the hello was sent (epoch ms, fractional). */
  at: number;
}

/** Options for {@link AgentClient.open} and {@link connectAgent}. */
export interface AgentClientOptions {
  /** How long to wait for the agent (connect and hello). Default 10 000 ms. */
  helloDeadlineMs?: number;
  /** Client-side deadline of one request unless the call says otherwise. Default 5 000 ms. */
  requestTimeoutMs?: number;
  /**
   * How long the agent may wait for Gateway's Swing thread per request (`timeoutMs` on the
   * wire). Default 2 000 ms. Keep it below `requestTimeoutMs`, so that a blocked Swing thread is
   * reported by the agent as `timeout` (the action was not performed) rather than by the client.
   */
  edtTimeoutMs?: number;
  /** Subscribe to window events at once. Default true. */
  subscribe?: boolean;
}

/** Per-call options of {@link AgentClient.request}. */
export interface RequestOptions {
  /** Client-side deadline for this request. */
  timeoutMs?: number;
}

interface Pending {
  op: string;
  resolve: (value: unknown) => void;
  reject: (error: UiError) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface WireError {
  code?: unknown;
  message?: unknown;
}

interface WireMessage {
  type?: unknown;
  id?: unknown;
  ok?: unknown;
  result?: unknown;
  error?: WireError;
  event?: unknown;
  at?: unknown;
  window?: WindowInfo;
  windowId?: unknown;
  title?: unknown;
  [key: string]: unknown;
}

/** Counters for diagnostics and the benchmark. */
export interface AgentClientStats {
  sent: number;
  replies: number;
  events: number;
  /** Lines that were not JSON objects of a known type. */
  malformed: number;
  /** Replies that arrived after their request had timed out, or with an unknown id. */
  orphanReplies: number;
}

const encoder = new TextEncoder();

/**
 * The UI port over the agent's socket. Create one with {@link connectAgent} (which also waits for
 * the JVM to open the socket) or {@link AgentClient.open} on an existing connection.
 */
export class AgentClient implements UiPort {
  readonly channel = "agent" as const;
  /** Counters, for diagnostics. */
  readonly stats: AgentClientStats = {
    sent: 0,
    replies: 0,
    events: 0,
    malformed: 0,
    orphanReplies: 0,
  };

  #conn: Deno.Conn;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #pending = new Map<number, Pending>();
  #listeners = new Set<(event: UiEvent) => void>();
  #nextId = 1;
  #closed = false;
  #closing = false;
  #hello?: AgentHello;
  #helloWaiter?: (hello: AgentHello) => void;
  #readDone: Promise<void>;
  #requestTimeoutMs: number;
  #edtTimeoutMs: number;

  private constructor(conn: Deno.Conn, opts: AgentClientOptions) {
    this.#conn = conn;
    this.#writer = conn.writable.getWriter();
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? 5_000;
    this.#edtTimeoutMs = opts.edtTimeoutMs ?? 2_000;
    this.#readDone = this.#readLoop();
  }

  /**
   * Wraps a connected socket: waits for the agent's hello (named deadline `helloDeadlineMs`),
   * checks the protocol version and, unless `subscribe: false`, subscribes to window events.
   */
  static async open(conn: Deno.Conn, opts: AgentClientOptions = {}): Promise<AgentClient> {
    const client = new AgentClient(conn, opts);
    const deadline = opts.helloDeadlineMs ?? 10_000;
    try {
      const hello = await raceTimer(client.#waitHello(), deadline, () => {
        throw new UiError(
          "no_hello",
          `the agent socket accepted the connection but sent no hello within ${deadline} ms ` +
            `(helloDeadlineMs); is something other than the ibg-pilot agent listening there?`,
        );
      });
      if (hello.protocol !== PROTOCOL_VERSION) {
        throw new UiError(
          "protocol",
          `the agent in JVM ${hello.pid} speaks protocol ${hello.protocol}, this ibg-pilot speaks ` +
            `${PROTOCOL_VERSION}; restart Gateway so that it loads the agent embedded in this binary`,
        );
      }
      if (opts.subscribe ?? true) await client.request("subscribe", { events: true });
      logger.debug("agent {agent} in JVM {pid} (Java {java}) ready={ready}", { ...hello });
      return client;
    } catch (e) {
      await client.close();
      throw e;
    }
  }

  /** The agent's hello (available once {@link AgentClient.open} resolved). */
  get hello(): AgentHello {
    if (!this.#hello) throw new UiError("no_hello", "no hello received yet");
    return this.#hello;
  }

  /** True once the connection is gone. */
  get closed(): boolean {
    return this.#closed;
  }

  #waitHello(): Promise<AgentHello> {
    if (this.#hello) return Promise.resolve(this.#hello);
    return new Promise((resolve) => {
      this.#helloWaiter = resolve;
    });
  }

  async #readLoop(): Promise<void> {
    let reason = "the agent closed the connection (did Gateway's JVM exit?)";
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of this.#conn.readable) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.trim() !== "") this.#onLine(line);
        }
      }
    } catch (e) {
      reason = this.#closing ? "closed by the client" : `connection error: ${(e as Error).message}`;
    }
    if (this.#closing) reason = "closed by the client";
    this.#shutdown(reason);
  }

  #onLine(line: string): void {
    let msg: WireMessage;
    try {
      msg = JSON.parse(line);
    } catch (e) {
      this.stats.malformed++;
      logger.warn("ignoring a malformed line from the agent ({length} bytes): {error}", {
        length: line.length,
        error: (e as Error).message,
      });
      return;
    }
    if (msg === null || typeof msg !== "object" || Array.isArray(msg)) {
      this.stats.malformed++;
      logger.warn("ignoring a non-object line from the agent");
      return;
    }
    switch (msg.type) {
      case "reply":
        return this.#onReply(msg);
      case "event":
        return this.#onEvent(msg);
      case "hello":
        this.#hello = msg as unknown as AgentHello;
        this.#helloWaiter?.(this.#hello);
        this.#helloWaiter = undefined;
        return;
      default:
        this.stats.malformed++;
        logger.warn("ignoring an agent line of unknown type {type}", { type: String(msg.type) });
    }
  }

  #onReply(msg: WireMessage): void {
    this.stats.replies++;
    const pending = typeof msg.id === "number" ? this.#pending.get(msg.id) : undefined;
    if (!pending) {
      this.stats.orphanReplies++;
      if (msg.ok === false) {
        logger.warn("agent error without a matching request: {code} {message}", {
          code: String(msg.error?.code),
          message: String(msg.error?.message),
        });
      } else {
        logger.debug("late or unknown reply id {id} ignored", { id: String(msg.id) });
      }
      return;
    }
    this.#pending.delete(msg.id as number);
    clearTimeout(pending.timer);
    if (msg.ok === true) {
      pending.resolve(msg.result ?? {});
    } else {
      const code = typeof msg.error?.code === "string" ? msg.error.code : "protocol";
      const message = typeof msg.error?.message === "string"
        ? msg.error.message
        : "the agent replied with a malformed error";
      logger.debug("{op} failed: {code} {message}", { op: pending.op, code, message });
      pending.reject(new UiError(code, `${pending.op}: ${message}`));
    }
  }

  #onEvent(msg: WireMessage): void {
    this.stats.events++;
    const at = typeof msg.at === "number" ? msg.at : Date.now();
    let event: UiEvent;
    switch (msg.event) {
      case "window-opened":
      case "window-activated":
        if (!msg.window || typeof msg.window.id !== "string") {
          this.stats.malformed++;
          return;
        }
        event = { type: msg.event, window: msg.window, at };
        break;
      case "window-closed":
        event = {
          type: "window-closed",
          windowId: String(msg.windowId),
          title: typeof msg.title === "string" ? msg.title : "",
          at,
        };
        break;
      default:
        logger.debug("ignoring agent event {event}", { event: String(msg.event) });
        return;
    }
    this.#emit(event);
  }

  #emit(event: UiEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (e) {
        logger.error("a UI event listener threw: {error}", { error: (e as Error).message });
      }
    }
  }

  #shutdown(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new UiError("disconnected", `${p.op}: ${reason}`));
      this.#pending.delete(id);
    }
    if (!this.#closing) logger.warn("agent connection lost: {reason}", { reason });
    this.#emit({ type: "disconnected", reason, at: Date.now() });
  }

  /**
   * Sends one request and resolves with the reply's `result`. Rejects with `UiError`: the agent's
   * error code (docs/agent-protocol.md), `timeout` when no reply came within the deadline, or
   * `disconnected`. `params` are never logged.
   */
  request<T = Record<string, unknown>>(
    op: string,
    params: Record<string, unknown> = {},
    opts: RequestOptions = {},
  ): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new UiError("disconnected", `${op}: the agent connection is closed`));
    }
    const id = this.#nextId++;
    const timeoutMs = opts.timeoutMs ?? this.#requestTimeoutMs;
    const line = JSON.stringify({ ...params, id, op }) + "\n";
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.#pending.delete(id)) return;
        reject(
          new UiError("timeout", `${op}: no reply from the agent within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.#pending.set(id, {
        op,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer,
      });
      this.stats.sent++;
      logger.debug("-> {op} #{id}", { op, id, window: params.window });
      this.#writer.write(encoder.encode(line)).catch((e) => {
        const p = this.#pending.get(id);
        if (!p) return;
        this.#pending.delete(id);
        clearTimeout(p.timer);
        p.reject(new UiError("disconnected", `${op}: could not write to the agent: ${e.message}`));
      });
    });
  }

  /** Agent-side wait bound for Swing work, passed with every request that touches the GUI. */
  #edt(extra: Record<string, unknown>): Record<string, unknown> {
    return { timeoutMs: this.#edtTimeoutMs, ...extra };
  }

  /** Liveness: answered by the agent without touching Gateway's Swing thread. */
  ping(): Promise<{ pong: true; at: number; ready: boolean; uptimeMs: number }> {
    return this.request("ping");
  }

  /** Showing top-level windows; `all` includes hidden ones. */
  async windows(opts: { all?: boolean } = {}): Promise<WindowInfo[]> {
    const r = await this.request<{ windows: WindowInfo[] }>(
      "windows",
      this.#edt({ all: opts.all ?? false }),
    );
    return r.windows;
  }

  /** The component tree of one window (passwords appear only as their length). */
  async snapshot(windowId: string): Promise<ComponentNode> {
    const r = await this.request<{ root: ComponentNode }>(
      "snapshot",
      this.#edt({ window: windowId }),
    );
    return r.root;
  }

  /** Clicks a button; returns once the click was performed, not when its handlers finished. */
  async click(windowId: string, target: Target, opts: ClickOptions = {}): Promise<void> {
    await this.request("click", this.#edt({ window: windowId, target, force: opts.force }));
  }

  /** Replaces a text field's text. The value is never logged. */
  async setText(windowId: string, target: Target, value: string): Promise<void> {
    await this.request("setText", this.#edt({ window: windowId, target, value }));
  }

  /** Sets a toggle, checkbox or radio (clicks only when the state differs). */
  async setSelected(windowId: string, target: Target, selected: boolean): Promise<void> {
    await this.request("setSelected", this.#edt({ window: windowId, target, selected }));
  }

  /** Selects a tree node by its path of node texts below the root. */
  async selectTreePath(windowId: string, path: string[]): Promise<void> {
    await this.request("selectTreePath", this.#edt({ window: windowId, path }));
  }

  /** Selects a list item by text (whole, case-insensitive, trimmed). */
  async selectListItem(windowId: string, item: string, target?: Target): Promise<void> {
    await this.request("selectListItem", this.#edt({ window: windowId, item, target }));
  }

  /** Invokes a menu path from the window's menu bar. */
  async menu(windowId: string, path: string[]): Promise<void> {
    await this.request("menu", this.#edt({ window: windowId, path }));
  }

  /** Sends a key chord (KeyStroke syntax, or `Ctrl+Alt+F`) to the window's focus owner. */
  async key(windowId: string, chord: string): Promise<void> {
    await this.request("key", this.#edt({ window: windowId, chord }));
  }

  /** Posts WINDOW_CLOSING, as a user's click on the close box would. */
  async closeWindow(windowId: string): Promise<void> {
    await this.request("closeWindow", this.#edt({ window: windowId }));
  }

  /** Paints the window into a PNG inside the JVM; typed-in fields are painted empty. */
  async paint(windowId: string): Promise<WindowPicture> {
    const r = await this.request<{ width: number; height: number; png: string }>(
      "paint",
      this.#edt({ window: windowId }),
    );
    return { width: r.width, height: r.height, png: Uint8Array.fromBase64(r.png) };
  }

  /** Subscribes to window events and `disconnected`; returns an unsubscribe function. */
  onEvent(listener: (event: UiEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Closes the connection; pending requests reject with `disconnected`. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closing = true;
      try {
        this.#conn.close();
      } catch { /* already closed */ }
    }
    await this.#readDone;
  }
}

function isRetryable(e: unknown): boolean {
  return e instanceof Deno.errors.NotFound || e instanceof Deno.errors.ConnectionRefused;
}

/**
 * Connects to the agent at `socketPath`, retrying while the socket does not exist or refuses
 * (the JVM may still be starting), until `helloDeadlineMs` (default 10 000 ms) has passed; then
 * waits for hello within what is left of that deadline. Fails with `UiError("no_agent")` naming
 * the socket and the fix.
 */
export async function connectAgent(
  socketPath: string,
  opts: AgentClientOptions = {},
): Promise<AgentClient> {
  const deadlineMs = opts.helloDeadlineMs ?? 10_000;
  const end = performance.now() + deadlineMs;
  let lastError: unknown;
  let conn: Deno.Conn | undefined;
  while (true) {
    try {
      conn = await Deno.connect({ transport: "unix", path: socketPath });
      break;
    } catch (e) {
      lastError = e;
      if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
        throw new UiError(
          "no_agent",
          `not allowed to connect to the agent socket ${socketPath}: ${(e as Error).message}. ` +
            `Fix: run with --allow-read, --allow-write and --allow-net=unix:${socketPath} (or the ` +
            `controller permission set), and check that the socket belongs to this user`,
        );
      }
      if (!isRetryable(e) || performance.now() >= end) break;
    }
    // Poll for the socket to appear: the condition is external (a JVM starting), bounded by the
    // named deadline above.
    await new Promise((r) => setTimeout(r, Math.min(25, Math.max(1, end - performance.now()))));
  }
  if (!conn) {
    throw new UiError(
      "no_agent",
      `no ibg-pilot agent answered on ${socketPath} within ${deadlineMs} ms (helloDeadlineMs): ` +
        `${(lastError as Error)?.message ?? "unknown error"}. Fix: start Gateway's JVM with ` +
        `-javaagent:<ibg-pilot-agent.jar>=${socketPath} (ibg-pilot run does this) or attach it ` +
        `(ibg-pilot run --attach); look for "[ibg-pilot-agent]" lines in the JVM's output; raise ` +
        `the deadline if the JVM starts slowly`,
    );
  }
  try {
    return await AgentClient.open(conn, {
      ...opts,
      helloDeadlineMs: Math.max(1, end - performance.now()),
    });
  } catch (e) {
    if (e instanceof UiError && e.code === "no_hello") {
      throw new UiError("no_hello", `${socketPath}: ${e.message}`);
    }
    throw e;
  }
}
