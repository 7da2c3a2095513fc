/**
 * The session state machine: `step(state, event, settings, now)` returns the next state and the
 * effects to perform. Pure: no sockets, files or clock; every wait is a named timer the shell
 * arms, every action an effect whose outcome comes back as an event. The same machine drives the
 * agent or the AT-SPI channel, and every transition is testable with fake events.
 *
 * Principles from the field (sources.md peers A8, sources.md IBC 5-7):
 * - READY only on positive evidence: the API port answered the handshake.
 * - Never click the `Gateway` connecting modal's OK: it cancels the login.
 * - Relogin inside the running JVM; a new JVM per retry re-arms IBKR's limiter.
 * - Operator-only failures (bad credentials, wrong 2FA method, passkey) halt with a clear
 *   message instead of looping, and keep the process up.
 */

import {
  CONFIRM,
  EXISTING_SESSION,
  LOGIN,
  SECOND_FACTOR,
  STARTING_APPLICATION,
  STUCK_CONNECTING_PATTERNS,
} from "../dialogs/catalogue.ts";
import type { Mode } from "../config/mod.ts";
import { containsText } from "../ui/text.ts";
import type { LauncherSignal } from "../gateway/launcher_log.ts";
import { backoffMs } from "./clock.ts";
import {
  ALL_TIMERS,
  type Effect,
  type FlowStep,
  type Intent,
  JVM_TIMERS,
  type LockoutEvidence,
  type SeenWindow,
  type SessionEvent,
  type SessionSettings,
  type SessionState,
  type StepName,
  type TimerName,
  type UiOp,
} from "./types.ts";

/** Interval between API probes while waiting for Gateway's API port (not a UI wait). */
export const API_PROBE_RETRY_MS = 500;
/** Two failed probes in a row while ready leave READY (one may be a blip). */
export const READY_PROBE_FAILURES = 2;
/** Existing-session answers allowed in the ping-pong window before we stop answering. */
export const PING_PONG_LIMIT = 5;
export const PING_PONG_WINDOW_MS = 300_000;
/** After choosing a 2FA device, how long the dialog may take to show the code prompt (a peer: 15 s). */
export const TWOFA_DEVICE_SWITCH_MS = 15_000;
/** After typing a code, how long the dialog may take to close or say it refused the code. */
export const TWOFA_CODE_VERDICT_MS = 20_000;
/** While halted, how often to check whether an operator finished the login by hand. */
export const HALTED_PROBE_MS = 30_000;
/** Too-many-attempts: IBKR's stated wait plus this margin (IBC uses 3 s). */
export const TOO_MANY_MARGIN_MS = 3_000;
/** After a failed login step (a UI timeout), how long before the login window is read again. */
export const LOGIN_STEP_RETRY_MS = 5_000;
/** Login steps that may fail in one JVM before it counts as broken. */
export const LOGIN_STEP_FAILURES = 5;
/** CCP cool-downs grow by this factor, up to COOLDOWN_CAP_MS (sources.md peers A4). */
export const COOLDOWN_FACTOR = 1.5;
export const COOLDOWN_CAP_MS = 3_600_000;
/** The step that watches a TWS login frame turn into the second-factor screen in place. */
export const TWS_LOGIN_IN_PLACE: FlowStep = "tws-login-in-place";
/** After a RESTART through Lock and Exit, how long Gateway may take to go down by itself. */
export const RESTART_DEADLINE_MS = 180_000;
/**
 * Backoff before the relaunch after the n-th unexpected JVM exit in a row:
 * PILOT_CRASH_BACKOFF_INITIAL (5 s) doubling, capped at PILOT_CRASH_BACKOFF_MAX (300 s).
 */
export function crashBackoffMs(
  crashes: number,
  cfg: Pick<SessionSettings, "PILOT_CRASH_BACKOFF_INITIAL" | "PILOT_CRASH_BACKOFF_MAX">,
): number {
  return backoffMs(
    crashes,
    cfg.PILOT_CRASH_BACKOFF_INITIAL * 1000,
    cfg.PILOT_CRASH_BACKOFF_MAX * 1000,
  );
}

/** A new session in `idle`. */
export function initialState(mode: Mode, now: number): SessionState {
  return {
    mode,
    phase: "idle",
    cause: "created",
    since: now,
    resumed: false,
    loginAttempts: 0,
    twofa: { codeTries: 0, answered: false },
    existingSession: [],
    switchRelogins: 0,
    loggedIn: false,
    configured: false,
    probeFailures: 0,
    lastProbeOk: false,
    crashes: 0,
    ccp: { streak: 0, attemptTimeouts: 0, answered: false, cooldowns: 0 },
  };
}

/** Result of one step. */
export interface Step {
  state: SessionState;
  effects: Effect[];
}

/** Whether now is inside IBKR's maintenance window (computed by the shell from the clock). */
export type MaintenanceNow = { inside: boolean; remainingMs?: number };

type Ctx = {
  s: SessionState;
  fx: Effect[];
  cfg: SessionSettings;
  now: number;
  maintenance?: MaintenanceNow;
};

function go(ctx: Ctx, phase: SessionState["phase"], cause: string): void {
  if (ctx.s.phase === "ready" && phase !== "ready") {
    ctx.fx.push({ do: "ready-file", present: false });
  }
  ctx.s = { ...ctx.s, phase, cause, since: ctx.now };
}

function timer(ctx: Ctx, name: TimerName, ms: number) {
  ctx.fx.push({ do: "timer", name, ms });
}

function cancel(ctx: Ctx, ...names: TimerName[]) {
  for (const name of names) ctx.fx.push({ do: "cancel-timer", name });
}

function info(ctx: Ctx, message: string) {
  ctx.fx.push({ do: "log", level: "info", message });
}

function warn(ctx: Ctx, message: string) {
  ctx.fx.push({ do: "log", level: "warning", message });
}

function error(ctx: Ctx, message: string) {
  ctx.fx.push({ do: "log", level: "error", message });
}

type AlertEffect = Extract<Effect, { do: "alert" }>;

/** An ALERT_* line (error level unless `level` says otherwise). */
function raise(
  ctx: Ctx,
  token: AlertEffect["token"],
  fields: AlertEffect["fields"],
  level?: AlertEffect["level"],
) {
  ctx.fx.push(level ? { do: "alert", token, fields, level } : { do: "alert", token, fields });
}

function halt(ctx: Ctx, reason: string, why: string) {
  // Where a person sees Gateway (the console, VNC): the remediation says it when there is one.
  const remediation = ctx.cfg.screenAccess
    ? `${why}; Gateway's screen: ${ctx.cfg.screenAccess}`
    : why;
  cancel(
    ctx,
    "login-frame",
    "login-progress",
    "twofa",
    "twofa-exit",
    "api-deadline",
    "probe",
    "relogin",
  );
  ctx.s = { ...ctx.s, haltReason: reason };
  go(ctx, "halted", reason);
  ctx.fx.push({ do: "halted", reason, remediation });
  raise(ctx, "ALERT_HALTED", { mode: ctx.s.mode, state: "HALTED", reason, remediation });
  // An operator may finish the login by hand (VNC): notice it on positive evidence.
  timer(ctx, "halted-probe", HALTED_PROBE_MS);
}

