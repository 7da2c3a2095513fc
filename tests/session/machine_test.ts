/** The session state machine, driven with fake events and a fake clock. */

import assert from "node:assert/strict";
import { crashBackoffMs, initialState, restartPlan, step } from "../../lib/session/machine.ts";
import type {
  Effect,
  Intent,
  SessionEvent,
  SessionSettings,
  SessionState,
} from "../../lib/session/types.ts";
import { TEST_SETTINGS } from "./settings.ts";

const SETTINGS: SessionSettings = TEST_SETTINGS;

/** Drives the machine and records everything it asked for. */
class Driver {
  state: SessionState;
  now = 1_700_000_000_000;
  effects: Effect[] = [];
  constructor(readonly cfg: SessionSettings = SETTINGS, mode: "live" | "paper" = "paper") {
    this.state = initialState(mode, this.now);
  }
  send(e: SessionEvent, maintenance?: { inside: boolean; remainingMs?: number }): Effect[] {
    const r = step(this.state, e, this.cfg, this.now, maintenance ?? { inside: false });
    this.state = r.state;
    this.effects.push(...r.effects);
    return r.effects;
  }
  advance(ms: number) {
    this.now += ms;
  }
  window(id: string, title: string, intent: Intent, rule = intent.kind): Effect[] {
    return this.send({ type: "window-opened", window: { id, title, rule, intent } });
  }
  /** Start, JVM, agent: the session waits for the login window. */
  toLogin(): void {
    this.send({ type: "start" });
    this.send({ type: "jvm-started", pid: 4242, resumed: false });
    this.send({ type: "agent-ready" });
  }
  toSecondFactor(): void {
    this.toLogin();
    this.window("w1", "IBKR Gateway", LOGIN);
  }
  toReady(): void {
    this.toSecondFactor();
    this.window("w2", "Second Factor Authentication", CODE);
    this.send({ type: "ui-done", step: "twofa-code", windowId: "w2", ok: true, counter: 100 });
    this.send({ type: "window-closed", windowId: "w2", title: "Second Factor Authentication" });
    this.send({ type: "probe", ok: true, serverVersion: 178 });
  }
}

const LOGIN: Intent = {
  kind: "login-frame",
  loginButtons: ["Paper Log In", "Paper-Login"],
  apiToggle: "IB API",
  modeToggle: "Paper Trading",
};
const CODE: Intent = {
  kind: "second-factor",
  variant: "code",
  prompt: "Enter Mobile Authenticator app code",
};

const has = (fx: Effect[], pred: (e: Effect) => boolean) => fx.some(pred);
const alertOf = (fx: Effect[], token: string) =>
  fx.find((e): e is Extract<Effect, { do: "alert" }> => e.do === "alert" && e.token === token);
const clicks = (fx: Effect[]) =>
  fx.flatMap((e) =>
    e.do === "ui"
      ? e.ops.filter((o) => o.op === "click").map((o) =>
        (o as { target: { text?: string } }).target.text
      )
      : []
  );

Deno.test("happy path: launch, agent, login, TOTP, API handshake, READY", () => {
  const d = new Driver();
  assert.deepEqual(d.send({ type: "start" }), [{ do: "launch" }]);
  assert.equal(d.state.phase, "launching");
  const fx1 = d.send({ type: "jvm-started", pid: 4242, resumed: false });
  assert.equal(d.state.phase, "agent-wait");
  assert.ok(has(fx1, (e) => e.do === "connect-agent"));
  assert.ok(has(fx1, (e) => e.do === "timer" && e.name === "agent" && e.ms === 30_000));
  d.send({ type: "agent-ready" });
  assert.equal(d.state.phase, "login");
  const fx2 = d.window("w1", "IBKR Gateway", LOGIN);
  const ui = fx2.find((e) => e.do === "ui") as Extract<Effect, { do: "ui" }>;
  assert.deepEqual(ui.ops, [
    { op: "setSelected", target: { text: "IB API" }, selected: true },
    { op: "setSelected", target: { text: "Paper Trading" }, selected: true },
    { op: "setText", target: { role: "text", index: 0 }, value: { credential: "user" } },
    { op: "setText", target: { role: "password", index: 0 }, value: { credential: "password" } },
    { op: "click-first", texts: ["Paper Log In", "Paper-Login"] },
  ]);
  assert.equal(d.state.loginAttempts, 1);
  const fx3 = d.window("w2", "Second Factor Authentication", CODE);
  assert.equal(d.state.phase, "second-factor");
  const totp = fx3.find((e) => e.do === "totp");
  assert.deepEqual(totp, {
    do: "totp",
    step: "twofa-code",
    windowId: "w2",
    field: { role: "text", index: 0 },
    button: { text: "OK" },
    avoidCounter: undefined,
  });
  d.send({ type: "ui-done", step: "twofa-code", windowId: "w2", ok: true, counter: 100 });
  const fx4 = d.send({
    type: "window-closed",
    windowId: "w2",
    title: "Second Factor Authentication",
  });
  assert.equal(d.state.phase, "post-login");
  assert.ok(has(fx4, (e) => e.do === "probe"));
  assert.ok(has(fx4, (e) => e.do === "timer" && e.name === "twofa-exit" && e.ms === 60_000));
  // The API is not up yet: keep probing, READY must not come early.
  const fx5 = d.send({ type: "probe", ok: false, error: "refused" });
  assert.equal(d.state.phase, "post-login");
  assert.ok(has(fx5, (e) => e.do === "timer" && e.name === "probe"));
  assert.ok(!has(d.effects, (e) => e.do === "ready-file"));
  const fx6 = d.send({ type: "probe", ok: true, serverVersion: 178 });
  assert.equal(d.state.phase, "ready");
  assert.ok(has(fx6, (e) => e.do === "ready-file" && e.present));
  assert.equal(d.state.serverVersion, 178);
  assert.equal(d.state.lastAuthSuccess, d.now);
  // No effect ever carries a secret.
  assert.ok(!JSON.stringify(d.effects).includes(SETTINGS.TWOFACTOR_CODE!.secret));
});

Deno.test("live mode uses the live toggle and the Log In button the window offers", () => {
  const d = new Driver(SETTINGS, "live");
  d.toLogin();
  const fx = d.window("w1", "IBKR-Gateway", {
    kind: "login-frame",
    loginButtons: ["Log In", "Login", "Log-In"],
    modeToggle: "Live-Trading",
  });
  const ui = fx.find((e) => e.do === "ui") as Extract<Effect, { do: "ui" }>;
  assert.deepEqual(ui.ops[0], {
    op: "setSelected",
    target: { text: "Live-Trading" },
    selected: true,
  });
  assert.deepEqual(ui.ops.at(-1), { op: "click-first", texts: ["Log In", "Login", "Log-In"] });
});

