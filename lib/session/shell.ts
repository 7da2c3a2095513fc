/**
 * The session shell: runs one trading mode's state machine. It feeds events to `step()` one at a
 * time, logs every phase change once with its cause, and performs the effects through injected
 * ports: the Gateway host (launch, stop, agent), the UI port, the API probe, the clock and the
 * ready file. Every outcome comes back as an event; nothing here decides what to do next.
 */

import type { Config, Mode } from "../config/mod.ts";
import { type Time12, time12 } from "../config/types.ts";
import { restartTime } from "./settings_plan.ts";
import { BLOCKER_DISMISS, TWS } from "../dialogs/catalogue.ts";
import { firstButton, nodes } from "../dialogs/tree.ts";
import { findMainWindow } from "./configure.ts";
import type { LauncherSignal } from "../gateway/launcher_log.ts";
import { alert, log } from "../log.ts";
import type { ComponentNode, UiEvent, UiPort, WindowInfo } from "../ui/port.ts";
import { initialState, step } from "./machine.ts";
import type {
  Effect,
  SeenWindow,
  SessionEvent,
  SessionSettings,
  SessionState,
  StepName,
  TimerName,
  UiOp,
} from "./types.ts";
import { errorText } from "../util/errors.ts";

/** A followed log: `drain` delivers the lines written so far, `close` stops following. */
export interface LogFollower {
  drain(): void;
  close(): void;
}

/** The clock, injected so tests can scale or fake time. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId): void;
}

/** An opaque timer handle. */
export type TimerId = ReturnType<typeof setTimeout>;

/** How often a window is re-read while waiting for its content to change. */
export const AWAIT_CHANGE_POLL_MS = 100;
/** How long a blocking window may take to go after it was dismissed or closed. */
export const BLOCKER_GONE_MS = 5_000;

/**
 * Why blocking windows are cleared: `stop` clears every modal window but the exit confirmation
 * (it is part of the close path); `restart` and `relogin` clear only windows no flow owns (unknown
 * ones and left-alone catch-alls), never a login, 2FA or connecting window.
 */
export type ClearPurpose = "stop" | "restart" | "relogin";

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};

/** What the shell needs from the Gateway process side (lib/gateway via the supervisor). */
export interface GatewayHost {
  /** Prepares the settings directory and starts the JVM; `exited` settles when it ends. */
  launch(): Promise<{
    pid: number;
    resumed: boolean;
    /** The running build: the install's version directory (`1045`, `10.45.1j`), when known. */
    version?: string;
    exited: Promise<{ code: number | null; signal?: string }>;
  }>;
  /** Connects the UI channel to the running JVM. */
  connectUi(): Promise<UiPort>;
  /**
   * Stops the JVM: first `closeGracefully` (Gateway's own close path), then signals. Resolves
   * with how it ended; `detached`: an attached Gateway was left running (run --attach).
   */
  stop(
    closeGracefully: () => Promise<boolean>,
    /** `loggedIn: false`: Gateway holds no IBKR session, so signals are safe at once. */
    opts?: { loggedIn: boolean },
  ): Promise<{ status: "clean" | "signalled" | "not-running" | "detached" }>;
}

/** The API probe (lib/probe), injected. */
export type Probe = () => Promise<{ ok: boolean; serverVersion?: number; error?: string }>;

/** Turns a window and its component tree into what the session needs to know. */
export type Classifier = (
  window: WindowInfo,
  tree: ComponentNode,
) => {
  rule: string;
  intent: SeenWindow["intent"];
  /** No row knows it, or only a catch-all that leaves it alone: its evidence is recorded. */
  unknown?: boolean;
};

/** Applies the configuration plan through the UI port (configure.ts). */
export type Configurator = (
  ui: UiPort,
  mainWindowId: string | undefined,
) => Promise<{ ok: boolean; mismatches: string[]; error?: string }>;

