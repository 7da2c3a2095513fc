/**
 * The vocabulary of one trading-mode session: its states, the events the world sends it, and
 * the effects it asks the shell to perform. The state machine (machine.ts) is a pure function
 * of (state, event); the shell (shell.ts) turns effects into actions through injected ports and
 * turns every outcome back into an event.
 */

import type { Config, Mode } from "../config/mod.ts";
import type { LauncherSignal } from "../gateway/launcher_log.ts";
import type { Target } from "../ui/port.ts";

/** Where the session is. */
export type Phase =
  | "idle"
  | "maintenance"
  | "launching"
  | "agent-wait"
  | "login"
  | "second-factor"
  | "post-login"
  | "configuring"
  | "ready"
  | "backoff"
  | "stopping"
  | "halted"
  | "stopped";

/** What a window is, as the session needs to know it (derived from the dialog catalogue). */
export type Intent =
  | {
    kind: "login-frame";
    /** The Log In button texts of this mode, in preference order (the text changes with the mode toggle). */
    loginButtons: string[];
    apiToggle?: string;
    modeToggle?: string;
  }
  | {
    kind: "second-factor";
    variant: "code" | "device" | "push" | "passkey" | "unknown";
    prompt?: string;
    /** The dialog's own message that the last code was refused. */
    error?: string;
    devices?: string[];
    /** TWS: the window's `Enter Read Only` button (READ_ONLY_LOGIN clicks it). */
    readOnlyButton?: string;
    /** Push screen of 10.47+: the text of its `Change security device` link. */
    changeDevice?: string;
  }
  | { kind: "connecting" }
  | { kind: "existing-session"; continueButton?: string; giveWayButton?: string }
  | { kind: "relogin"; button?: string }
  | { kind: "click"; button: string }
  /** Close the window (WINDOW_CLOSING), as a user rule says. */
  | { kind: "close" }
  | {
    kind: "login-failed";
    reason: "bad-credentials" | "token-rejected" | "other";
    text: string;
    dismiss?: string;
  }
  | { kind: "too-many-attempts"; waitMs: number; dismiss?: string }
  | { kind: "password-expiry"; status: "warning" | "expired"; days?: number; dismiss?: string }
  /** `loggedIn`: TWS's main window, shown only once logged in (Gateway's proves nothing). */
  | { kind: "main-window"; loggedIn?: boolean }
  | { kind: "splash" }
  | { kind: "exit-confirm"; yes?: string }
  | { kind: "config-dialog" }
  | { kind: "alert"; token: `ALERT_${string}`; reason: string; dismiss?: string; halt?: boolean }
  | { kind: "wait"; why: string }
  | { kind: "unknown" };

/** A window the session was told about. */
export interface SeenWindow {
  id: string;
  title: string;
  /** Catalogue rule id, or "unknown". */
  rule: string;
  intent: Intent;
}

/** A credential the shell fills in; the value never travels in effects or state. */
export type Credential = "user" | "password";

/** One UI operation of a script; the shell runs them in order and stops at the first failure. */
export type UiOp =
  | { op: "click"; target: Target }
  /** Clicks the first of these button texts that exists (a button renamed by a toggle). */
  | { op: "click-first"; texts: string[] }
  | { op: "setText"; target: Target; value: string | { credential: Credential } }
  | { op: "setSelected"; target: Target; selected: boolean }
  | { op: "selectListItem"; item: string }
  | { op: "close" };

/** Timers that belong to one JVM's life: cancelled when it exits. */
export const JVM_TIMERS = [
  "agent",
  "login-frame",
  "login-progress",
  "twofa",
  "twofa-exit",
  "probe",
  "api-deadline",
  "relogin",
] as const;
/** Every timer (named deadlines and periodic checks): cancelled when the session stops. */
export const ALL_TIMERS = [
  ...JVM_TIMERS,
  "maintenance",
  "relaunch",
  "halted-probe",
  "restart-deadline",
] as const;
export type TimerName = (typeof ALL_TIMERS)[number];

/** Where a lockout was seen. */
export type LockoutEvidence = "launcher.log" | "stuck-label";