Deno.test("a start inside the maintenance window waits for it to pass", () => {
  const d = new Driver();
  const fx = d.send({ type: "start" }, { inside: true, remainingMs: 600_000 });
  assert.equal(d.state.phase, "maintenance");
  assert.equal(alertOf(fx, "ALERT_IBKR_MAINTENANCE_RECOVERY")?.fields.delay_seconds, 600);
  assert.ok(has(fx, (e) => e.do === "timer" && e.name === "maintenance" && e.ms === 600_000));
  assert.ok(!has(fx, (e) => e.do === "launch"));
  d.send({ type: "timer", name: "maintenance" });
  assert.equal(d.state.phase, "launching");
});

Deno.test("settings are applied before READY and proven again afterwards", () => {
  const d = new Driver({ ...SETTINGS, hasConfigPlan: true });
  d.toReady();
  assert.equal(d.state.phase, "configuring");
  assert.ok(has(d.effects, (e) => e.do === "configure"));
  const fx = d.send({ type: "configured", ok: true, mismatches: [] });
  assert.equal(d.state.phase, "post-login");
  assert.ok(has(fx, (e) => e.do === "probe"));
  d.send({ type: "probe", ok: true, serverVersion: 178 });
  assert.equal(d.state.phase, "ready");
  assert.equal(d.effects.filter((e) => e.do === "configure").length, 1);
});

Deno.test("with settings to apply, the splash closing starts configuring before any probe succeeds", () => {
  const d = new Driver({ ...SETTINGS, hasConfigPlan: true });
  d.toSecondFactor();
  d.window("w2", "Second Factor Authentication", CODE);
  d.send({ type: "window-closed", windowId: "w2", title: "Second Factor Authentication" });
  d.send({ type: "probe", ok: false, error: "refused" });
  const fx = d.send({ type: "window-closed", windowId: "s", title: "Starting application..." });
  assert.equal(d.state.phase, "configuring");
  assert.ok(has(fx, (e) => e.do === "configure"));
  // A late probe result does not configure twice.
  d.send({ type: "probe", ok: true, serverVersion: 178 });
  assert.equal(d.effects.filter((e) => e.do === "configure").length, 1);
});

Deno.test("the Connecting modal is never clicked", () => {
  const d = new Driver();
  d.toLogin();
  d.window("w1", "IBKR Gateway", LOGIN);
  const fx = d.window("w9", "Gateway", { kind: "connecting" });
  assert.deepEqual(clicks(fx), []);
  assert.equal(d.state.phase, "login");
});

Deno.test("2FA: passkey halts with ALERT_2FA_FAILED and ALERT_HALTED, process stays up", () => {
  const d = new Driver();
  d.toSecondFactor();
  const fx = d.window("w2", "Second Factor Authentication", {
    kind: "second-factor",
    variant: "passkey",
  });
  assert.equal(d.state.phase, "halted");
  assert.match(String(alertOf(fx, "ALERT_2FA_FAILED")?.fields.reason), /passkey/);
  assert.ok(alertOf(fx, "ALERT_HALTED"));
  assert.ok(!has(fx, (e) => e.do === "exit" || e.do === "stop-jvm"));
  assert.ok(has(fx, (e) => e.do === "timer" && e.name === "halted-probe"));
});

Deno.test("HALTED remediation points at the console when ibg-pilot serves Gateway's screen", () => {
  const where = "the console at http://<this host>:8080/console/";
  for (const screenAccess of [undefined, where]) {
    const d = new Driver({ ...SETTINGS, screenAccess });
    d.toSecondFactor();
    const fx = d.window("w2", "Second Factor Authentication", {
      kind: "second-factor",
      variant: "passkey",
    });
    const remediation = String(alertOf(fx, "ALERT_HALTED")?.fields.remediation);
    assert.equal(remediation.includes(where), screenAccess !== undefined, remediation);
  }
});

Deno.test("2FA: a prompt for another method gets no code typed into it", () => {
  const d = new Driver();
  d.toSecondFactor();
  const fx = d.window("w2", "Second Factor Authentication", {
    kind: "second-factor",
    variant: "code",
    prompt: "Enter IB Key challenge response",
  });
  assert.ok(!has(fx, (e) => e.do === "totp"));
  assert.equal(d.state.phase, "halted");
  assert.match(String(alertOf(fx, "ALERT_2FA_FAILED")?.fields.reason), /method mismatch/);
});

Deno.test("2FA: device selection picks TWOFA_DEVICE, defaulting to the authenticator app with a TOTP secret", () => {
  const devices = [" IB Key", " Mobile Authenticator app"];
  const d = new Driver();
  d.toSecondFactor();
  const fx = d.window("w2", "Second Factor Authentication", {
    kind: "second-factor",
    variant: "device",
    devices,
  });
  const ui = fx.find((e) => e.do === "ui") as Extract<Effect, { do: "ui" }>;
  assert.deepEqual(ui.ops, [{ op: "selectListItem", item: " Mobile Authenticator app" }, {
    op: "click",
    target: { text: "OK" },
  }]);
  const d2 = new Driver({ ...SETTINGS, TWOFA_DEVICE: "Security card" });
  d2.toSecondFactor();
  const fx2 = d2.window("w2", "Second Factor Authentication", {
    kind: "second-factor",
    variant: "device",
    devices,
  });
  assert.equal(d2.state.phase, "halted");
  assert.match(String(alertOf(fx2, "ALERT_2FA_FAILED")?.fields.remediation), /IB Key/);
});

Deno.test("2FA: after choosing a device, the dialog is re-read; no code prompt in time halts", () => {
  const d = new Driver();
  d.toSecondFactor();
  d.window("w2", "Second Factor Authentication", {
    kind: "second-factor",
    variant: "device",
    devices: [" Mobile Authenticator app"],
  });
  const fx = d.send({ type: "ui-done", step: "twofa-device", windowId: "w2", ok: true });
  assert.ok(
    has(fx, (e) => e.do === "await-change" && e.windowId === "w2" && e.deadlineMs === 15_000),
  );
  // The prompt shows in place: the code is entered.
  const ok = d.window("w2", "Second Factor Authentication", CODE);
  assert.ok(has(ok, (e) => e.do === "totp"));
  // Variant: nothing changes in time.
  const h = new Driver();
  h.toSecondFactor();
  h.window("w2", "Second Factor Authentication", {
    kind: "second-factor",
    variant: "device",
    devices: [" Mobile Authenticator app"],
  });
  h.send({ type: "ui-done", step: "twofa-device", windowId: "w2", ok: true });
  const fx2 = h.send({ type: "ui-done", step: "twofa-device-switch", windowId: "w2", ok: false });
  assert.ok(alertOf(fx2, "ALERT_2FA_FAILED"));
  assert.equal(h.state.phase, "halted");
});