/** Everything a shell is built from. */
export interface ShellDeps {
  mode: Mode;
  config: Config;
  settings: SessionSettings;
  host: GatewayHost;
  probe: Probe;
  classify: Classifier;
  configure: Configurator;
  /** Writes or removes the ready file (atomic); no-op when not configured. */
  readyFile: (present: boolean) => Promise<void>;
  /** Tells whether `now` is inside IBKR's maintenance window. */
  maintenance: (now: number) => { inside: boolean; remainingMs?: number };
  /**
   * Sets Gateway's Lock and Exit to restart it at `at` (RESTART/PAUSE keep the session through
   * Gateway's own autorestart token). Absent: RESTART is a full restart, PAUSE unavailable.
   */
  scheduleRestart?: (
    ui: UiPort,
    mainWindowId: string | undefined,
    at: Time12,
  ) => Promise<{ ok: boolean; error?: string }>;
  /**
   * Follows Gateway's launcher.log from its current end for login signals (silent CCP
   * timeouts); called at each launch, since only that JVM's lines matter.
   */
  followLauncherLog?: (onSignal: (signal: LauncherSignal) => void) => LogFollower;
  /**
   * Called for each window the catalogue does not know (logs it once, writes its evidence; `ui`
   * paints its picture).
   */
  reportUnknown?: (window: WindowInfo, tree: ComponentNode, ui: UiPort) => void;
  clock?: Clock;
}

/** A status snapshot for /health, STATUS and metrics. */
export interface SessionSnapshot {
  mode: Mode;
  state: SessionState["phase"];
  cause: string;
  since: number;
  ready: boolean;
  jvmPid?: number;
  /** The running Gateway's build (its install's version directory), when known. */
  gatewayVersion?: string;
  apiHandshakeOk: boolean;
  serverVersion?: number;
  lastAuthSuccess?: number;
  haltReason?: string;
  loginAttempts: number;
}

/** Runs one session. */
export class SessionShell {
  #state: SessionState;
  #deps: ShellDeps;
  #clock: Clock;
  #queue: SessionEvent[] = [];
  #draining = false;
  #timers = new Map<TimerName, TimerId>();
  #ui?: UiPort;
  #unsubscribe?: () => void;
  #windows = new Map<string, WindowInfo>();
  /** What each window was last reported as (JSON of its intent), for await-change. */
  #lastIntent = new Map<string, string>();
  #log;
  #done: Promise<number>;
  #resolveDone!: (code: number) => void;
  #listeners = new Set<(s: SessionSnapshot) => void>();
  #uiChain: Promise<unknown> = Promise.resolve();
  /** Ready-file writes, in order; the session is done only once they have finished. */
  #readyFileWrites: Promise<void> = Promise.resolve();
  #logTail?: LogFollower;

  constructor(deps: ShellDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#state = initialState(deps.mode, this.#clock.now());
    this.#log = log("session", deps.mode);
    this.#done = new Promise((r) => (this.#resolveDone = r));
  }

  /** Settles with the exit code when the session has stopped for good. */
  get done(): Promise<number> {
    return this.#done;
  }

  /** The current machine state (read-only copy). */
  get state(): SessionState {
    return this.#state;
  }

  /** The UI port while connected. */
  get ui(): UiPort | undefined {
    return this.#ui;
  }

