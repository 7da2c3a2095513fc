/**
 * End to end, one test per scenario: the real ibg-pilot under its permission set, the real agent
 * in a real JVM under Xvfb, the simulated Gateway. Assertions are on the simulator's event log.
 * Logins by mode, build and second factor here; dialogs and settings in login_dialogs_test.ts.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { find, SECRETS, withScenario } from "./harness.ts";

const READY = /-> "?ready"?/;
const click = (button: string) => (e: { event: string; button?: unknown }) =>
  e.event === "click" && e.button === button;

Deno.test("paper + TOTP: READY on the API handshake, clean logout on SIGTERM", async () => {
  await withScenario({}, async (run) => {
    await run.line(READY);
    await run.readyFileWritten();
    const ev = await run.events();
    assert.ok(
      find(ev, "toggle", { toggle: "Paper Trading", selected: true }),
      "paper toggle selected",
    );
    assert.equal(find(ev, "field-set", { field: "username" })?.value, SECRETS.user);
    assert.equal(find(ev, "field-set", { field: "password" })?.correct, true);
    assert.ok(find(ev, "click", { button: "Paper Log In" }));
    assert.equal(find(ev, "field-set", { field: "2fa-code" })?.correct, true);
    assert.equal(find(ev, "twofa-result")?.ok, true);
    assert.ok(find(ev, "click", { button: "I understand and accept" }), "paper warning accepted");
    // The Connecting modal's OK cancels the login: it is never clicked.
    assert.ok(
      !ev.some((e) => e.event === "click" && e.window === "Gateway"),
      "Gateway modal untouched",
    );
    // READY came only after the API answered a handshake.
    const ready = ev.find((e) => e.event === "api-client");
    assert.ok(ready, "the probe performed a real handshake");
    run.pilot.signal("SIGTERM");
    await run.event((e) => e.event === "session-released", "session released on SIGTERM");
    const status = await run.pilot.status;
    assert.equal(status.code, 0);
    assert.ok(!existsSync(run.readyFile), "ready file removed");
    assert.match(run.pilot.output(), /ALERT_CLEAN_LOGOUT mode=paper pid=\d+ status=succeeded/);
  });
});

Deno.test("live: the live toggle and Log In", async () => {
  await withScenario({ mode: "live", scenario: { initialTradingMode: "paper" } }, async (run) => {
    await run.line(READY);
    const ev = await run.events();
    assert.ok(find(ev, "toggle", { toggle: "Live Trading", selected: true }));
    assert.ok(find(ev, "click", { button: "Log In" }));
    assert.ok(!find(ev, "click", { button: "Paper Log In" }));
  });
});

Deno.test("hyphenated build: Paper-Trading and Paper-Login", async () => {
  await withScenario({ scenario: { build: "hyphenated" } }, async (run) => {
    await run.line(READY);
    const ev = await run.events();
    assert.ok(find(ev, "toggle", { toggle: "Paper-Trading", selected: true }));
    assert.ok(find(ev, "click", { button: "Paper-Login" }));
    assert.ok(!find(ev, "click", { button: "Log-In" }), "never the live button in paper mode");
  });
});

Deno.test("device selection picks the authenticator app, then the code", async () => {
  await withScenario({ scenario: { twofa: { kind: "device-select" } } }, async (run) => {
    await run.line(READY);
    const ev = await run.events();
    assert.equal(String(find(ev, "list-select")?.item).trim(), "Mobile Authenticator app");
    assert.equal(find(ev, "field-set", { field: "2fa-code" })?.correct, true);
  });
});

Deno.test("IB Key push approved: no code typed, READY", async () => {
  await withScenario(
    { env: { TWOFACTOR_CODE: "" }, scenario: { twofa: { kind: "ibkey", approveAfterMs: 500 } } },
    async (run) => {
      await run.line(/waiting for the IB Key push/);
      await run.line(READY);
      const ev = await run.events();
      assert.ok(!find(ev, "field-set", { field: "2fa-code" }));
    },
  );
});

/** TWOFA_TIMEOUT of the never-approved push scenarios: nothing is approved, so short. */
const PUSH_TIMEOUT_S = 2;

Deno.test("IB Key push never approved, TWOFA_TIMEOUT_ACTION=exit: exit code 87", async () => {
  await withScenario(
    {
      env: {
        TWOFACTOR_CODE: "",
        TWOFA_TIMEOUT: String(PUSH_TIMEOUT_S),
        TWOFA_TIMEOUT_ACTION: "exit",
      },
      scenario: { twofa: { kind: "ibkey", approveAfterMs: null } },
    },
    async (run) => {
      const status = await run.pilot.status;
      assert.equal(status.code, 87);
      assert.match(run.pilot.output(), /ALERT_2FA_FAILED/);
    },
  );
});

Deno.test("IB Key push never approved, TWOFA_TIMEOUT_ACTION=none: HALTED, process stays up", async () => {
  await withScenario(
    {
      env: {
        TWOFACTOR_CODE: "",
        TWOFA_TIMEOUT: String(PUSH_TIMEOUT_S),
        TWOFA_TIMEOUT_ACTION: "none",
      },
      scenario: { twofa: { kind: "ibkey", approveAfterMs: null } },
    },
    async (run) => {
      await run.line(/ALERT_HALTED/);
    },
  );
});

Deno.test("existing session, primary: Continue Login; secondary: Cancel", async () => {
  await withScenario({ scenario: { faults: { existingSession: true } } }, async (run) => {
    await run.line(READY);
    assert.ok(find(await run.events(), "click", { button: "Continue Login" }));
  });
  await withScenario(
    {
      env: { EXISTING_SESSION_DETECTED_ACTION: "secondary" },
      scenario: { faults: { existingSession: true } },
    },
    async (run) => {
      await run.event(click("Cancel"), "Cancel clicked on Existing session detected");
      assert.ok(!find(await run.events(), "click", { button: "Continue Login" }));
    },
  );
});

Deno.test("IB Key push never approved, TWOFA_TIMEOUT_ACTION=restart: a new JVM and a new login", async () => {
  await withScenario(
    {
      env: {
        TWOFACTOR_CODE: "",
        TWOFA_TIMEOUT: String(PUSH_TIMEOUT_S),
        TWOFA_TIMEOUT_ACTION: "restart",
      },
      scenario: { twofa: { kind: "ibkey", approveAfterMs: null } },
    },
    async (run) => {
      const first = await run.event((e) => e.event === "sim-start", "first JVM");
      await run.line(/relaunch: 2FA dialog timeout; TWOFA_TIMEOUT_ACTION=restart/);
      await run.event((e) => e.event === "sim-start" && e.pid !== first.pid, "a second JVM");
      await run.event(
        (e) => e.event === "login-attempt" && e.ts > first.ts + PUSH_TIMEOUT_S * 1000,
        "a new login in the new JVM",
      );
    },
  );
});

Deno.test("a 2FA prompt for another method: no code is typed, ALERT_2FA_FAILED, HALTED", async () => {
  await withScenario({ scenario: { twofa: { codeDevice: "IB Key" } } }, async (run) => {
    await run.line(/ALERT_2FA_FAILED mode=paper reason="2FA method mismatch/);
    await run.line(/ALERT_HALTED/);
    assert.ok(!find(await run.events(), "field-set", { field: "2fa-code" }), "no code typed");
  });
});