Deno.test("2FA: a rejected code is retried once with the next code, then halts", () => {
  const d = new Driver();
  d.toSecondFactor();
  d.window("w2", "Second Factor Authentication", CODE);
  d.send({ type: "ui-done", step: "twofa-code", windowId: "w2", ok: true, counter: 100 });
  // Gateway rejects: the dialog comes back.
  const fx = d.window("w3", "Second Factor Authentication", CODE);
  const totp = fx.find((e) => e.do === "totp") as Extract<Effect, { do: "totp" }>;
  assert.equal(totp.avoidCounter, 100);
  d.send({ type: "ui-done", step: "twofa-code", windowId: "w3", ok: true, counter: 101 });
  const fx2 = d.window("w4", "Second Factor Authentication", CODE);
  assert.ok(!has(fx2, (e) => e.do === "totp"));
  assert.equal(d.state.phase, "halted");
});

for (
  const [action, expect] of [["exit", "stopped"], ["restart", "launching"], [
    "none",
    "halted",
  ]] as const
) {
  Deno.test(`2FA push never approved, TWOFA_TIMEOUT_ACTION=${action}`, () => {
    const d = new Driver({ ...SETTINGS, TWOFACTOR_CODE: undefined, TWOFA_TIMEOUT_ACTION: action });
    d.toSecondFactor();
    const fx = d.window("w2", "Second Factor Authentication", {
      kind: "second-factor",
      variant: "push",
    });
    assert.ok(has(fx, (e) => e.do === "timer" && e.name === "twofa" && e.ms === 180_000));
    d.advance(180_000);
    const fx2 = d.send({ type: "timer", name: "twofa" });
    assert.ok(alertOf(fx2, "ALERT_2FA_FAILED"));
    if (action !== "none") {
      assert.equal(d.state.phase, "stopping");
      assert.ok(has(fx2, (e) => e.do === "stop-jvm"));
      const fx3 = d.send({ type: "jvm-exited", code: 0 });
      assert.equal(d.state.phase, expect);
      if (action === "exit") assert.ok(has(fx3, (e) => e.do === "exit" && e.code === 87));
      else assert.ok(has(fx3, (e) => e.do === "launch"));
    } else {
      assert.equal(d.state.phase, "halted");
    }
  });
}

Deno.test("2FA timeout with RELOGIN_AFTER_TWOFA_TIMEOUT logs in again in the same JVM", () => {
  const d = new Driver({
    ...SETTINGS,
    TWOFACTOR_CODE: undefined,
    RELOGIN_AFTER_TWOFA_TIMEOUT: true,
  });
  d.toSecondFactor();
  d.window("w2", "Second Factor Authentication", { kind: "second-factor", variant: "push" });
  const fx = d.send({ type: "timer", name: "twofa" });
  assert.equal(d.state.phase, "login");
  assert.ok(has(fx, (e) => e.do === "rescan-login" && e.windowId === "w1"));
  assert.ok(!has(fx, (e) => e.do === "stop-jvm" || e.do === "launch"));
  // The rescan offers the login window again: a second attempt is submitted.
  d.window("w1", "IBKR Gateway", LOGIN);
  assert.equal(d.state.loginAttempts, 2);
});

Deno.test("existing session: each action's answer, and the ping-pong guard", () => {
  const intent: Intent = {
    kind: "existing-session",
    continueButton: "Continue Login",
    giveWayButton: "Cancel",
  };
  const answer = (action: SessionSettings["EXISTING_SESSION_DETECTED_ACTION"], times = 1) => {
    const d = new Driver({ ...SETTINGS, EXISTING_SESSION_DETECTED_ACTION: action });
    d.toSecondFactor();
    const out: (string | undefined)[][] = [];
    for (let i = 0; i < times; i++) {
      out.push(clicks(d.window(`e${i}`, "Existing session detected", intent)));
    }
    return out;
  };
  assert.deepEqual(answer("primary", 2), [["Continue Login"], ["Cancel"]]);
  assert.deepEqual(answer("primaryoverride", 2), [["Continue Login"], ["Cancel"]]);
  assert.deepEqual(answer("secondary"), [["Cancel"]]);
  assert.deepEqual(answer("manual"), [[]]);
  // Logged in and primary: always keep this session.
  const d = new Driver();
  d.toReady();
  assert.deepEqual(clicks(d.window("e1", "Existing session detected", intent)), ["Continue Login"]);
  assert.deepEqual(clicks(d.window("e2", "Existing session detected", intent)), ["Continue Login"]);
  for (let i = 3; i <= 5; i++) d.window(`e${i}`, "Existing session detected", intent);
  const fx = d.window("e6", "Existing session detected", intent);
  assert.deepEqual(clicks(fx), []);
  assert.ok(alertOf(fx, "ALERT_EXISTING_SESSION_PING_PONG"));
  d.advance(301_000);
  assert.deepEqual(clicks(d.window("e7", "Existing session detected", intent)), ["Continue Login"]);
});

Deno.test("bad credentials: ALERT_LOGIN_FAILED, dismissed, halted, no blind retry", () => {
  const d = new Driver();
  d.toLogin();
  d.window("w1", "IBKR Gateway", LOGIN);
  const fx = d.window("w5", "Gateway", {
    kind: "login-failed",
    reason: "bad-credentials",
    text: "Invalid username or password",
    dismiss: "OK",
  });
  assert.equal(alertOf(fx, "ALERT_LOGIN_FAILED")?.fields.reason, "bad-credentials");
  assert.deepEqual(clicks(fx), ["OK"]);
  assert.equal(d.state.phase, "halted");
  // The login window is offered again: not submitted while halted.
  const fx2 = d.window("w1b", "IBKR Gateway", LOGIN);
  assert.ok(!has(fx2, (e) => e.do === "ui"));
  assert.equal(d.state.loginAttempts, 1);
});

Deno.test("too many attempts: waits the stated time plus margin, then relogs in in the same JVM", () => {
  const d = new Driver();
  d.toLogin();
  d.window("w1", "IBKR Gateway", LOGIN);
  const fx = d.window("w6", "Too many failed login attempts", {
    kind: "too-many-attempts",
    waitMs: 53_000,
    dismiss: "OK",
  });
  assert.equal(d.state.phase, "backoff");
  assert.deepEqual(clicks(fx), ["OK"]);
  assert.ok(has(fx, (e) => e.do === "timer" && e.name === "relogin" && e.ms === 56_000));
  const fx2 = d.send({ type: "timer", name: "relogin" });
  assert.ok(has(fx2, (e) => e.do === "rescan-login"));
  d.window("w1", "IBKR Gateway", LOGIN);
  assert.equal(d.state.loginAttempts, 2);
  assert.ok(!has(d.effects, (e) => e.do === "launch" && d.effects.indexOf(e) > 0));
});

Deno.test("password expiry: warning continues, expired halts", () => {
  const d = new Driver();
  d.toSecondFactor();
  const fx = d.window("p1", "Password Notice", {
    kind: "password-expiry",
    status: "warning",
    days: 5,
    dismiss: "OK",
  });
  const a = alertOf(fx, "ALERT_PASSWORD_EXPIRED")!;
  assert.deepEqual([a.fields.status, a.fields.days_remaining, a.level], ["warning", 5, "warning"]);
  assert.equal(d.state.phase, "login");
  const fx2 = d.window("p2", "Password Notice", {
    kind: "password-expiry",
    status: "expired",
    dismiss: "OK",
  });
  assert.equal(alertOf(fx2, "ALERT_PASSWORD_EXPIRED")!.fields.status, "expired");
  assert.equal(d.state.phase, "halted");
});