function launch(ctx: Ctx, cause: string) {
  if (waitForMaintenance(ctx, cause)) return;
  ctx.s = {
    ...ctx.s,
    jvmPid: undefined,
    loginAttempts: 0,
    loginWindowId: undefined,
    mainWindowId: undefined,
    // The last code stays known across JVMs: a relaunch within the same 30 s step must not
    // send a code IBKR has already accepted once.
    twofa: { codeTries: 0, answered: false, submittedCounter: ctx.s.twofa.submittedCounter },
    loggedIn: false,
    gaveWay: false,
    configured: false,
    probeFailures: 0,
    lastProbeOk: false,
    stopping: undefined,
    restartPending: undefined,
    switchRelogins: 0,
  };
  go(ctx, "launching", cause);
  ctx.fx.push({ do: "launch" });
}

/**
 * Inside IBKR's nightly window logins fail and feed its lockout: wait for the window to end
 * (ALERT_IBKR_MAINTENANCE_RECOVERY). Returns whether it waits.
 */
function waitForMaintenance(ctx: Ctx, why: string): boolean {
  const remainingMs = maintenanceDelay(ctx, why);
  if (remainingMs === undefined) return false;
  ctx.s = { ...ctx.s, stopping: undefined };
  go(ctx, "maintenance", `inside IBKR's nightly maintenance window (${why})`);
  timer(ctx, "maintenance", remainingMs);
  return true;
}

/** Inside the window (and honouring it): alerts and returns how long to wait; else undefined. */
function maintenanceDelay(ctx: Ctx, why: string): number | undefined {
  const m = ctx.maintenance;
  if (!ctx.cfg.honourMaintenance || !m?.inside) return undefined;
  const remainingMs = Math.max(1_000, m.remainingMs ?? 0);
  raise(ctx, "ALERT_IBKR_MAINTENANCE_RECOVERY", {
    mode: ctx.s.mode,
    delay_seconds: Math.ceil(remainingMs / 1000),
    reason: why,
  }, "info");
  return remainingMs;
}

/**
 * A login attempt IBKR never answered (a silent CCP timeout seen in launcher.log, or Gateway's
 * login window stuck on "connecting to server"). Retrying at once extends IBKR's lockout (a
 * peer's field incident: ~15 attempts in 27 min): back off 60 s doubling to 600 s and log in
 * again inside the same JVM; after PILOT_CCP_MAX_RELOGINS in a row halt, or stop Gateway for a
 * long cool-down when configured.
 */
function onLockout(ctx: Ctx, evidence: LockoutEvidence) {
  const cfg = ctx.cfg;
  const streak = ctx.s.ccp.streak + 1;
  ctx.s = { ...ctx.s, ccp: { ...ctx.s.ccp, streak, attemptTimeouts: 0, answered: false } };
  const mode = ctx.s.mode;
  warn(ctx, `IBKR did not answer login attempt ${streak} in a row (evidence: ${evidence})`);
  if (streak === 2) {
    warn(
      ctx,
      "two logins in a row got no answer: another session (TWS, Client Portal, the mobile app) may hold this username, or IBKR is rate-limiting it",
    );
  }
  if (streak >= 3) {
    raise(ctx, "ALERT_CCP_PERSISTENT", {
      mode,
      consecutive_lockouts: streak,
      suggested_action:
        "log out of every other session of this username (TWS, Client Portal, mobile); ibg-pilot keeps retrying with backoff",
    });
  }
  cancel(ctx, "login-progress");
  if (streak >= cfg.PILOT_CCP_MAX_RELOGINS) {
    const reason = `IBKR left ${streak} logins in a row unanswered`;
    if (!cfg.PILOT_CCP_COOLDOWN) {
      const remediation =
        "log out of every other session of this username, wait 20 minutes, then send RESTART to the command server (or restart ibg-pilot)";
      raise(ctx, "ALERT_CCP_PERSISTENT_HALT", { mode, reason, remediation });
      return halt(ctx, reason, remediation);
    }
    const cooldowns = ctx.s.ccp.cooldowns + 1;
    if (cooldowns > cfg.PILOT_CRASH_MAX_RESTARTS) {
      raise(ctx, "ALERT_JVM_RESTART_EXHAUSTED", { mode, attempts: cooldowns - 1, reason });
      return halt(ctx, reason, "log out of every other session of this username; then RESTART");
    }
    const delayMs = Math.min(
      COOLDOWN_CAP_MS,
      cfg.PILOT_CCP_COOLDOWN * 1000 * COOLDOWN_FACTOR ** (cooldowns - 1),
    );
    ctx.s = { ...ctx.s, ccp: { ...ctx.s.ccp, streak: 0, cooldowns } };
    warn(
      ctx,
      `${reason}: stopping Gateway for a ${Math.round(delayMs / 1000)} s cool-down ` +
        `(${cooldowns} of ${cfg.PILOT_CRASH_MAX_RESTARTS})`,
    );
    // The JVM goes first: a live Gateway keeps retrying and re-arms IBKR's limiter.
    requestStop(ctx, reason, "relaunch", delayMs);
    return;
  }
  const wait = backoffMs(
    streak,
    cfg.PILOT_CCP_BACKOFF_INITIAL * 1000,
    cfg.PILOT_CCP_BACKOFF_MAX * 1000,
  );
  const seconds = Math.round(wait / 1000);
  go(
    ctx,
    "backoff",
    `CCP backoff: waiting ${seconds} s, then logging in again inside the running Gateway`,
  );
  timer(ctx, "relogin", wait);
}

function startProbing(ctx: Ctx, cause: string) {
  go(ctx, "post-login", cause);
  cancel(ctx, "login-progress", "twofa", "twofa-exit");
  timer(ctx, "api-deadline", ctx.cfg.PILOT_API_READY_TIMEOUT * 1000);
  ctx.fx.push({ do: "probe" });
}

/** The ops that log in on the login frame. */
export function loginOps(intent: Extract<Intent, { kind: "login-frame" }>, mode: Mode): UiOp[] {
  const ops: UiOp[] = [];
  for (const text of [intent.apiToggle, intent.modeToggle]) {
    if (text) ops.push({ op: "setSelected", target: { text }, selected: true });
  }
  ops.push({ op: "setText", target: { role: "text", index: 0 }, value: { credential: "user" } });
  ops.push({
    op: "setText",
    target: { role: "password", index: 0 },
    value: { credential: "password" },
  });
  // Only this mode's buttons: a paper login must never press the live "Log In" (a peer's build
  // variant logged in LIVE that way). The text changes with the mode toggle, hence a list.
  ops.push({
    op: "click-first",
    texts: intent.loginButtons.length
      ? intent.loginButtons
      : [mode === "paper" ? LOGIN.paperButton[0] : LOGIN.liveButton[0]],
  });
  return ops;
}