  /** Subscribes to status changes. */
  onChange(listener: (s: SessionSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * RESTART or PAUSE the way IBC does on Gateway: Lock and Exit set to restart at the next
   * minute, so Gateway writes its autorestart token and the next JVM resumes without 2FA.
   * Resolves when the dialog was applied (or could not be). Whether to call it is the machine's
   * decision (restartPlan).
   */
  restartThroughGateway(
    pause: boolean,
  ): Promise<{ scheduled: boolean; at?: string; error?: string }> {
    const ui = this.#ui;
    const schedule = this.#deps.scheduleRestart;
    if (!ui || !schedule) {
      return Promise.resolve({ scheduled: false, error: "Gateway's UI is not connected" });
    }
    const at = restartTime(this.#clock.now());
    const text = time12.format(at);
    return new Promise((resolve) =>
      this.#serialUi(async () => {
        let r: { ok: boolean; error?: string };
        try {
          await this.#clearBlockers(ui, "restart");
          r = await schedule(ui, this.#state.mainWindowId, at);
        } catch (e) {
          r = { ok: false, error: errorText(e) };
        }
        this.dispatch({ type: "restart-scheduled", pause, at: text, ...r });
        resolve({ scheduled: r.ok, at: text, error: r.error });
      })
    );
  }

  /**
   * Runs `action` on the UI channel in turn with the session's own UI steps (a command's
   * configuration change must not interleave with the login's clicks); only while logged in.
   */
  runOnUi<T>(action: (ui: UiPort, mainWindowId: string | undefined) => Promise<T>): Promise<T> {
    const ui = this.#ui;
    if (!ui || !this.#state.loggedIn) {
      return Promise.reject(new Error("Gateway is not logged in"));
    }
    return new Promise<T>((resolve, reject) =>
      this.#serialUi(() => action(ui, this.#state.mainWindowId).then(resolve, reject))
    );
  }

  /** A status snapshot. */
  snapshot(): SessionSnapshot {
    const s = this.#state;
    return {
      mode: s.mode,
      state: s.phase,
      cause: s.cause,
      since: s.since,
      ready: s.phase === "ready",
      jvmPid: s.jvmPid,
      gatewayVersion: s.gatewayVersion,
      apiHandshakeOk: s.lastProbeOk,
      serverVersion: s.serverVersion,
      lastAuthSuccess: s.lastAuthSuccess,
      haltReason: s.haltReason,
      loginAttempts: s.loginAttempts,
    };
  }

  /** Starts the session. */
  start(): void {
    this.dispatch({ type: "start" });
  }

  /** Queues an event; events are processed one at a time, in order. */
  dispatch(event: SessionEvent): void {
    this.#queue.push(event);
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#queue.length) {
        const e = this.#queue.shift()!;
        const before = this.#state;
        const now = this.#clock.now();
        const maintenance = this.#deps.maintenance(now);
        const { state, effects } = step(before, e, this.#deps.settings, now, maintenance);
        this.#state = state;
        if (state.phase !== before.phase) {
          this.#log.info("{from} -> {to}: {cause}", {
            from: before.phase,
            to: state.phase,
            cause: state.cause,
          });
        }
        for (const fx of effects) this.#perform(fx);
        if (state !== before) { for (const l of this.#listeners) l(this.snapshot()); }
      }
    } finally {
      this.#draining = false;
    }
  }

  #perform(fx: Effect): void {
    switch (fx.do) {
      case "log":
        this.#log[fx.level === "warning" ? "warn" : fx.level](fx.message);
        return;
      case "alert":
        alert(fx.token, fx.fields, fx.level);
        return;
      case "timer": {
        this.#cancelTimer(fx.name);
        const id = this.#clock.setTimeout(() => {
          this.#timers.delete(fx.name);
          this.dispatch({ type: "timer", name: fx.name });
        }, Math.max(0, fx.ms));
        this.#timers.set(fx.name, id);
        return;
      }
      case "cancel-timer":
        this.#cancelTimer(fx.name);
        return;
      case "launch":
        void this.#launch();
        return;
      case "connect-agent":
        void this.#connectUi();
        return;
      case "ui":
        this.#serialUi(() => this.#runUi(fx.step, fx.windowId, fx.ops));
        return;
      case "rescan-login":
        this.#serialUi(() => this.#rescanLogin(fx.windowId));
        return;
      case "totp":
        this.#serialUi(() => this.#submitTotp(fx));
        return;
      case "configure":
        this.#serialUi(async () => {
          const ui = this.#ui;
          const r = ui
            ? await this.#deps.configure(ui, this.#state.mainWindowId).catch((e) => ({
              ok: false,
              mismatches: [],
              error: errorText(e),
            }))
            : { ok: false, mismatches: [], error: "no UI channel" };
          this.dispatch({ type: "configured", ...r });
        });
        return;
      case "await-change":
        void this.#awaitChange(fx.step, fx.windowId, fx.deadlineMs);
        return;
      case "probe":
        void this.#deps.probe().then(
          (r) => this.dispatch({ type: "probe", ...r }),
          (e) => this.dispatch({ type: "probe", ok: false, error: errorText(e) }),
        );
        return;
      case "read-login-status":
        this.#serialUi(async () => {
          let texts: string[] = [];
          try {
            const tree = await this.#ui?.snapshot(fx.windowId);
            if (tree) {
              texts = nodes(tree).flatMap((n) => [n.text ?? "", n.name ?? ""]).filter(Boolean);
            }
          } catch (e) {
            this.#log.debug("login window unreadable: {e}", { e: errorText(e) });
          }
          this.dispatch({ type: "login-status", texts });
        });
        return;
      case "check-ui":
        void this.#checkUi();
        return;
      case "ready-file":
        // Chained: a removal must not overtake the write before it, and the process must not
        // exit with a ready file left behind (seen under load: exit 1 won the race).
        this.#readyFileWrites = this.#readyFileWrites.then(() =>
          this.#deps.readyFile(fx.present).catch((e) =>
            this.#log.error("ready file: {e}", { e: errorText(e) })
          )
        );
        return;
      case "stop-jvm":
        void this.#stopJvm(fx.loggedIn);
        return;
      case "halted":
        this.#log.error("HALTED: {reason}. What to do: {remediation}", fx);
        return;
      case "exit":
        for (const name of [...this.#timers.keys()]) this.#cancelTimer(name);
        this.#logTail?.close();
        void this.#closeUi()
          .then(() => this.#readyFileWrites)
          .finally(() => this.#resolveDone(fx.code));
        return;
    }
  }

  #cancelTimer(name: TimerName) {
    const id = this.#timers.get(name);
    if (id !== undefined) {
      this.#clock.clearTimeout(id);
      this.#timers.delete(name);
    }
  }

  /** UI work runs one piece at a time, so scripts never interleave. */
  #serialUi(work: () => Promise<void>) {
    this.#uiChain = this.#uiChain.then(work, work).catch((e) =>
      this.#log.error("UI work failed: {e}", { e: errorText(e) })
    );
  }

  async #launch() {
    this.#logTail?.close();
    this.#logTail = this.#deps.followLauncherLog?.((signal) =>
      this.dispatch({ type: "gateway-log", signal })
    );
    try {
      const { pid, resumed, version, exited } = await this.#deps.host.launch();
      this.dispatch({ type: "jvm-started", pid, resumed, version });
      void exited.then(async (r) => {
        await this.#closeUi();
        this.dispatch({ type: "jvm-exited", ...r });
      });
    } catch (e) {
      this.dispatch({ type: "jvm-start-failed", error: errorText(e) });
    }
  }

  async #connectUi() {
    try {
      const ui = await this.#deps.host.connectUi();
      await this.#closeUi();
      this.#ui = ui;
      this.#windows.clear();
      this.#unsubscribe = ui.onEvent((e) => this.#onUiEvent(e));
      this.dispatch({ type: "agent-ready" });
      // Windows that opened before we connected are seen now.
      for (const w of await ui.windows()) {
        if (w.showing) this.#onUiEvent({ type: "window-opened", window: w, at: this.#clock.now() });
      }
    } catch (e) {
      this.dispatch({ type: "agent-failed", error: errorText(e) });
    }
  }

  /** Asks the UI for its windows: a frozen EDT answers with a timeout while ping still works. */
  async #checkUi() {
    const ui = this.#ui;
    if (!ui) return this.dispatch({ type: "ui-check", responsive: false, error: "no UI channel" });
    try {
      await ui.windows();
      const main = this.#state.mainWindowId;
      if (main) await ui.snapshot(main);
      this.dispatch({ type: "ui-check", responsive: true });
    } catch (e) {
      this.dispatch({ type: "ui-check", responsive: false, error: errorText(e) });
    }
  }

  async #closeUi() {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    const ui = this.#ui;
    this.#ui = undefined;
    if (ui) await ui.close().catch(() => {});
  }

  #onUiEvent(e: UiEvent) {
    // Lines Gateway logged before this UI change are seen first (a closing connecting modal
    // is judged with the NS_AUTH_START that preceded it).
    this.#logTail?.drain();
    switch (e.type) {
      case "window-opened":
        if (this.#windows.has(e.window.id)) return;
        this.#windows.set(e.window.id, e.window);
        void this.#classifyAndDispatch(e.window);
        return;
      case "window-closed": {
        const known = this.#windows.get(e.windowId);
        this.#windows.delete(e.windowId);
        this.dispatch({
          type: "window-closed",
          windowId: e.windowId,
          title: known?.title ?? e.title,
        });
        return;
      }
      case "disconnected":
        this.dispatch({ type: "agent-failed", error: e.reason });
        return;
    }
  }

  /**
   * Offers again every open window that nothing handled (unknown, or left alone) to the
   * classifier: the dialog rules changed (SIGHUP) and may know it now.
   */
  reclassify(): void {
    for (const [id, window] of this.#windows) {
      const last = this.#lastIntent.get(id);
      const kind = last ? (JSON.parse(last) as SeenWindow["intent"]).kind : "unknown";
      if (kind === "unknown" || kind === "wait") void this.#classifyAndDispatch(window);
    }
  }

  /**
   * Reads a window and offers it to the machine. A window that closed while it was being read is
   * dropped: its close has already been dispatched, and offering it afterwards would leave the
   * machine holding a window that is gone (a connecting modal closed within one snapshot kept
   * every later re-login waiting for it: seen under load, 2026-12).
   */
  async #classifyAndDispatch(window: WindowInfo) {
    const ui = this.#ui;
    if (!ui) return;
    const known = this.#windows.get(window.id);
    let tree: ComponentNode;
    try {
      tree = await ui.snapshot(window.id);
    } catch (e) {
      this.#log.debug("window {title} vanished before it could be read: {e}", {
        title: window.title,
        e: errorText(e),
      });
      return;
    }
    if (!known || this.#windows.get(window.id) !== known) {
      this.#log.debug("window {title} closed while it was being read", { title: window.title });
      return;
    }
    const { rule, intent, unknown } = this.#deps.classify(window, tree);
    this.#lastIntent.set(window.id, JSON.stringify(intent));
    if (unknown || intent.kind === "unknown") this.#deps.reportUnknown?.(window, tree, ui);
    else this.#log.debug("window {title}: {rule}", { title: window.title, rule });
    this.dispatch({
      type: "window-opened",
      window: { id: window.id, title: window.title, rule, intent },
    });
  }

  /**
   * Re-reads a window until the catalogue sees something else in it (the condition), within the
   * deadline; then offers it to the machine as if it had just opened. A closed window ends the
   * wait quietly (its close event speaks for it).
   */
  async #awaitChange(stepName: StepName, windowId: string, deadlineMs: number) {
    const end = this.#clock.now() + deadlineMs;
    const first = this.#lastIntent.get(windowId);
    while (this.#clock.now() < end) {
      const ui = this.#ui;
      const window = this.#windows.get(windowId);
      if (!ui || !window) return;
      try {
        const tree = await ui.snapshot(windowId);
        if (this.#windows.get(windowId) !== window) return; // closed meanwhile
        const seen = this.#deps.classify(window, tree);
        const key = JSON.stringify(seen.intent);
        if (key !== first) {
          this.#lastIntent.set(windowId, key);
          this.dispatch({
            type: "window-opened",
            window: { id: window.id, title: window.title, ...seen },
          });
          return;
        }
      } catch {
        return;
      }
      await new Promise<void>((r) => this.#clock.setTimeout(r, AWAIT_CHANGE_POLL_MS));
    }
    this.#uiFailed(stepName, windowId, `no change within ${deadlineMs} ms`);
  }

  #credential(which: "user" | "password"): string {
    const c = this.#deps.config;
    const paper = this.#deps.mode === "paper" && c.TWS_USERID_PAPER;
    if (which === "user") return (paper ? c.TWS_USERID_PAPER : c.TWS_USERID) ?? "";
    return (paper ? c.TWS_PASSWORD_PAPER : c.TWS_PASSWORD) ?? "";
  }

  /** Clears what blocks the login window, then offers that (still open) window again. */
  async #rescanLogin(windowId: string) {
    const ui = this.#ui;
    if (!ui) return;
    try {
      // A modal nobody handles would keep the login window from being used.
      await this.#clearBlockers(ui, "relogin");
      const known = this.#windows.get(windowId);
      if (known && (await ui.windows()).some((x) => x.id === windowId)) {
        void this.#classifyAndDispatch(known);
      }
    } catch (e) {
      this.#log.warn("reading the login window again failed: {e}", { e: errorText(e) });
    }
  }

  async #runUi(stepName: StepName, windowId: string, ops: UiOp[]) {
    const ui = this.#ui;
    if (!ui) return this.#uiFailed(stepName, windowId, "no UI channel");
    try {
      for (const op of ops) {
        switch (op.op) {
          case "click":
            await ui.click(windowId, op.target);
            break;
          case "click-first": {
            let clicked = false;
            for (const text of op.texts) {
              try {
                await ui.click(windowId, { text });
                clicked = true;
                break;
              } catch (e) {
                if ((e as { code?: string }).code !== "not_found") throw e;
              }
            }
            if (!clicked) throw new Error(`none of the buttons ${op.texts.join(", ")} is present`);
            break;
          }
          case "setText":
            await ui.setText(
              windowId,
              op.target,
              typeof op.value === "string" ? op.value : this.#credential(op.value.credential),
            );
            break;
          case "setSelected":
            await ui.setSelected(windowId, op.target, op.selected);
            break;
          case "selectListItem":
            await ui.selectListItem(windowId, op.item);
            break;
          case "close":
            await ui.closeWindow(windowId);
            break;
        }
      }
      this.dispatch({ type: "ui-done", step: stepName, windowId, ok: true });
    } catch (e) {
      this.#uiFailed(stepName, windowId, errorText(e));
    }
  }

  async #submitTotp(fx: Extract<Effect, { do: "totp" }>) {
    const ui = this.#ui;
    const secret = this.#deps.config.TWOFACTOR_CODE;
    if (!ui || !secret) {
      return this.#uiFailed(fx.step, undefined, "no UI channel or no TOTP secret");
    }
    const margin = this.#deps.config.PILOT_TOTP_MARGIN_SECONDS;
    try {
      // Loaded at the first code: an account on IB Key never needs the TOTP library.
      const { freshCode } = await import("../totp/mod.ts");
      // The fresh-code rule: wait for the next window rather than send a code about to expire.
      for (;;) {
        const fresh = freshCode(secret, this.#clock.now(), margin, fx.avoidCounter);
        if (fresh.ready) {
          await ui.setText(fx.windowId, fx.field, fresh.code.code);
          await ui.click(fx.windowId, fx.button);
          this.#log.info("second-factor code entered ({left} s left in its window)", {
            left: Math.floor(fresh.code.remainingMs / 1000),
          });
          return this.dispatch({
            type: "ui-done",
            step: fx.step,
            windowId: fx.windowId,
            ok: true,
            counter: fresh.code.counter,
          });
        }
        this.#log.info("waiting {ms} ms for a fresh TOTP code", { ms: fresh.waitMs });
        await new Promise<void>((r) => this.#clock.setTimeout(r, fresh.waitMs + 50));
      }
    } catch (e) {
      this.#uiFailed(fx.step, fx.windowId, errorText(e));
    }
  }

  #uiFailed(step: StepName, windowId: string | undefined, error: string): void {
    this.dispatch({ type: "ui-done", step, windowId, ok: false, error });
  }

  /**
   * Gets every modal window that blocks Gateway's main window out of the way: its first
   * {@link BLOCKER_DISMISS} button, else WINDOW_CLOSING on the window; then waits (bounded) for it
   * to go. A modal dialog filters out the main window's WINDOW_CLOSING, so without this an unknown
   * modal left the close path without effect and the JVM was signalled with the session held.
   */
  async #clearBlockers(ui: UiPort, purpose: ClearPurpose): Promise<void> {
    const main = this.#state.mainWindowId;
    let windows: WindowInfo[];
    try {
      windows = await ui.windows();
    } catch (e) {
      this.#log.warn("windows unreadable while clearing the way: {e}", { e: errorText(e) });
      return;
    }
    for (const w of windows) {
      if (!w.modal || !w.showing || w.id === main) continue;
      try {
        const tree = await ui.snapshot(w.id);
        const { intent } = this.#deps.classify(w, tree);
        if (intent.kind === "exit-confirm") continue;
        if (purpose !== "stop" && intent.kind !== "unknown" && intent.kind !== "wait") continue;
        const button = firstButton(tree, BLOCKER_DISMISS);
        this.#log.info("window {title} blocks Gateway's main window ({purpose}): {how}", {
          title: w.title,
          purpose,
          how: button ? `clicking "${button}"` : "closing it",
        });
        if (button) await ui.click(w.id, { text: button });
        else await ui.closeWindow(w.id);
        await this.#gone(ui, w.id);
      } catch (e) {
        // Gone meanwhile, or refused: the close path goes on and the ladder still applies.
        this.#log.debug("blocking window {title}: {e}", { title: w.title, e: errorText(e) });
      }
    }
  }

  /** Waits until a window is no longer showing, up to BLOCKER_GONE_MS (then carries on). */
  async #gone(ui: UiPort, windowId: string): Promise<void> {
    const end = this.#clock.now() + BLOCKER_GONE_MS;
    while (this.#clock.now() < end) {
      if (!(await ui.windows()).some((x) => x.id === windowId)) return;
      await new Promise<void>((r) => this.#clock.setTimeout(r, AWAIT_CHANGE_POLL_MS));
    }
    this.#log.warn("a blocking window is still open {ms} ms after it was dismissed", {
      ms: BLOCKER_GONE_MS,
    });
  }

  async #stopJvm(loggedIn: boolean) {
    const phase = this.#state.phase;
    const pid = this.#state.jvmPid;
    // Read now: by the time the JVM is down a relaunch may have replaced it.
    const reason = this.#state.stopping?.reason ?? phase;
    const closeGracefully = async (): Promise<boolean> => {
      const ui = this.#ui;
      if (!ui) return false;
      // A modal window swallows the main window's WINDOW_CLOSING: clear the way first.
      await this.#clearBlockers(ui, "stop");
      const main = findMainWindow(await ui.windows(), this.#state.mainWindowId);
      if (!main) return false;
      // TWS: File > Exit, IBC's STOP path. Gateway: WINDOW_CLOSING runs its own exit path
      // (posted, so a busy UI cannot hold it). The "Are you sure" dialog is answered by the
      // machine (exit-confirm while stopping). Attached, the product is the JVM's.
      if (this.#deps.config.GATEWAY_OR_TWS === "tws") {
        await ui.menu(main.id, [...TWS.exitMenu]);
      } else {
        await ui.closeWindow(main.id);
      }
      return true;
    };
    try {
      const r = await this.#deps.host.stop(closeGracefully, { loggedIn });
      this.dispatch({ type: "jvm-stop-done", pid, loggedIn, reason, result: r.status });
    } catch (e) {
      this.#log.error("stopping Gateway failed: {e}", { e: errorText(e) });
    }
  }
}