Deno.test("disclaimers and notices are clicked; unknown windows are not", () => {
  const d = new Driver();
  d.toSecondFactor();
  assert.deepEqual(
    clicks(d.window("d1", "Warning", { kind: "click", button: "I understand and accept" })),
    [
      "I understand and accept",
    ],
  );
  assert.deepEqual(clicks(d.window("d2", "Something new", { kind: "unknown" })), []);
});

Deno.test("READY is left on lost evidence: two failed probes remove the ready file", () => {
  const d = new Driver();
  d.toReady();
  assert.equal(d.state.phase, "ready");
  d.send({ type: "timer", name: "probe" });
  d.send({ type: "probe", ok: false, error: "timeout" });
  assert.equal(d.state.phase, "ready");
  const fx = d.send({ type: "probe", ok: false, error: "timeout" });
  assert.equal(d.state.phase, "post-login");
  assert.ok(has(fx, (e) => e.do === "ready-file" && !e.present));
  d.send({ type: "probe", ok: true, serverVersion: 178 });
  assert.equal(d.state.phase, "ready");
});

Deno.test("a crash while READY relaunches after a backoff; repeated crashes halt with an alert", () => {
  const d = new Driver({ ...SETTINGS, PILOT_CRASH_MAX_RESTARTS: 2 });
  d.toReady();
  const fx = d.send({ type: "jvm-exited", code: 137, signal: "SIGKILL" });
  assert.equal(d.state.phase, "backoff");
  assert.ok(has(fx, (e) => e.do === "ready-file" && !e.present));
  assert.ok(has(fx, (e) => e.do === "timer" && e.name === "relaunch" && e.ms === 5_000));
  d.send({ type: "timer", name: "relaunch" });
  assert.equal(d.state.phase, "launching");
  d.send({ type: "jvm-started", pid: 5, resumed: false });
  const fx2 = d.send({ type: "jvm-exited", code: 1 });
  assert.ok(has(fx2, (e) => e.do === "timer" && e.name === "relaunch" && e.ms === 10_000));
  d.send({ type: "timer", name: "relaunch" });
  d.send({ type: "jvm-started", pid: 6, resumed: false });
  const fx3 = d.send({ type: "jvm-exited", code: 1 });
  assert.ok(alertOf(fx3, "ALERT_JVM_RESTART_EXHAUSTED"));
  assert.equal(d.state.phase, "halted");
});

Deno.test("crash backoff: PILOT_CRASH_BACKOFF_INITIAL doubling to PILOT_CRASH_BACKOFF_MAX", () => {
  const schedule = (cfg: Parameters<typeof crashBackoffMs>[1]) =>
    [1, 2, 3, 4, 5, 6, 7, 8].map((n) => crashBackoffMs(n, cfg) / 1000);
  assert.deepEqual(
    schedule({ PILOT_CRASH_BACKOFF_INITIAL: 5, PILOT_CRASH_BACKOFF_MAX: 300 }),
    [5, 10, 20, 40, 80, 160, 300, 300],
  );
  assert.deepEqual(
    schedule({ PILOT_CRASH_BACKOFF_INITIAL: 1, PILOT_CRASH_BACKOFF_MAX: 3 }),
    [1, 2, 3, 3, 3, 3, 3, 3],
  );
});

Deno.test("exit code 0 (Gateway's daily restart) relaunches at once; a resumed JVM skips the login", () => {
  const d = new Driver();
  d.toReady();
  const fx = d.send({ type: "jvm-exited", code: 0 });
  assert.equal(d.state.phase, "launching");
  assert.ok(has(fx, (e) => e.do === "launch"));
  d.send({ type: "jvm-started", pid: 7, resumed: true });
  const fx2 = d.send({ type: "agent-ready" });
  assert.equal(d.state.phase, "post-login");
  assert.ok(has(fx2, (e) => e.do === "probe"));
  // A login window while resuming is not filled.
  assert.ok(!has(d.window("x", "IBKR Gateway", LOGIN), (e) => e.do === "ui"));
  d.send({ type: "probe", ok: true, serverVersion: 178 });
  assert.equal(d.state.phase, "ready");
  assert.equal(d.state.loginAttempts, 0);
});

Deno.test("a rejected restart token leads to a full login, not a loop", () => {
  const d = new Driver();
  d.send({ type: "start" });
  d.send({ type: "jvm-started", pid: 7, resumed: true });
  d.send({ type: "agent-ready" });
  const fx = d.window("f", "Login failed", {
    kind: "login-failed",
    reason: "token-rejected",
    text: "",
    dismiss: "OK",
  });
  assert.ok(alertOf(fx, "ALERT_AUTO_RESTART"));
  assert.equal(d.state.phase, "stopping");
  d.send({ type: "jvm-exited", code: 0 });
  assert.equal(d.state.phase, "launching");
  d.send({ type: "jvm-started", pid: 8, resumed: false });
  d.send({ type: "agent-ready" });
  assert.equal(d.state.phase, "login");
});

Deno.test("STOP while READY: clean close, the exit confirmation answered Yes, exit 0", () => {
  const d = new Driver();
  d.toReady();
  d.window("m", "IBKR Gateway", { kind: "main-window" });
  const fx = d.send({ type: "stop", reason: "SIGTERM" });
  assert.equal(d.state.phase, "stopping");
  assert.ok(has(fx, (e) => e.do === "stop-jvm" && e.loggedIn));
  assert.ok(has(fx, (e) => e.do === "ready-file" && !e.present));
  assert.deepEqual(clicks(d.window("c", "Exit", { kind: "exit-confirm", yes: "Yes" })), ["Yes"]);
  // Disclaimers are not answered while stopping.
  assert.deepEqual(
    clicks(d.window("d", "Warning", { kind: "click", button: "I understand and accept" })),
    [],
  );
  const fx2 = d.send({ type: "jvm-exited", code: 0 });
  assert.equal(d.state.phase, "stopped");
  assert.ok(has(fx2, (e) => e.do === "exit" && e.code === 0));
});

Deno.test("an exit confirmation nobody asked for is left alone", () => {
  const d = new Driver();
  d.toReady();
  assert.deepEqual(clicks(d.window("c", "Exit", { kind: "exit-confirm", yes: "Yes" })), []);
});

Deno.test("STOP before the JVM exists exits at once; RESTART relaunches through the full login", () => {
  const d = new Driver();
  d.send({ type: "start" }, { inside: true, remainingMs: 1000 });
  const fx = d.send({ type: "stop", reason: "STOP" });
  assert.ok(has(fx, (e) => e.do === "exit" && e.code === 0));
  const r = new Driver();
  r.toReady();
  r.send({ type: "restart", reason: "RESTART command" });
  assert.equal(r.state.phase, "stopping");
  r.send({ type: "jvm-exited", code: 0 });
  assert.equal(r.state.phase, "launching");
  r.send({ type: "jvm-started", pid: 9, resumed: false });
  r.send({ type: "agent-ready" });
  assert.equal(r.state.phase, "login");
});