function submitLogin(ctx: Ctx, w: SeenWindow, intent: Extract<Intent, { kind: "login-frame" }>) {
  ctx.s = {
    ...ctx.s,
    loginAttempts: ctx.s.loginAttempts + 1,
    loginWindowId: w.id,
    ccp: { ...ctx.s.ccp, attemptTimeouts: 0, answered: false },
  };
  cancel(ctx, "login-frame");
  go(ctx, "login", `login attempt ${ctx.s.loginAttempts} on "${w.title}"`);
  ctx.fx.push({ do: "ui", step: "login", windowId: w.id, ops: loginOps(intent, ctx.s.mode) });
  if (w.rule === "tws-login") {
    // TWS 1016+ turns its login frame into the second-factor screen in place (IBC polls for
    // that): the frame is read again until it shows something else (or closes).
    awaitChange(ctx, TWS_LOGIN_IN_PLACE, w.id, ctx.cfg.PILOT_API_READY_TIMEOUT * 1000);
  }
  // After Log In, Gateway either asks for a second factor or logs in; the API port proves it.
  timer(ctx, "login-progress", ctx.cfg.PILOT_API_READY_TIMEOUT * 1000);
}

function click(
  ctx: Ctx,
  w: SeenWindow,
  button: string,
  step: StepName = `dialog:${w.rule}`,
) {
  ctx.fx.push({ do: "ui", step, windowId: w.id, ops: [{ op: "click", target: { text: button } }] });
}

/** Whether a second-factor prompt asks for the method we can answer (TOTP). */
export function promptAsksForTotp(prompt: string | undefined): boolean {
  if (!prompt) return false;
  const p = prompt.toLowerCase();
  return /authenticator/.test(p) && /\bcode\b/.test(p);
}

function onSecondFactor(
  ctx: Ctx,
  w: SeenWindow,
  intent: Extract<Intent, { kind: "second-factor" }>,
) {
  const cfg = ctx.cfg;
  cancel(ctx, "login-progress");
  // IBKR answered the login: any lockout is over.
  ctx.s = {
    ...ctx.s,
    twofa: { ...ctx.s.twofa, windowId: w.id },
    ccp: { ...ctx.s.ccp, streak: 0 },
  };
  go(ctx, "second-factor", `second factor requested (${intent.variant})`);
  if (cfg.READ_ONLY_LOGIN && intent.readOnlyButton) {
    // IBC's ReadOnlyLogin: no second factor; TWS logs in read-only (its main window follows).
    info(ctx, `READ_ONLY_LOGIN: clicking "${intent.readOnlyButton}"`);
    return click(ctx, w, intent.readOnlyButton, "read-only-login");
  }
  const fail = (reason: string, remediation: string) =>
    failTwofa(ctx, reason, remediation, { dialog_prompt: intent.prompt });
  switch (intent.variant) {
    case "passkey":
      return fail(
        "passkey 2FA cannot be completed unattended",
        "switch the account's second factor to the Mobile Authenticator app (TOTP) or IB Key, or log in by hand",
      );
    case "device": {
      const want = wantedDevice(cfg);
      const devices = intent.devices ?? [];
      const match = want && devices.find((d) => sameDevice(d, want));
      if (!match) {
        return fail(
          want
            ? `TWOFA_DEVICE "${want}" is not offered`
            : "Gateway asks to select a second factor device and TWOFA_DEVICE is not set",
          "set TWOFA_DEVICE to one of: " + devices.join(", "),
        );
      }
      info(ctx, `selecting second factor device "${match.trim()}"`);
      ctx.s = { ...ctx.s, twofa: { ...ctx.s.twofa, switched: true } };
      ctx.fx.push({
        do: "ui",
        step: "twofa-device",
        windowId: w.id,
        ops: [
          { op: "selectListItem", item: match },
          { op: "click", target: { text: SECOND_FACTOR.ok[0] } },
        ],
      });
      return;
    }
    case "code": {
      if (!cfg.TWOFACTOR_CODE) {
        info(
          ctx,
          "Gateway asks for a second-factor code and TWOFACTOR_CODE is not set: enter it by hand",
        );
        timer(ctx, "twofa", cfg.TWOFA_TIMEOUT * 1000);
        return;
      }
      if (ctx.s.twofa.codeTries >= 2) {
        return fail(CODE_REJECTED_TWICE.reason, CODE_REJECTED_TWICE.remediation);
      }
      if (!promptAsksForTotp(intent.prompt)) {
        return fail(
          "2FA method mismatch: the prompt does not ask for the Mobile Authenticator app code",
          "make the Mobile Authenticator app the account's only second factor, or set TWOFA_DEVICE",
        );
      }
      ctx.fx.push({
        do: "totp",
        step: "twofa-code",
        windowId: w.id,
        field: { role: "text", index: 0 },
        button: { text: SECOND_FACTOR.ok[0] },
        avoidCounter: ctx.s.twofa.submittedCounter,
      });
      return;
    }
    case "push": {
      // Gateway 10.47+ may show the push screen first even when another device is configured:
      // its link leads to the device list (IBGA PR #33). Without a secret, the push is the way.
      const want = wantedDevice(cfg);
      if (intent.changeDevice && want && !sameDevice(want, SECOND_FACTOR.pushDevice)) {
        info(
          ctx,
          `the push screen came first: clicking "${intent.changeDevice}" to choose "${want}"`,
        );
        return click(ctx, w, intent.changeDevice, "twofa-change-device");
      }
      info(ctx, "waiting for the IB Key push notification to be approved on the phone");
      timer(ctx, "twofa", cfg.TWOFA_TIMEOUT * 1000);
      return;
    }
    default:
      return fail(
        "unrecognised second-factor dialog",
        "run 'ibg-pilot inspect' and report the dialog; log in by hand meanwhile",
      );
  }
}

/** The device to choose: TWOFA_DEVICE, else the authenticator app when a TOTP secret is set. */
function wantedDevice(cfg: SessionSettings): string | undefined {
  return cfg.TWOFA_DEVICE ?? (cfg.TWOFACTOR_CODE ? SECOND_FACTOR.totpDevice : undefined);
}