/** Events: everything that happens to a session. */
export type SessionEvent =
  | { type: "start" }
  | { type: "jvm-started"; pid: number; resumed: boolean; version?: string }
  | { type: "jvm-start-failed"; error: string }
  | { type: "jvm-exited"; code: number | null; signal?: string }
  | { type: "agent-ready" }
  | { type: "agent-failed"; error: string }
  | { type: "window-opened"; window: SeenWindow }
  | { type: "window-closed"; windowId: string; title: string }
  | {
    type: "ui-done";
    step: StepName;
    windowId?: string;
    ok: boolean;
    error?: string;
    counter?: number;
  }
  | { type: "configured"; ok: boolean; mismatches: string[]; error?: string }
  | { type: "probe"; ok: boolean; serverVersion?: number; error?: string }
  /** A login signal from Gateway's launcher.log. */
  | { type: "gateway-log"; signal: LauncherSignal }
  /** The login window's status texts, read on request. */
  | { type: "login-status"; texts: string[] }
  /** Whether Gateway's UI still answers (a frozen EDT times out). */
  | { type: "ui-check"; responsive: boolean; error?: string }
  | { type: "timer"; name: TimerName }
  | { type: "stop"; reason: string }
  /** How the stop ladder ended for the JVM `pid` (values read when the stop began). */
  | {
    type: "jvm-stop-done";
    pid?: number;
    loggedIn: boolean;
    reason: string;
    result: "clean" | "signalled" | "not-running" | "detached";
  }
  /** Gateway's Lock and Exit was set to restart it soon (RESTART/PAUSE), or could not be. */
  | { type: "restart-scheduled"; pause: boolean; ok: boolean; at?: string; error?: string }
  | { type: "restart"; reason: string };

/** Effects: what the machine asks the shell to do. */
/** The UI steps of the session's own flows (named in logs, answered by `ui-done`). */
export type FlowStep =
  | "login"
  | "read-only-login"
  | "exit-confirm"
  | "existing-session"
  | "relogin"
  | "login-failed"
  | "too-many-attempts"
  | "password-expiry"
  | "twofa-device"
  | "twofa-device-switch"
  | "twofa-change-device"
  | "twofa-change-device-switch"
  | "twofa-code"
  | "twofa-code-verdict"
  | "tws-login-in-place";

/** A UI step: one of the flows', or a click the catalogue decided (`dialog:<row id>`). */
export type StepName = FlowStep | `dialog:${string}`;

export type Effect =
  | { do: "launch" }
  | { do: "connect-agent" }
  | { do: "ui"; step: StepName; windowId: string; ops: UiOp[] }
  /** Clears whatever blocks the login window, then offers that window to the machine again. */
  | { do: "rescan-login"; windowId: string }
  | {
    do: "totp";
    step: StepName;
    windowId: string;
    field: Target;
    button: Target;
    avoidCounter?: number;
  }
  | { do: "configure" }
  /** Re-reads a window until what it shows changes (a dialog that swaps its content in place). */
  | { do: "await-change"; step: StepName; windowId: string; deadlineMs: number }
  | { do: "probe" }
  /** Reads the status texts of the login window (answered by a login-status event). */
  | { do: "read-login-status"; windowId: string }
  /** Checks that Gateway's UI answers within the UI timeout (answered by a ui-check event). */
  | { do: "check-ui" }
  | { do: "timer"; name: TimerName; ms: number }
  | { do: "cancel-timer"; name: TimerName }
  | { do: "ready-file"; present: boolean }
  | {
    do: "alert";
    token: `ALERT_${string}`;
    fields: Record<string, string | number | boolean | undefined>;
    level?: "info" | "warning" | "error";
  }
  | { do: "log"; level: "debug" | "info" | "warning" | "error"; message: string }
  /** `loggedIn`: Gateway holds an IBKR session, so it logs out through its own close path. */
  | { do: "stop-jvm"; loggedIn: boolean }
  | { do: "halted"; reason: string; remediation: string }
  | { do: "exit"; code: number };