Deno.test("halted: a manual login noticed by the slow probe becomes READY", () => {
  const d = new Driver();
  d.toSecondFactor();
  d.window("w2", "Second Factor Authentication", { kind: "second-factor", variant: "passkey" });
  d.send({ type: "timer", name: "halted-probe" });
  d.send({ type: "probe", ok: true, serverVersion: 178 });
  assert.equal(d.state.phase, "ready");
  assert.equal(d.state.haltReason, undefined);
});

Deno.test("a login window while READY means the session was lost: log in again in this JVM", () => {
  const d = new Driver();
  d.toReady();
  const fx = d.window("w10", "IBKR Gateway", LOGIN);
  assert.equal(d.state.phase, "login");
  assert.ok(has(fx, (e) => e.do === "ui" && e.step === "login"));
  assert.ok(has(fx, (e) => e.do === "ready-file" && !e.present));
});

Deno.test("deadlines: agent hello, login window, API after login", () => {
  const a = new Driver();
  a.send({ type: "start" });
  a.send({ type: "jvm-started", pid: 1, resumed: false });
  const fx = a.send({ type: "timer", name: "agent" });
  assert.equal(a.state.phase, "stopping");
  assert.ok(has(fx, (e) => e.do === "stop-jvm"));

  const l = new Driver();
  l.toLogin();
  l.send({ type: "timer", name: "login-frame" });
  assert.equal(l.state.phase, "stopping");
  l.send({ type: "jvm-exited", code: 143 });
  assert.equal(l.state.phase, "launching");

  const p = new Driver();
  p.toSecondFactor();
  p.send({ type: "window-closed", windowId: "x", title: "Starting application..." });
  assert.equal(p.state.phase, "post-login");
  p.send({ type: "timer", name: "api-deadline" });
  assert.equal(p.state.phase, "stopping");
});

Deno.test("timers that fire in the wrong phase do nothing", () => {
  const d = new Driver();
  d.toReady();
  const before = d.state;
  for (
    const name of [
      "agent",
      "login-frame",
      "twofa",
      "relogin",
      "maintenance",
      "relaunch",
      "api-deadline",
    ] as const
  ) {
    assert.deepEqual(d.send({ type: "timer", name }), [], name);
  }
  assert.equal(d.state.phase, before.phase);
});

// ---- IBKR's silent CCP timeouts (sources.md peers A4, A8) -------------------------------------

const CONNECTING: Intent = { kind: "connecting" };
const timerMs = (fx: Effect[], name: string) =>
  fx.find((e): e is Extract<Effect, { do: "timer" }> => e.do === "timer" && e.name === name)?.ms;

/** One login attempt that IBKR never answers: Gateway's modal, `timeouts` Timeout! lines, closed. */
function silentAttempt(d: Driver, n: number, timeouts = 2): Effect[] {
  d.window(`conn${n}`, "Gateway", CONNECTING);
  for (let i = 0; i < timeouts; i++) {
    d.send({ type: "gateway-log", signal: "authenticating" });
    d.send({ type: "gateway-log", signal: "ccp-timeout" });
  }
  return d.send({ type: "window-closed", windowId: `conn${n}`, title: "Gateway" });
}

Deno.test("silent CCP timeouts: backoff 60 s doubling to the 600 s cap, relogin in the same JVM", () => {
  const d = new Driver({ ...SETTINGS, PILOT_CCP_MAX_RELOGINS: 20 });
  d.toLogin();
  d.window("w1", "IBKR Gateway", LOGIN);
  const waits: number[] = [];
  for (let n = 1; n <= 6; n++) {
    const fx = silentAttempt(d, n);
    assert.equal(d.state.phase, "backoff");
    waits.push(timerMs(fx, "relogin")!);
    assert.ok(!fx.some((e) => e.do === "launch" || e.do === "stop-jvm"), "no new JVM");
    // The relogin reads the same login window again; it is offered and submitted.
    const again = d.send({ type: "timer", name: "relogin" });
    assert.ok(again.some((e) => e.do === "rescan-login" && e.windowId === "w1"));
    d.window("w1", "IBKR Gateway", LOGIN);
    assert.equal(d.state.phase, "login");
  }
  assert.deepEqual(waits, [60_000, 120_000, 240_000, 480_000, 600_000, 600_000]);
  const alerts = d.effects.filter((e) => e.do === "alert" && e.token === "ALERT_CCP_PERSISTENT");
  assert.equal(alerts.length, 4, "ALERT_CCP_PERSISTENT from the third lockout in a row on");
});

Deno.test("an answered attempt is not a lockout, and IBKR answering resets the backoff", () => {
  const d = new Driver();
  d.toLogin();
  d.window("w1", "IBKR Gateway", LOGIN);
  silentAttempt(d, 1);
  d.send({ type: "timer", name: "relogin" });
  d.window("w1", "IBKR Gateway", LOGIN);
  // A Timeout! followed by Gateway's own retry that IBKR answers: no lockout.
  d.window("c2", "Gateway", CONNECTING);
  d.send({ type: "gateway-log", signal: "ccp-timeout" });
  d.send({ type: "gateway-log", signal: "authenticating" });
  d.send({ type: "gateway-log", signal: "ns-auth-start" });
  d.send({ type: "window-closed", windowId: "c2", title: "Gateway" });
  assert.equal(d.state.phase, "login");
  assert.equal(d.state.ccp.streak, 0, "IBKR answered: the streak is over");
  // Bad credentials also log Timeout! but after NS_AUTH_START: not counted.
  const before = d.state.ccp.attemptTimeouts;
  d.send({ type: "gateway-log", signal: "ccp-timeout" });
  assert.equal(d.state.ccp.attemptTimeouts, before);
});

Deno.test("a persistent lockout halts with ALERT_CCP_PERSISTENT_HALT and keeps the JVM", () => {
  const d = new Driver({ ...SETTINGS, PILOT_CCP_MAX_RELOGINS: 3 });
  d.toLogin();
  d.window("w1", "IBKR Gateway", LOGIN);
  for (let n = 1; n <= 3; n++) {
    silentAttempt(d, n);
    if (n < 3) {
      d.send({ type: "timer", name: "relogin" });
      d.window("w1", "IBKR Gateway", LOGIN);
    }
  }
  assert.equal(d.state.phase, "halted");
  assert.ok(d.effects.some((e) => e.do === "alert" && e.token === "ALERT_CCP_PERSISTENT_HALT"));
  assert.ok(!d.effects.some((e) => e.do === "stop-jvm" || e.do === "exit"));
});