function sameDevice(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Two codes refused: the secret or the clock is wrong, and a third try would not help. */
const CODE_REJECTED_TWICE = {
  reason: "the second-factor code was rejected twice",
  remediation:
    "check TWOFACTOR_CODE is the secret of the Mobile Authenticator app and the clock is right",
};

/** An operator-only 2FA failure: ALERT_2FA_FAILED (fields may override), then HALTED. */
function failTwofa(
  ctx: Ctx,
  reason: string,
  remediation: string,
  alertFields: Record<string, string | undefined> = {},
) {
  raise(ctx, "ALERT_2FA_FAILED", { mode: ctx.s.mode, reason, remediation, ...alertFields });
  halt(ctx, reason, remediation);
}

function onTwofaTimeout(ctx: Ctx, why: string) {
  const cfg = ctx.cfg;
  raise(ctx, "ALERT_2FA_FAILED", {
    mode: ctx.s.mode,
    reason: why,
    action: cfg.TWOFA_TIMEOUT_ACTION,
  });
  if (cfg.RELOGIN_AFTER_TWOFA_TIMEOUT && ctx.s.loginWindowId && ctx.s.loginAttempts < 3) {
    // IBC's relogin: log in again on the same login frame (inside the running JVM).
    info(ctx, "2FA timed out: logging in again inside the running Gateway");
    const windowId = ctx.s.loginWindowId;
    ctx.s = { ...ctx.s, loginWindowId: undefined };
    go(ctx, "login", "relogin after 2FA timeout");
    ctx.fx.push({ do: "rescan-login", windowId });
    return;
  }
  switch (cfg.TWOFA_TIMEOUT_ACTION) {
    case "exit":
      ctx.s = { ...ctx.s, exitCode: 87 };
      requestStop(ctx, `${why}; TWOFA_TIMEOUT_ACTION=exit`, "exit");
      return;
    case "restart":
      requestStop(ctx, `${why}; TWOFA_TIMEOUT_ACTION=restart`, "relaunch");
      return;
    default:
      halt(
        ctx,
        why,
        "approve the second factor or log in by hand; TWOFA_TIMEOUT_ACTION=none keeps waiting",
      );
  }
}

function requestStop(
  ctx: Ctx,
  reason: string,
  then: "exit" | "relaunch",
  relaunchDelayMs?: number,
) {
  cancel(ctx, ...ALL_TIMERS);
  ctx.s = { ...ctx.s, stopping: { reason, then, relaunchDelayMs } };
  if (ctx.s.jvmPid === undefined) {
    finishStop(ctx);
    return;
  }
  go(ctx, "stopping", reason);
  ctx.fx.push({ do: "stop-jvm", loggedIn: ctx.s.loggedIn });
}

/** A deadline passed in this JVM: count it as a failed start, relaunch until the cap, then exit 1. */
function giveUpOnJvm(ctx: Ctx, message: string, reason: string) {
  error(ctx, message);
  if (ctx.cfg.attached) {
    // A Gateway we did not start is not ours to restart: wait for the operator instead.
    return halt(
      ctx,
      reason,
      "finish the login in Gateway's window, or restart Gateway and " +
        "run 'ibg-pilot run --attach' again",
    );
  }
  const crashes = ctx.s.crashes + 1;
  const then = crashes <= ctx.cfg.PILOT_CRASH_MAX_RESTARTS ? "relaunch" : "exit";
  // The exit code says how the run ends: 1 only when this failure ends it.
  ctx.s = { ...ctx.s, crashes, exitCode: then === "exit" ? 1 : ctx.s.exitCode };
  requestStop(ctx, reason, then);
}

function finishStop(ctx: Ctx) {
  const stop = ctx.s.stopping;
  if (stop?.then === "relaunch" && stop.relaunchDelayMs) {
    ctx.s = { ...ctx.s, stopping: undefined };
    go(ctx, "backoff", `cool-down of ${Math.round(stop.relaunchDelayMs / 1000)} s: ${stop.reason}`);
    timer(ctx, "relaunch", stop.relaunchDelayMs);
    return;
  }
  if (stop?.then === "relaunch") {
    launch(ctx, `relaunch: ${stop.reason}`);
    return;
  }
  go(ctx, "stopped", stop?.reason ?? "stopped");
  ctx.fx.push({ do: "exit", code: ctx.s.exitCode ?? 0 });
}

function onWindow(ctx: Ctx, w: SeenWindow) {
  const intent = w.intent;
  const s = ctx.s;
  const cfg = ctx.cfg;
  if (s.phase === "stopped" || s.phase === "idle") return;
  if (s.phase === "stopping") {
    // Only the exit confirmation matters now; answering it releases IBKR's session slot.
    if (intent.kind === "exit-confirm") click(ctx, w, intent.yes ?? CONFIRM[0], "exit-confirm");
    return;
  }
  switch (intent.kind) {
    case "login-frame":
      if (s.resumed) return info(ctx, `login window "${w.title}" shown while resuming: left alone`);
      if (s.phase === "halted") return;
      if (s.phase === "agent-wait" || s.phase === "login" || s.phase === "backoff") {
        if (s.phase === "login" && s.loginWindowId === w.id) return;
        return submitLogin(ctx, w, intent);
      }
      // A login frame while logged in means Gateway lost the session: log in again in this JVM.
      if (s.phase === "ready" || s.phase === "post-login" || s.phase === "configuring") {
        ctx.s = { ...ctx.s, loginAttempts: 0, configured: false };
        go(ctx, "login", "Gateway shows its login window again");
        return submitLogin(ctx, w, intent);
      }
      return;
    case "second-factor":
      if (s.phase === "halted") return;
      return onSecondFactor(ctx, w, intent);
    case "connecting":
      ctx.s = { ...ctx.s, connectingWindowId: w.id };
      return info(ctx, `"${w.title}" is connecting: waiting (its OK would cancel the login)`);
    case "existing-session": {
      const action = cfg.EXISTING_SESSION_DETECTED_ACTION;
      if (action === "manual") {
        return info(ctx, "existing session detected: left for the operator (manual)");
      }
      const recent = s.existingSession.filter((t) => ctx.now - t < PING_PONG_WINDOW_MS);
      if (recent.length >= PING_PONG_LIMIT) {
        raise(ctx, "ALERT_EXISTING_SESSION_PING_PONG", {
          mode: s.mode,
          answers: recent.length,
          window_seconds: PING_PONG_WINDOW_MS / 1000,
        });
        return;
      }
      const loggedIn = s.phase === "ready" || s.phase === "configuring";
      // IBC 5.3: primary keeps this session; primaryoverride wins once, then yields; secondary yields.
      const firstTime = recent.length === 0;
      const proceed = action === "primary"
        ? (loggedIn || firstTime)
        : action === "primaryoverride"
        ? (!loggedIn && firstTime)
        : false;
      ctx.s = { ...ctx.s, existingSession: [...recent, ctx.now], gaveWay: !proceed };
      const button = proceed ? intent.continueButton : intent.giveWayButton;
      if (!button) {
        return info(ctx, "existing session dialog without the expected buttons: left alone");
      }
      info(ctx, `existing session detected (${action}): clicking "${button}"`);
      return click(ctx, w, button, "existing-session");
    }
    case "relogin":
      if (s.twofa.switched && !s.loggedIn) {
        // Right after a 2FA device switch (ibg-controller #37/#38): once per JVM, log in again
        // and choose the device at once; a second time means the account needs an operator.
        if (s.switchRelogins >= 1) {
          return failTwofa(
            ctx,
            "Gateway asked to re-login again after the second-factor device was switched",
            "make one second-factor method the account's only method, or log in by hand",
          );
        }
        cancel(ctx, "twofa", "twofa-exit", "api-deadline", "probe");
        ctx.s = {
          ...ctx.s,
          switchRelogins: s.switchRelogins + 1,
          twofa: { ...ctx.s.twofa, switched: false, windowId: undefined },
        };
        go(ctx, "login", "Re-login is required after the 2FA device switch: logging in again");
        timer(ctx, "login-progress", cfg.PILOT_API_READY_TIMEOUT * 1000);
      } else {
        info(ctx, "Re-login is required: clicking Re-login");
      }
      return click(ctx, w, intent.button ?? EXISTING_SESSION.relogin[0], "relogin");
    case "click":
      return click(ctx, w, intent.button);
    case "close":
      ctx.fx.push({ do: "ui", step: `dialog:${w.rule}`, windowId: w.id, ops: [{ op: "close" }] });
      return;
    case "login-failed": {
      const dismiss = intent.dismiss;
      if (intent.reason === "token-rejected" || s.resumed) {
        // The autorestart token was refused: a full login (with 2FA) follows, never a loop.
        if (dismiss) click(ctx, w, dismiss, "login-failed");
        raise(ctx, "ALERT_AUTO_RESTART", {
          mode: s.mode,
          status: "failed_login",
          reason: "restart token rejected; full login follows",
        }, "warning");
        ctx.s = { ...ctx.s, resumed: false };
        return requestStop(ctx, "restart token rejected", "relaunch");
      }
      raise(ctx, "ALERT_LOGIN_FAILED", {
        mode: s.mode,
        reason: intent.reason,
        suggested_action: intent.reason === "bad-credentials"
          ? "check TWS_USERID/TWS_PASSWORD (paper: TWS_USERID_PAPER/TWS_PASSWORD_PAPER)"
          : "see the Gateway message in the log",
      });
      if (dismiss) click(ctx, w, dismiss, "login-failed");
      if (intent.reason === "bad-credentials") {
        // No blind retry with the same password: that is how accounts get locked.
        return halt(
          ctx,
          "login failed: bad credentials",
          "fix the username/password settings and restart ibg-pilot",
        );
      }
      return;
    }
    case "too-many-attempts": {
      if (intent.dismiss) click(ctx, w, intent.dismiss, "too-many-attempts");
      const wait = intent.waitMs + TOO_MANY_MARGIN_MS;
      go(ctx, "backoff", `too many failed login attempts: waiting ${Math.round(wait / 1000)} s`);
      cancel(ctx, "login-progress");
      timer(ctx, "relogin", wait);
      return;
    }
    case "password-expiry": {
      raise(ctx, "ALERT_PASSWORD_EXPIRED", {
        mode: s.mode,
        status: intent.status,
        days_remaining: intent.days,
        suggested_action:
          "change the IBKR password in Client Portal, then update the password setting",
      }, intent.status === "expired" ? "error" : "warning");
      if (intent.dismiss) click(ctx, w, intent.dismiss, "password-expiry");
      if (intent.status === "expired") {
        return halt(
          ctx,
          "the IBKR password has expired",
          "change it in Client Portal and update TWS_PASSWORD",
        );
      }
      return;
    }
    case "main-window":
      ctx.s = { ...ctx.s, mainWindowId: w.id };
      if (intent.loggedIn) onLoggedIn(ctx, "TWS shows its main window (File > Lock Application)");
      return;
    case "alert": {
      raise(ctx, intent.token, { mode: s.mode, reason: intent.reason });
      if (intent.dismiss) click(ctx, w, intent.dismiss);
      if (intent.halt) {
        return halt(ctx, intent.reason, "see the alert; act in Gateway or IBKR's Client Portal");
      }
      return;
    }
    case "exit-confirm":
      // Someone else asked Gateway to exit: not ours to answer.
      return info(ctx, "exit confirmation shown but no stop was requested: left alone");
    default:
      return;
  }
}

function onWindowClosed(ctx: Ctx, windowId: string, title: string) {
  const s = ctx.s;
  if (s.connectingWindowId === windowId) {
    ctx.s = { ...ctx.s, connectingWindowId: undefined };
    // Gateway gave up its own retries: the attempt ended with no answer from IBKR.
    if (s.phase === "login" && s.ccp.attemptTimeouts > 0 && !s.ccp.answered) {
      return onLockout(ctx, "launcher.log");
    }
    return;
  }
  if (s.twofa.windowId === windowId && (s.phase === "second-factor")) {
    ctx.s = { ...ctx.s, twofa: { ...s.twofa, windowId: undefined, answered: true } };
    cancel(ctx, "twofa");
    // IBC: after 2FA is answered, login must complete within the exit interval.
    timer(ctx, "twofa-exit", ctx.cfg.TWOFA_EXIT_INTERVAL * 1000);
    go(ctx, "post-login", "second factor answered");
    timer(ctx, "api-deadline", ctx.cfg.PILOT_API_READY_TIMEOUT * 1000);
    ctx.fx.push({ do: "probe" });
    return;
  }
  if (containsText(title, STARTING_APPLICATION)) {
    onLoggedIn(ctx, "Gateway finished starting the application");
    return;
  }
  if (s.mainWindowId === windowId) ctx.s = { ...ctx.s, mainWindowId: undefined };
}

/**
 * IBC's logged-in signal: Gateway's `Starting application...` splash closed, or TWS showed its
 * main window. Settings go first: they may move the API port we must probe.
 */
function onLoggedIn(ctx: Ctx, cause: string) {
  const s = ctx.s;
  if (s.phase !== "login" && s.phase !== "second-factor" && s.phase !== "post-login") return;
  if (ctx.cfg.hasConfigPlan && !s.configured) {
    cancel(ctx, "login-progress", "twofa", "twofa-exit", "probe", "api-deadline");
    return startConfiguring(ctx, cause);
  }
  ctx.s = { ...ctx.s, loggedIn: true };
  if (s.phase !== "post-login") startProbing(ctx, cause);
}

function startConfiguring(ctx: Ctx, cause: string) {
  ctx.s = { ...ctx.s, loggedIn: true };
  go(ctx, "configuring", `${cause}; applying settings`);
  ctx.fx.push({ do: "configure" });
}

function onProbe(ctx: Ctx, e: Extract<SessionEvent, { type: "probe" }>) {
  const s = ctx.s;
  if (e.ok) {
    ctx.s = { ...ctx.s, lastProbeOk: true, probeFailures: 0, serverVersion: e.serverVersion };
    if (
      s.phase === "login" || s.phase === "second-factor" || s.phase === "post-login" ||
      s.phase === "halted"
    ) {
      cancel(ctx, "api-deadline", "login-progress", "twofa", "twofa-exit", "halted-probe");
      ctx.s = { ...ctx.s, lastAuthSuccess: ctx.now, haltReason: undefined };
      if (ctx.cfg.hasConfigPlan && !s.configured) return startConfiguring(ctx, "API answered");
      return becomeReady(ctx, `API answered the handshake (server version ${e.serverVersion})`);
    }
    if (s.phase === "ready") timer(ctx, "probe", ctx.cfg.PILOT_PROBE_INTERVAL * 1000);
    return;
  }
  ctx.s = { ...ctx.s, lastProbeOk: false, probeFailures: s.probeFailures + 1 };
  if (s.phase === "post-login" || s.phase === "login" || s.phase === "second-factor") {
    if (s.phase === "post-login") timer(ctx, "probe", API_PROBE_RETRY_MS);
    return;
  }
  if (s.phase === "ready") {
    if (ctx.s.probeFailures >= READY_PROBE_FAILURES) {
      warn(ctx, `API stopped answering (${e.error ?? "no answer"})`);
      startProbing(ctx, "API stopped answering the handshake");
      // A frozen Gateway is silent on both channels: ask the UI too.
      ctx.fx.push({ do: "check-ui" });
      return;
    }
    timer(ctx, "probe", API_PROBE_RETRY_MS);
  }
}

function onGatewayLog(ctx: Ctx, signal: LauncherSignal) {
  const s = ctx.s;
  switch (signal) {
    case "authenticating":
      ctx.s = { ...s, ccp: { ...s.ccp, answered: false } };
      return;
    case "ns-auth-start":
      // IBKR answered: whatever follows, this is not a lockout.
      ctx.s = { ...s, ccp: { ...s.ccp, answered: true, streak: 0 } };
      return;
    case "ccp-timeout":
      if (s.ccp.answered || (s.phase !== "login" && s.phase !== "backoff")) return;
      ctx.s = { ...s, ccp: { ...s.ccp, attemptTimeouts: s.ccp.attemptTimeouts + 1 } };
      warn(
        ctx,
        `IBKR did not answer the login within Gateway's timeout (silent CCP timeout ${
          s.ccp.attemptTimeouts + 1
        } of this attempt); Gateway retries by itself`,
      );
      return;
    case "session-kicked":
      if (s.phase === "ready") {
        warn(ctx, "Gateway reports that another session took over: checking the API now");
        cancel(ctx, "probe");
        ctx.fx.push({ do: "probe" });
      }
      return;
    case "post-authenticate":
      return;
  }
}

function becomeReady(ctx: Ctx, cause: string) {
  go(ctx, "ready", cause);
  // Recovered: earlier failures no longer describe how the run will end.
  ctx.s = {
    ...ctx.s,
    loggedIn: true,
    crashes: 0,
    exitCode: undefined,
    ccp: { ...ctx.s.ccp, streak: 0, cooldowns: 0 },
    twofa: { ...ctx.s.twofa, switched: false },
  };
  ctx.fx.push({ do: "ready-file", present: true });
  timer(ctx, "probe", ctx.cfg.PILOT_PROBE_INTERVAL * 1000);
}

function onTimer(ctx: Ctx, name: TimerName) {
  const s = ctx.s;
  const cfg = ctx.cfg;
  switch (name) {
    case "maintenance":
      if (s.phase === "maintenance") launch(ctx, "maintenance window over");
      return;
    case "relaunch":
      if (s.phase === "backoff" && s.jvmPid === undefined) launch(ctx, "backoff over");
      return;
    case "agent":
      if (s.phase === "agent-wait") {
        giveUpOnJvm(ctx, "the agent inside Gateway never said hello", "agent never answered");
      }
      return;
    case "login-frame":
      if (s.phase === "login" && s.loginAttempts === 0) {
        giveUpOnJvm(
          ctx,
          `Gateway's login window did not appear within ${cfg.PILOT_LOGIN_FRAME_TIMEOUT} s`,
          "login window never appeared",
        );
      }
      return;
    case "login-progress":
      if (s.phase === "login") {
        warn(ctx, "login made no progress in time");
        // Stuck on "connecting to server" is a lockout without a launcher.log line (sources.md peers A8).
        if (s.loginWindowId) {
          ctx.fx.push({ do: "read-login-status", windowId: s.loginWindowId });
          return;
        }
        startProbing(ctx, "login made no visible progress; checking the API");
      }
      return;
    case "twofa":
      if (s.phase === "second-factor") onTwofaTimeout(ctx, "2FA dialog timeout");
      return;
    case "twofa-exit":
      if (s.phase === "post-login" && !s.lastProbeOk) {
        onTwofaTimeout(ctx, "login has not completed after second factor authentication");
      }
      return;
    case "probe":
      if (s.phase === "ready" || s.phase === "post-login") ctx.fx.push({ do: "probe" });
      return;
    case "halted-probe":
      if (s.phase === "halted") {
        ctx.fx.push({ do: "probe" });
        timer(ctx, "halted-probe", HALTED_PROBE_MS);
      }
      return;
    case "api-deadline":
      if (s.phase === "post-login") {
        giveUpOnJvm(
          ctx,
          `the API port did not answer within ${cfg.PILOT_API_READY_TIMEOUT} s of logging in`,
          "API never answered after login",
        );
      }
      return;
    case "restart-deadline":
      if (s.restartPending && s.jvmPid !== undefined) {
        const pause = s.restartPending.pause;
        ctx.s = { ...ctx.s, restartPending: undefined };
        requestStop(
          ctx,
          "Gateway did not restart itself through Lock and Exit in time",
          pause ? "exit" : "relaunch",
        );
      }
      return;
    case "relogin": {
      if (s.phase !== "backoff" || !s.loginWindowId) return;
      if (s.connectingWindowId) {
        // Gateway is still trying by itself: a click now would start a second attempt.
        info(ctx, "Gateway is still connecting: waiting before logging in again");
        return timer(ctx, "relogin", LOGIN_STEP_RETRY_MS);
      }
      const wait = maintenanceDelay(ctx, "re-login");
      if (wait !== undefined) return timer(ctx, "relogin", wait);
      ctx.s = { ...ctx.s, loginWindowId: undefined };
      go(ctx, "login", "retrying the login inside the running Gateway");
      ctx.fx.push({ do: "rescan-login", windowId: s.loginWindowId });
      return;
    }
  }
}

function onJvmExited(ctx: Ctx, e: Extract<SessionEvent, { type: "jvm-exited" }>) {
  const s = ctx.s;
  cancel(ctx, ...JVM_TIMERS);
  ctx.s = {
    ...ctx.s,
    jvmPid: undefined,
    gatewayVersion: undefined,
    mainWindowId: undefined,
    loginWindowId: undefined,
  };
  if (s.phase === "stopping" || s.stopping) return finishStop(ctx);
  if (ctx.cfg.attached) {
    // We cannot relaunch it the way its user did (their launcher, their options): end the run.
    error(
      ctx,
      `the attached Gateway (JVM ${s.jvmPid ?? "?"}) exited; ibg-pilot does not start ` +
        "Gateway in attach mode. Start Gateway and run 'ibg-pilot run --attach' again, or let " +
        "'ibg-pilot run' launch and supervise it",
    );
    ctx.s = { ...ctx.s, exitCode: 1 };
    go(ctx, "stopped", "the attached Gateway exited");
    ctx.fx.push({ do: "exit", code: 1 });
    return;
  }
  if (s.phase === "halted") {
    warn(ctx, `Gateway exited (code ${e.code}) while halted`);
    return;
  }
  if (e.code === 0 && s.restartPending?.pause) {
    // PAUSE: Gateway wrote its autorestart token and went down; the next start resumes with it.
    cancel(ctx, "restart-deadline");
    raise(ctx, "ALERT_AUTO_RESTART", {
      mode: s.mode,
      status: "paused",
      reason: "PAUSE: the next start resumes the session",
    }, "info");
    ctx.s = { ...ctx.s, restartPending: undefined };
    go(ctx, "stopped", "paused (PAUSE command)");
    ctx.fx.push({ do: "exit", code: 0 });
    return;
  }
  if (e.code === 0 && s.gaveWay) {
    // We told Gateway to leave the account to another session: logging in again would take it
    // back (the ping-pong EXISTING_SESSION_DETECTED_ACTION=secondary exists to avoid).
    return halt(
      ctx,
      "another session of this username took over and Gateway exited (EXISTING_SESSION_DETECTED_ACTION=secondary)",
      "end the other session (TWS, another ibg-pilot, Client Portal), then send RESTART or restart ibg-pilot",
    );
  }
  if (e.code === 0) {
    // Gateway's own daily restart (or its File > Close): relaunch; the shell resumes with the
    // autorestart token when one was written, so no login form and no 2FA.
    launch(ctx, "Gateway exited with code 0 (daily restart)");
    return;
  }
  const crashes = s.crashes + 1;
  ctx.s = { ...ctx.s, crashes };
  error(
    ctx,
    `Gateway's JVM exited unexpectedly (code ${e.code}${e.signal ? `, ${e.signal}` : ""})`,
  );
  if (crashes > ctx.cfg.PILOT_CRASH_MAX_RESTARTS) {
    raise(ctx, "ALERT_JVM_RESTART_EXHAUSTED", {
      mode: s.mode,
      attempts: crashes - 1,
      reason: `exit code ${e.code}`,
    });
    return halt(
      ctx,
      "Gateway keeps crashing",
      "read the JVM log in the settings directory; restart ibg-pilot when fixed",
    );
  }
  go(ctx, "backoff", `relaunching after crash ${crashes}`);
  timer(ctx, "relaunch", crashBackoffMs(crashes, ctx.cfg));
}

/**
 * How a RESTART or PAUSE command applies to a session now: through Gateway's Lock and Exit while
 * READY (Gateway resumes with its autorestart token, no 2FA), a full restart otherwise (RESTART
 * only), or refused with the reason the operator reads.
 */
export function restartPlan(
  s: SessionState,
  pause: boolean,
): { via: "lock-and-exit" | "full" } | { refused: string } {
  if (s.restartPending) return { refused: `${pause ? "PAUSE" : "RESTART"} already in progress` };
  if (s.phase === "ready") return { via: "lock-and-exit" };
  return pause ? { refused: "PAUSE needs Gateway logged in (READY): use STOP" } : { via: "full" };
}

/** Gateway swaps a window's content in place (2FA, TWS's login frame): read it until it changes. */
function awaitChange(ctx: Ctx, step: StepName, windowId: string | undefined, deadlineMs: number) {
  if (windowId) ctx.fx.push({ do: "await-change", step, windowId, deadlineMs });
}

/** One step of the machine. */
export function step(
  state: SessionState,
  event: SessionEvent,
  cfg: SessionSettings,
  now: number,
  maintenance?: MaintenanceNow,
): Step {
  const ctx: Ctx = { s: state, fx: [], cfg, now, maintenance };
  const s = state;
  switch (event.type) {
    case "start":
      if (s.phase !== "idle") break;
      launch(ctx, "start");
      break;
    case "jvm-started":
      ctx.s = {
        ...ctx.s,
        jvmPid: event.pid,
        resumed: event.resumed,
        gatewayVersion: event.version,
      };
      go(
        ctx,
        "agent-wait",
        `JVM ${event.pid} started${event.resumed ? " (resuming with the restart token)" : ""}`,
      );
      ctx.fx.push({ do: "connect-agent" });
      timer(ctx, "agent", cfg.PILOT_AGENT_TIMEOUT * 1000);
      break;
    case "jvm-start-failed": {
      ctx.s = { ...ctx.s, crashes: s.crashes + 1 };
      error(ctx, `Gateway could not be ${cfg.attached ? "attached" : "started"}: ${event.error}`);
      if (ctx.s.crashes > cfg.PILOT_CRASH_MAX_RESTARTS || cfg.attached) {
        ctx.s = { ...ctx.s, exitCode: 1 };
        go(ctx, "stopped", "Gateway could not be started");
        ctx.fx.push({ do: "exit", code: 1 });
      } else {
        go(ctx, "backoff", "start failed");
        timer(ctx, "relaunch", crashBackoffMs(ctx.s.crashes, cfg));
      }
      break;
    }
    case "jvm-exited":
      onJvmExited(ctx, event);
      break;
    case "agent-ready":
      if (s.phase !== "agent-wait") break;
      cancel(ctx, "agent");
      if (s.resumed) {
        ctx.s = { ...ctx.s, loggedIn: true };
        startProbing(ctx, "agent connected; Gateway resumes its session by itself");
      } else {
        go(ctx, "login", "agent connected; waiting for the login window");
        timer(ctx, "login-frame", cfg.PILOT_LOGIN_FRAME_TIMEOUT * 1000);
        // Attached: Gateway may be logged in already; the handshake says so (READY, no clicks).
        if (cfg.attached) ctx.fx.push({ do: "probe" });
      }
      break;
    case "agent-failed":
      if (s.phase === "agent-wait") {
        error(ctx, `agent: ${event.error}`);
      } else if (s.phase !== "stopping" && s.phase !== "stopped") {
        warn(ctx, `agent connection lost: ${event.error}`);
      }
      break;
    case "window-opened":
      onWindow(ctx, event.window);
      break;
    case "window-closed":
      onWindowClosed(ctx, event.windowId, event.title);
      break;
    case "ui-done":
      if (!event.ok && event.step !== TWS_LOGIN_IN_PLACE) {
        warn(ctx, `UI step ${event.step} failed: ${event.error ?? "unknown error"}`);
      }
      if (event.step === "login" && !event.ok && s.phase === "login") {
        // A login step that timed out (a busy or frozen UI): read the window again shortly.
        if (s.loginAttempts >= LOGIN_STEP_FAILURES) {
          giveUpOnJvm(ctx, "the login window did not respond", "login window unresponsive");
        } else {
          go(ctx, "backoff", "the login step failed; reading the login window again");
          cancel(ctx, "login-progress");
          timer(ctx, "relogin", LOGIN_STEP_RETRY_MS);
        }
      }
      if (event.step === "twofa-device" && s.phase === "second-factor" && event.ok) {
        awaitChange(ctx, "twofa-device-switch", event.windowId, TWOFA_DEVICE_SWITCH_MS);
      }
      if (event.step === "twofa-change-device" && s.phase === "second-factor") {
        if (event.ok) {
          awaitChange(ctx, "twofa-change-device-switch", event.windowId, TWOFA_DEVICE_SWITCH_MS);
        } else {
          failTwofa(
            ctx,
            `Gateway's "${
              SECOND_FACTOR.changeDevice[0]
            }" link could not be clicked (${event.error})`,
            "choose the device by hand, or make the Mobile Authenticator app the account's only second factor",
          );
        }
      }
      if (event.step === "twofa-change-device-switch" && !event.ok && s.phase === "second-factor") {
        failTwofa(
          ctx,
          `clicking "${SECOND_FACTOR.changeDevice[0]}" did not show the device list`,
          "choose the device by hand (VNC), then report the dialog with 'ibg-pilot inspect'",
        );
      }
      if (event.step === "twofa-device-switch" && !event.ok && s.phase === "second-factor") {
        failTwofa(
          ctx,
          "choosing the 2FA device produced no code prompt",
          "make the Mobile Authenticator app the account's only second factor, or log in by hand",
          { remediation: "make one 2FA method the account's only method" },
        );
      }
      if (event.step === "twofa-code-verdict" && !event.ok && s.phase === "second-factor") {
        if (s.twofa.codeTries >= 2) {
          // The second code drew the same refusal (the text did not change): rejected twice.
          failTwofa(ctx, CODE_REJECTED_TWICE.reason, CODE_REJECTED_TWICE.remediation);
        } else {
          // Neither closed nor changed: a 2FA timeout (per TWOFA_TIMEOUT_ACTION).
          onTwofaTimeout(ctx, "the second-factor dialog did not accept or refuse the code");
        }
      }
      if (event.step === "twofa-code") {
        if (event.ok) {
          ctx.s = {
            ...ctx.s,
            twofa: {
              ...ctx.s.twofa,
              submittedCounter: event.counter,
              codeTries: ctx.s.twofa.codeTries + 1,
            },
          };
          // It closes when IBKR accepts the code, or says in place that it did not.
          awaitChange(ctx, "twofa-code-verdict", event.windowId, TWOFA_CODE_VERDICT_MS);
        } else if (s.phase === "second-factor") {
          onTwofaTimeout(ctx, "the second-factor code could not be entered");
        }
      }
      break;
    case "configured":
      if (s.phase !== "configuring") break;
      ctx.s = { ...ctx.s, configured: true };
      if (!event.ok) {
        warn(ctx, `settings not fully applied: ${event.error ?? event.mismatches.join(", ")}`);
      }
      // Settings may have moved the API port: prove readiness again on the new one.
      go(ctx, "post-login", "settings applied; proving the API again");
      timer(ctx, "api-deadline", cfg.PILOT_API_READY_TIMEOUT * 1000);
      ctx.fx.push({ do: "probe" });
      break;
    case "probe":
      onProbe(ctx, event);
      break;
    case "gateway-log":
      onGatewayLog(ctx, event.signal);
      break;
    case "login-status":
      if (s.phase !== "login") break;
      if (event.texts.some((t) => STUCK_CONNECTING_PATTERNS.some((p) => p.test(t)))) {
        onLockout(ctx, "stuck-label");
        break;
      }
      startProbing(ctx, "login made no visible progress; checking the API");
      break;
    case "ui-check":
      if (!event.responsive && s.phase === "post-login" && !s.lastProbeOk) {
        raise(ctx, "ALERT_GATEWAY_UNRESPONSIVE", {
          mode: s.mode,
          reason: `UI: ${event.error ?? "timed out"}; API: silent`,
        });
        giveUpOnJvm(
          ctx,
          "Gateway is frozen: its UI does not answer and its API is silent",
          "Gateway frozen",
        );
      }
      break;
    case "timer":
      onTimer(ctx, event.name);
      break;
    case "jvm-stop-done":
      // A detach is no logout: Gateway stays up and logged in (the host logs it).
      if (event.result !== "detached") {
        raise(ctx, "ALERT_CLEAN_LOGOUT", {
          mode: s.mode,
          pid: event.pid ?? "none",
          status: !event.loggedIn || event.result === "not-running"
            ? "safe_no_session"
            : event.result === "clean"
            ? "succeeded"
            : "failed_timeout",
          reason: event.reason,
        }, event.loggedIn && event.result === "signalled" ? "warning" : "info");
      }
      break;
    case "stop":
      if (s.phase === "stopped") break;
      if (s.phase === "stopping") {
        ctx.s = { ...ctx.s, stopping: { reason: event.reason, then: "exit" } };
        break;
      }
      requestStop(ctx, event.reason, "exit");
      break;
    case "restart-scheduled":
      if (!event.ok) {
        warn(ctx, `could not set Gateway's Lock and Exit restart: ${event.error}`);
        if (!event.pause && s.phase === "ready") {
          requestStop(ctx, "RESTART (full: Lock and Exit unavailable)", "relaunch");
        }
        break;
      }
      ctx.s = { ...ctx.s, restartPending: { pause: event.pause, at: event.at ?? "soon" } };
      info(
        ctx,
        `Gateway restarts itself at ${event.at} through Lock and Exit (the session resumes ` +
          `without 2FA${event.pause ? "; PAUSE: ibg-pilot exits then" : ""})`,
      );
      timer(ctx, "restart-deadline", RESTART_DEADLINE_MS);
      break;
    case "restart":
      if (s.phase === "stopping" || s.phase === "stopped") break;
      ctx.s = { ...ctx.s, crashes: 0, haltReason: undefined };
      requestStop(ctx, event.reason, "relaunch");
      break;
  }
  return { state: ctx.s, effects: ctx.fx };
}