/** What the machine knows about the session. Never holds a secret. */
export interface SessionState {
  mode: Mode;
  phase: Phase;
  /** Why the current phase was entered (logged once per transition). */
  cause: string;
  since: number;
  jvmPid?: number;
  /** The running Gateway's build, as its host reported it at launch. */
  gatewayVersion?: string;
  resumed: boolean;
  /** Logins submitted in this JVM. */
  loginAttempts: number;
  loginWindowId?: string;
  mainWindowId?: string;
  /**
   * The second-factor exchange in progress. `switched`: this login chose a device (from the
   * list, or through `Change security device`), after which Gateway may ask to re-login.
   */
  twofa: {
    windowId?: string;
    submittedCounter?: number;
    codeTries: number;
    answered: boolean;
    switched?: boolean;
  };
  /** Re-logins answered in this JVM because Gateway asked for one right after a device switch. */
  switchRelogins: number;
  /** Times (ms) an existing-session dialog was answered, for the ping-pong guard. */
  existingSession: number[];
  /** We let another session of this username take over (existing session, secondary). */
  gaveWay?: boolean;
  /** This JVM holds an IBKR session (logged in or resumed): stopping it means logging out. */
  loggedIn: boolean;
  /** Configuration applied in this JVM. */
  configured: boolean;
  /** Consecutive failed probes while ready. */
  probeFailures: number;
  lastProbeOk: boolean;
  serverVersion?: number;
  lastAuthSuccess?: number;
  /** Unexpected JVM exits in a row (reset on ready). */
  crashes: number;
  /** IBKR's silent CCP timeouts (sources.md peers A4, A8). */
  ccp: {
    /** Login attempts in a row that IBKR never answered (reset when IBKR answers). */
    streak: number;
    /** Silent timeouts in the current attempt (Gateway retries by itself within one attempt). */
    attemptTimeouts: number;
    /** NS_AUTH_START seen since the last Authenticating: the server answered this attempt. */
    answered: boolean;
    /** Long cool-downs (JVM stopped) so far. */
    cooldowns: number;
  };
  /** The `Connecting to server...` modal of the current attempt. */
  connectingWindowId?: string;
  /** Pending request: stop the process, or restart Gateway. */
  stopping?: { reason: string; then: "exit" | "relaunch"; relaunchDelayMs?: number };
  haltReason?: string;
  exitCode?: number;
  /** Gateway will restart itself through Lock and Exit; with `pause` ibg-pilot exits then. */
  restartPending?: { pause: boolean; at: string };
}

/** The settings the machine reads (a view of the whole configuration). */
export type SessionSettings =
  & Pick<
    Config,
    | "TWOFACTOR_CODE"
    | "TWOFA_DEVICE"
    | "READ_ONLY_LOGIN"
    | "TWOFA_EXIT_INTERVAL"
    | "TWOFA_TIMEOUT"
    | "TWOFA_TIMEOUT_ACTION"
    | "RELOGIN_AFTER_TWOFA_TIMEOUT"
    | "EXISTING_SESSION_DETECTED_ACTION"
    | "PILOT_LOGIN_FRAME_TIMEOUT"
    | "PILOT_AGENT_TIMEOUT"
    | "PILOT_API_READY_TIMEOUT"
    | "PILOT_PROBE_INTERVAL"
    | "PILOT_CCP_BACKOFF_INITIAL"
    | "PILOT_CCP_BACKOFF_MAX"
    | "PILOT_CCP_MAX_RELOGINS"
    | "PILOT_CCP_COOLDOWN"
    | "PILOT_CRASH_BACKOFF_INITIAL"
    | "PILOT_CRASH_BACKOFF_MAX"
    | "PILOT_CRASH_MAX_RESTARTS"
  >
  & {
    /** Whether the configuration dialog has anything to change. */
    hasConfigPlan: boolean;
    /** Whether starts wait for IBKR's nightly maintenance window to pass. */
    honourMaintenance: boolean;
    /**
     * `run --attach`: Gateway is a JVM the user started. It is never relaunched: when it exits,
     * the session ends (exit 1); a deadline that would relaunch it halts instead; after the
     * agent connects, the API is probed at once (a Gateway that is already logged in is READY
     * without a login).
     */
    attached?: boolean;
    /**
     * Where an operator sees Gateway's screen (the console's address, the VNC port), appended to
     * HALTED remediations; undefined when ibg-pilot serves no view.
     */
    screenAccess?: string;
  };