Deno.test("with PILOT_CCP_COOLDOWN a persistent lockout stops the JVM first, then cools down x1.5", () => {
  const d = new Driver({ ...SETTINGS, PILOT_CCP_MAX_RELOGINS: 1, PILOT_CCP_COOLDOWN: 1200 });
  const cooldowns: number[] = [];
  for (let round = 1; round <= 3; round++) {
    if (round === 1) d.toLogin();
    else {
      d.send({ type: "jvm-started", pid: 4242 + round, resumed: false });
      d.send({ type: "agent-ready" });
    }
    d.window(`w${round}`, "IBKR Gateway", LOGIN);
    const fx = silentAttempt(d, round);
    assert.ok(fx.some((e) => e.do === "stop-jvm"), "the JVM goes before the cool-down");
    assert.equal(d.state.phase, "stopping");
    const exited = d.send({ type: "jvm-exited", code: 0 });
    assert.equal(d.state.phase, "backoff");
    cooldowns.push(timerMs(exited, "relaunch")!);
    assert.ok(d.send({ type: "timer", name: "relaunch" }).some((e) => e.do === "launch"));
  }
  assert.deepEqual(cooldowns, [1_200_000, 1_800_000, 2_700_000]);
  // The fourth exceeds PILOT_CRASH_MAX_RESTARTS (3): halt.
  d.send({ type: "jvm-started", pid: 5000, resumed: false });
  d.send({ type: "agent-ready" });
  d.window("w4", "IBKR Gateway", LOGIN);
  silentAttempt(d, 4);
  assert.equal(d.state.phase, "halted");
  assert.ok(d.effects.some((e) => e.do === "alert" && e.token === "ALERT_JVM_RESTART_EXHAUSTED"));
});

Deno.test("a login window stuck on 'connecting to server' counts as a lockout; no re-click while connecting", () => {
  const d = new Driver();
  d.toLogin();
  d.window("w1", "IBKR Gateway", LOGIN);
  d.window("c1", "Gateway", CONNECTING);
  const fx = d.send({ type: "timer", name: "login-progress" });
  assert.ok(fx.some((e) => e.do === "read-login-status" && e.windowId === "w1"));
  d.send({
    type: "login-status",
    texts: ["Attempt 3: connecting to server (trying for another 45 seconds)"],
  });
  assert.equal(d.state.phase, "backoff");
  // The modal is still up: the relogin waits instead of clicking Log In again.
  const waiting = d.send({ type: "timer", name: "relogin" });
  assert.ok(!waiting.some((e) => e.do === "ui"));
  assert.ok(timerMs(waiting, "relogin"));
  d.send({ type: "window-closed", windowId: "c1", title: "Gateway" });
  const again = d.send({ type: "timer", name: "relogin" });
  assert.ok(again.some((e) => e.do === "rescan-login"));
});

Deno.test("no progress and no stuck label: the API is checked, as before", () => {
  const d = new Driver();
  d.toLogin();
  d.window("w1", "IBKR Gateway", LOGIN);
  d.send({ type: "timer", name: "login-progress" });
  const fx = d.send({ type: "login-status", texts: ["Username", "Password"] });
  assert.equal(d.state.phase, "post-login");
  assert.ok(fx.some((e) => e.do === "probe"));
});

// ---- the maintenance window applies to every launch and re-login ----------------------------

Deno.test("a relaunch inside the maintenance window waits for its end", () => {
  const d = new Driver();
  d.toReady();
  const fx = d.send({ type: "jvm-exited", code: 0 }, { inside: true, remainingMs: 600_000 });
  assert.equal(d.state.phase, "maintenance");
  assert.ok(!fx.some((e) => e.do === "launch"));
  assert.equal(timerMs(fx, "maintenance"), 600_000);
  assert.ok(fx.some((e) => e.do === "alert" && e.token === "ALERT_IBKR_MAINTENANCE_RECOVERY"));
  assert.ok(d.send({ type: "timer", name: "maintenance" }).some((e) => e.do === "launch"));
});

Deno.test("a CCP re-login inside the maintenance window waits; with the window off it does not", () => {
  const d = new Driver();
  d.toLogin();
  d.window("w1", "IBKR Gateway", LOGIN);
  silentAttempt(d, 1);
  const fx = d.send({ type: "timer", name: "relogin" }, { inside: true, remainingMs: 90_000 });
  assert.equal(d.state.phase, "backoff");
  assert.equal(timerMs(fx, "relogin"), 90_000);
  const off = new Driver({ ...SETTINGS, honourMaintenance: false });
  off.toLogin();
  off.window("w1", "IBKR Gateway", LOGIN);
  silentAttempt(off, 1);
  const go = off.send({ type: "timer", name: "relogin" }, { inside: true, remainingMs: 90_000 });
  assert.ok(go.some((e) => e.do === "rescan-login"));
});

// ---- a frozen Gateway -------------------------------------------------------------------------

Deno.test("frozen: API silent and UI timing out leaves READY and restarts through the close path", () => {
  const d = new Driver();
  d.toReady();
  d.send({ type: "probe", ok: false, error: "timeout" });
  const fx = d.send({ type: "probe", ok: false, error: "timeout" });
  assert.equal(d.state.phase, "post-login");
  assert.ok(fx.some((e) => e.do === "ready-file" && !e.present), "never a stale green");
  assert.ok(fx.some((e) => e.do === "check-ui"));
  const frozen = d.send({ type: "ui-check", responsive: false, error: "timeout" });
  assert.ok(frozen.some((e) => e.do === "alert" && e.token === "ALERT_GATEWAY_UNRESPONSIVE"));
  assert.ok(frozen.some((e) => e.do === "stop-jvm" && e.loggedIn), "clean path first");
  d.send({ type: "jvm-exited", code: null, signal: "SIGKILL" });
  assert.equal(d.state.phase, "launching");
});

Deno.test("API blip with a responsive UI: no restart, the API deadline decides", () => {
  const d = new Driver();
  d.toReady();
  d.send({ type: "probe", ok: false });
  d.send({ type: "probe", ok: false });
  const fx = d.send({ type: "ui-check", responsive: true });
  assert.ok(!fx.some((e) => e.do === "stop-jvm"));
  assert.ok(d.send({ type: "probe", ok: true, serverVersion: 178 }));
  assert.equal(d.state.phase, "ready");
});

Deno.test("a login step that times out is retried on the same window, then the JVM is given up", () => {
  const d = new Driver();
  d.toLogin();
  for (let i = 1; i <= 5; i++) {
    d.window("w1", "IBKR Gateway", LOGIN);
    const fx = d.send({
      type: "ui-done",
      step: "login",
      windowId: "w1",
      ok: false,
      error: "timeout",
    });
    if (i < 5) {
      assert.equal(d.state.phase, "backoff");
      assert.ok(timerMs(fx, "relogin"));
      d.send({ type: "timer", name: "relogin" });
    } else {
      assert.ok(fx.some((e) => e.do === "stop-jvm"), "after 5 failed steps the JVM is replaced");
    }
  }
});

Deno.test("another session taking over while READY triggers an immediate probe", () => {
  const d = new Driver();
  d.toReady();
  const fx = d.send({ type: "gateway-log", signal: "session-kicked" });
  assert.ok(fx.some((e) => e.do === "probe"));
});

// ---- RESTART and PAUSE through Gateway's Lock and Exit -----------------------------------------

Deno.test("RESTART scheduled through Lock and Exit: exit 0 resumes; PAUSE: exit 0 stops ibg-pilot", () => {
  const d = new Driver();
  d.toReady();
  d.send({ type: "restart-scheduled", pause: false, ok: true, at: "11:46 PM" });
  assert.equal(d.state.phase, "ready", "READY until Gateway goes down by itself");
  assert.ok(d.send({ type: "jvm-exited", code: 0 }).some((e) => e.do === "launch"));
  assert.equal(d.state.restartPending, undefined);

  const p = new Driver();
  p.toReady();
  p.send({ type: "restart-scheduled", pause: true, ok: true, at: "11:46 PM" });
  const fx = p.send({ type: "jvm-exited", code: 0 });
  assert.ok(fx.some((e) => e.do === "exit" && e.code === 0));
  assert.ok(!fx.some((e) => e.do === "launch"));
  assert.ok(fx.some((e) => e.do === "alert" && e.fields.status === "paused"));
});

Deno.test("RESTART that cannot use Lock and Exit is a full restart; one Gateway ignores it: deadline", () => {
  const d = new Driver();
  d.toReady();
  const fx = d.send({ type: "restart-scheduled", pause: false, ok: false, error: "no dialog" });
  assert.ok(fx.some((e) => e.do === "stop-jvm"));
  const late = new Driver();
  late.toReady();
  late.send({ type: "restart-scheduled", pause: false, ok: true, at: "11:46 PM" });
  const t = late.send({ type: "timer", name: "restart-deadline" });
  assert.ok(t.some((e) => e.do === "stop-jvm"), "Gateway did not go down: we restart it");
});

// ---- stopping without a session; giving way to another session ---------------------------------

Deno.test("a stop before any login skips Gateway's close path; after login it logs out", () => {
  const d = new Driver();
  d.toSecondFactor();
  const early = d.send({ type: "stop", reason: "SIGTERM" });
  assert.ok(early.some((e) => e.do === "stop-jvm" && !e.loggedIn), "nothing to log out of");
  const r = new Driver();
  r.toReady();
  const late = r.send({ type: "stop", reason: "SIGTERM" });
  assert.ok(late.some((e) => e.do === "stop-jvm" && e.loggedIn), "logged in: close path first");
});

Deno.test("secondary gives way while READY: Gateway's exit 0 halts instead of taking the session back", () => {
  const d = new Driver({ ...SETTINGS, EXISTING_SESSION_DETECTED_ACTION: "secondary" });
  d.toReady();
  d.window("x1", "Existing session detected", {
    kind: "existing-session",
    continueButton: "Reconnect This Session",
    giveWayButton: "Exit Application",
  });
  assert.ok(
    d.effects.some((e) =>
      e.do === "ui" && e.ops.some((o) => o.op === "click" && o.target.text === "Exit Application")
    ),
  );
  const fx = d.send({ type: "jvm-exited", code: 0 });
  assert.equal(d.state.phase, "halted");
  assert.ok(!fx.some((e) => e.do === "launch"), "no relaunch: that would take the session back");
});

Deno.test("a code refused in place gets one fresh code; refused again: ALERT_2FA_FAILED, HALTED", () => {
  const d = new Driver();
  d.toSecondFactor();
  d.window("w2", "Second Factor Authentication", CODE);
  const typed = d.send({
    type: "ui-done",
    step: "twofa-code",
    windowId: "w2",
    ok: true,
    counter: 7,
  });
  assert.ok(typed.some((e) => e.do === "await-change" && e.step === "twofa-code-verdict"));
  const again = d.window("w2", "Second Factor Authentication", {
    ...CODE,
    error: "Invalid security code. Please try again.",
  } as Intent);
  const totp = again.find((e) => e.do === "totp");
  assert.ok(totp && totp.do === "totp" && totp.avoidCounter === 7, "a fresh code, not the same");
  d.send({ type: "ui-done", step: "twofa-code", windowId: "w2", ok: true, counter: 8 });
  const verdict = d.send({
    type: "ui-done",
    step: "twofa-code-verdict",
    windowId: "w2",
    ok: false,
    error: "no change",
  });
  assert.ok(verdict.some((e) => e.do === "alert" && e.token === "ALERT_2FA_FAILED"));
  assert.equal(d.state.phase, "halted");
});

Deno.test("the exit code describes how the run ended: a recovered failure, then SIGTERM, exits 0", () => {
  const d = new Driver();
  d.toReady();
  // A crash while READY, then a relaunched JVM whose agent never says hello: given up, relaunched.
  d.send({ type: "jvm-exited", code: 137, signal: "SIGKILL" });
  assert.equal(d.state.phase, "backoff");
  d.send({ type: "timer", name: "relaunch" });
  d.send({ type: "jvm-started", pid: 4243, resumed: false });
  d.send({ type: "timer", name: "agent" });
  assert.equal(d.state.phase, "stopping");
  d.send({ type: "jvm-exited", code: 143 });
  assert.equal(d.state.phase, "launching");
  d.send({ type: "jvm-start-failed", error: "spawn failed" });
  assert.equal(d.state.phase, "backoff");
  d.send({ type: "timer", name: "relaunch" });
  d.toReady();
  assert.equal(d.state.phase, "ready");
  d.window("m", "IBKR Gateway", { kind: "main-window" });
  d.send({ type: "stop", reason: "SIGTERM" });
  d.window("c", "Exit", { kind: "exit-confirm", yes: "Yes" });
  const fx = d.send({ type: "jvm-exited", code: 0 });
  assert.equal(d.state.phase, "stopped");
  assert.deepEqual(fx.filter((e) => e.do === "exit"), [{ do: "exit", code: 0 }]);
});

// ---- Trader Workstation: its main window means logged in; READ_ONLY_LOGIN

const TWS_MAIN: Intent = { kind: "main-window", loggedIn: true };

Deno.test("TWS: the main window (File > Lock Application) is the logged-in signal; READY still needs the API", () => {
  const d = new Driver({ ...SETTINGS, hasConfigPlan: true });
  d.toSecondFactor();
  d.window("w2", "Second Factor Authentication", CODE);
  d.send({ type: "ui-done", step: "twofa-code", windowId: "w2", ok: true, counter: 100 });
  const fx = d.window("m", "IBKR Trader Workstation", TWS_MAIN);
  assert.equal(d.state.phase, "configuring");
  assert.equal(d.state.loggedIn, true);
  assert.equal(d.state.mainWindowId, "m");
  assert.ok(has(fx, (e) => e.do === "configure"));
  d.send({ type: "configured", ok: true, mismatches: [] });
  assert.equal(d.state.phase, "post-login", "not READY before the handshake");
  d.send({ type: "probe", ok: true, serverVersion: 178 });
  assert.equal(d.state.phase, "ready");

  // Gateway's main window exists before login: it proves nothing.
  const g = new Driver();
  g.toSecondFactor();
  g.window("m", "Loading...", { kind: "main-window" });
  assert.equal(g.state.phase, "login");
  assert.equal(g.state.loggedIn, false);
});

Deno.test("TWS: READ_ONLY_LOGIN clicks Enter Read Only instead of typing a code", () => {
  const intent: Intent = { ...CODE, readOnlyButton: "Enter Read Only" } as Intent;
  const ro = new Driver({ ...SETTINGS, READ_ONLY_LOGIN: true });
  ro.toSecondFactor();
  const fx = ro.window("w2", "Second Factor Authentication", intent);
  assert.deepEqual(clicks(fx), ["Enter Read Only"]);
  assert.ok(!has(fx, (e) => e.do === "totp"), "no code typed");
  ro.send({ type: "window-closed", windowId: "w2", title: "Second Factor Authentication" });
  assert.equal(ro.state.phase, "post-login");

  const normal = new Driver();
  normal.toSecondFactor();
  const fx2 = normal.window("w2", "Second Factor Authentication", intent);
  assert.deepEqual(clicks(fx2), []);
  assert.ok(has(fx2, (e) => e.do === "totp"), "without the setting the code is typed");
});

Deno.test("RESTART and PAUSE: Lock and Exit while READY, a full restart otherwise, refused while one is pending", () => {
  const d = new Driver();
  d.toLogin();
  assert.deepEqual(restartPlan(d.state, false), { via: "full" });
  assert.deepEqual(restartPlan(d.state, true), {
    refused: "PAUSE needs Gateway logged in (READY): use STOP",
  });
  const r = new Driver();
  r.toReady();
  assert.deepEqual(restartPlan(r.state, false), { via: "lock-and-exit" });
  assert.deepEqual(restartPlan(r.state, true), { via: "lock-and-exit" });
  r.send({ type: "restart-scheduled", pause: false, at: "12:01 PM", ok: true });
  assert.deepEqual(restartPlan(r.state, false), { refused: "RESTART already in progress" });
  assert.deepEqual(restartPlan(r.state, true), { refused: "PAUSE already in progress" });
});

Deno.test("ALERT_CLEAN_LOGOUT says how the stop ended; a detach is no logout", () => {
  const cases: [boolean, "clean" | "signalled" | "not-running" | "detached", string?, string?][] = [
    [true, "clean", "succeeded", "info"],
    [true, "signalled", "failed_timeout", "warning"],
    [true, "not-running", "safe_no_session", "info"],
    [false, "signalled", "safe_no_session", "info"],
    [true, "detached"],
  ];
  for (const [loggedIn, result, status, level] of cases) {
    const d = new Driver();
    const fx = d.send({ type: "jvm-stop-done", pid: 4242, loggedIn, reason: "SIGTERM", result });
    const alerts = fx.filter((e) => e.do === "alert");
    assert.deepEqual(
      alerts,
      status
        ? [{
          do: "alert",
          token: "ALERT_CLEAN_LOGOUT",
          fields: { mode: "paper", pid: 4242, status, reason: "SIGTERM" },
          level,
        }]
        : [],
      `${loggedIn} ${result}`,
    );
  }
});

const PUSH_FIRST: Intent = {
  kind: "second-factor",
  variant: "push",
  prompt: "Check your IBKR Mobile app",
  changeDevice: "Change security device",
};

Deno.test("2FA push screen first (10.47+): with a secret the link is clicked, then the list is re-read", () => {
  const d = new Driver();
  d.toSecondFactor();
  const fx = d.window("w2", "Second Factor Authentication", PUSH_FIRST);
  const ui = fx.find((e) => e.do === "ui") as Extract<Effect, { do: "ui" }>;
  assert.equal(ui.step, "twofa-change-device");
  assert.deepEqual(ui.ops, [{ op: "click", target: { text: "Change security device" } }]);
  assert.ok(!fx.some((e) => e.do === "timer" && e.name === "twofa"), "no push wait");
  const after = d.send({ type: "ui-done", step: "twofa-change-device", windowId: "w2", ok: true });
  assert.deepEqual(after.find((e) => e.do === "await-change"), {
    do: "await-change",
    step: "twofa-change-device-switch",
    windowId: "w2",
    deadlineMs: 15_000,
  });
  // No list in time: an operator-only failure, said as such.
  const late = d.send({
    type: "ui-done",
    step: "twofa-change-device-switch",
    windowId: "w2",
    ok: false,
  });
  assert.match(String(alertOf(late, "ALERT_2FA_FAILED")?.fields.reason), /device list/);
});

Deno.test("2FA push screen first without a secret, or with TWOFA_DEVICE=IB Key: the push is awaited", () => {
  for (
    const cfg of [{ ...SETTINGS, TWOFACTOR_CODE: undefined }, {
      ...SETTINGS,
      TWOFA_DEVICE: "IB Key",
    }]
  ) {
    const d = new Driver(cfg);
    d.toSecondFactor();
    const fx = d.window("w2", "Second Factor Authentication", PUSH_FIRST);
    assert.ok(!fx.some((e) => e.do === "ui"), "the link is left alone");
    assert.ok(fx.some((e) => e.do === "timer" && e.name === "twofa"));
  }
});

Deno.test("Re-login is required right after a device switch: answered once per JVM, then HALTED", () => {
  const d = new Driver();
  d.toSecondFactor();
  const list: Intent = {
    kind: "second-factor",
    variant: "device",
    devices: [" IB Key", " Mobile Authenticator app"],
  };
  const relogin: Intent = { kind: "relogin", button: "Re-login" };
  d.window("w2", "Second Factor Authentication", list);
  d.send({ type: "window-closed", windowId: "w2", title: "Second Factor Authentication" });
  const first = d.window("w3", "Re-login is required", relogin);
  assert.ok(first.some((e) => e.do === "ui" && e.step === "relogin"), "Re-login clicked");
  assert.equal(d.state.phase, "login");
  assert.equal(d.state.switchRelogins, 1);
  // The dialog comes back on the push screen: the device is chosen again at once.
  const again = d.window("w4", "Second Factor Authentication", PUSH_FIRST);
  assert.ok(again.some((e) => e.do === "ui" && e.step === "twofa-change-device"));
  d.window("w4", "Second Factor Authentication", list);
  d.send({ type: "window-closed", windowId: "w4", title: "Second Factor Authentication" });
  const second = d.window("w5", "Re-login is required", relogin);
  assert.ok(!second.some((e) => e.do === "ui"), "not clicked a second time");
  assert.match(String(alertOf(second, "ALERT_2FA_FAILED")?.fields.reason), /re-login again/);
  assert.equal(d.state.phase, "halted");
  // A new JVM starts counting again.
  const fresh = new Driver();
  fresh.toReady();
  const kicked = fresh.window("w9", "Re-login is required", relogin);
  assert.ok(kicked.some((e) => e.do === "ui" && e.step === "relogin"), "a kick while READY");
  assert.equal(fresh.state.switchRelogins, 0, "not a device-switch re-login");
});
