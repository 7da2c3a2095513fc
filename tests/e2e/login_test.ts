/**
 * End to end, one test per scenario: the real ibg-pilot under its permission set, the real agent
 * in a real JVM under Xvfb, the simulated Gateway. Assertions are on the simulator's event log.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { baseEnv, runCli } from "../support/cli.ts";
import { find, freePort, SECRETS, withScenario } from "./harness.ts";

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

Deno.test("bad password: ALERT_LOGIN_FAILED, HALTED, no blind retry", async () => {
  await withScenario({ scenario: { faults: { badCredentials: 5 } } }, async (run) => {
    await run.line(/ALERT_LOGIN_FAILED mode=paper reason=bad-credentials/);
    await run.line(/ALERT_HALTED/);
    const attempts = (await run.events()).filter((e) => e.event === "login-attempt");
    assert.equal(attempts.length, 1, "exactly one attempt with that password");
  });
});

Deno.test("disclaimers and notices are answered; BYPASS_WARNING adds a label", async () => {
  await withScenario(
    {
      scenario: {
        faults: {
          disclaimers: ["paper-warning", "login-messages", "tip-of-the-day", "newer-version"],
        },
      },
    },
    async (run) => {
      await run.line(READY);
      const ev = await run.events();
      assert.ok(find(ev, "click", { button: "I understand and accept" }));
      assert.ok(find(ev, "click", { button: "Resume login" }));
      assert.ok(ev.some((e) => e.event === "click" && /tip of the day/i.test(String(e.window))));
    },
  );
});

Deno.test("password expiry: a warning alerts and continues; expired halts", async () => {
  await withScenario({ scenario: { faults: { passwordExpiry: { daysLeft: 5 } } } }, async (run) => {
    await run.line(/ALERT_PASSWORD_EXPIRED mode=paper status=warning days_remaining=5/);
    await run.line(READY);
  });
  await withScenario(
    { scenario: { faults: { passwordExpiry: { expired: true } } } },
    async (run) => {
      await run.line(/ALERT_PASSWORD_EXPIRED mode=paper status=expired/);
      await run.line(/ALERT_HALTED/);
    },
  );
});

Deno.test("post-login settings, an AM restart time included, are applied and read back", async () => {
  await withScenario(
    {
      env: {
        TWS_MASTER_CLIENT_ID: "7",
        READ_ONLY_API: "no",
        AUTO_RESTART_TIME: "06:05 AM",
        BYPASS_BOND_WARNING: "yes",
      },
    },
    async (run) => {
      await run.line(READY);
      const ev = await run.events();
      const changed = ev.filter((e) => e.event === "setting-changed");
      const value = (key: string) => changed.filter((e) => e.key === key).at(-1)?.value;
      assert.equal(String(value("masterClientId")), "7");
      assert.equal(String(value("readOnlyApi")), "false");
      assert.equal(String(value("precaution.2")), "true", "Bypass Bond warning ticked");
      // The AM time: the time, the AM radio and the restart action are all stored.
      assert.equal(String(value("autoTime")), "06:05");
      assert.equal(String(value("autoAmPm")), "AM");
      assert.equal(String(value("autoAction")), "restart");
      assert.doesNotMatch(run.pilot.output(), /ALERT_CONFIG_NOT_APPLIED/);
      // Read back: the dialog was opened twice.
      assert.ok(ev.filter((e) => e.event === "menu").length >= 2);
    },
  );
});

Deno.test("a slow API port: READY never comes before the API answers", async () => {
  await withScenario({ scenario: { faults: { slowApiPortMs: 3000 } } }, async (run) => {
    await run.line(READY);
    await run.readyFileWritten();
    const listening = find(await run.events(), "api-listening");
    assert.ok(listening, "the API port opened");
    const readyAt = Deno.statSync(run.readyFile).mtime!.getTime();
    assert.ok(
      readyAt >= Math.floor(Number(listening.ts)) - 5,
      "ready file written after the port opened",
    );
  });
});

Deno.test("too many attempts: waits the stated time, then logs in again in the same JVM", async () => {
  await withScenario(
    {
      scenario: {
        faults: { badCredentials: 1, tooManyAttempts: { afterFailures: 1, waitSeconds: 2 } },
      },
    },
    async (run) => {
      await run.line(/too many failed login attempts: waiting 5 s/);
      await run.line(READY);
      const ev = await run.events();
      const attempts = ev.filter((e) => e.event === "login-attempt");
      assert.equal(attempts.length, 2, "one retry after the wait");
      assert.ok(
        attempts[1].ts - attempts[0].ts >= 5_000,
        "the stated wait plus margin was honoured",
      );
      assert.equal(ev.filter((e) => e.event === "sim-start").length, 1, "no new JVM");
    },
  );
});

Deno.test("existing session, primaryoverride continues the first time; manual leaves it", async () => {
  await withScenario(
    {
      env: { EXISTING_SESSION_DETECTED_ACTION: "primaryoverride" },
      scenario: { faults: { existingSession: true } },
    },
    async (run) => {
      await run.line(READY);
      assert.ok(find(await run.events(), "click", { button: "Continue Login" }));
    },
  );
  await withScenario(
    {
      env: { EXISTING_SESSION_DETECTED_ACTION: "manual" },
      scenario: { faults: { existingSession: true } },
    },
    async (run) => {
      await run.line(/existing session detected: left for the operator \(manual\)/);
      const ev = await run.events();
      assert.ok(!ev.some((e) => e.event === "click" && /existing session/i.test(String(e.window))));
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

Deno.test("inspect prints the live windows of a running session, passwords masked", async () => {
  await withScenario({}, async (run) => {
    await run.line(READY);
    const env = baseEnv({ PILOT_RUNTIME_DIR: join(run.dir, "rt"), TRADING_MODE: "paper" });
    const sock = join(run.dir, "rt", "agent-paper.sock");
    const r = await runCli(["inspect", "--json"], env, undefined, { extraUnixSockets: [sock] });
    assert.equal(r.code, 0, r.stderr);
    const windows = JSON.parse(r.stdout) as { window: { title: string }; tree: unknown }[];
    assert.ok(windows.some((w) => w.window.title === "IBKR Gateway"), r.stdout.slice(0, 500));
    assert.match(JSON.stringify(windows), /API Server: connected/);
    const text = await runCli(["inspect"], env, undefined, { extraUnixSockets: [sock] });
    assert.match(text.stdout, /== frame "IBKR Gateway"/);
    assert.ok(!text.stdout.includes(SECRETS.password));
  });
});

Deno.test("a 2FA prompt for another method: no code is typed, ALERT_2FA_FAILED, HALTED", async () => {
  await withScenario({ scenario: { twofa: { codeDevice: "IB Key" } } }, async (run) => {
    await run.line(/ALERT_2FA_FAILED mode=paper reason="2FA method mismatch/);
    await run.line(/ALERT_HALTED/);
    assert.ok(!find(await run.events(), "field-set", { field: "2fa-code" }), "no code typed");
  });
});

Deno.test("BYPASS_WARNING=yes (the gnzsnz meaning) ticks all nine precautions", async () => {
  await withScenario({ env: { BYPASS_WARNING: "yes" } }, async (run) => {
    await run.line(READY);
    const changed = (await run.events()).filter((e) => e.event === "setting-changed");
    for (let i = 1; i <= 9; i++) {
      assert.equal(
        String(changed.filter((e) => e.key === `precaution.${i}`).at(-1)?.value),
        "true",
        `precaution ${i}`,
      );
    }
  });
});

Deno.test("STOP through the IBC-compatible command server logs out cleanly and exits 0", async () => {
  const port = freePort();
  await withScenario({ env: { CONTROLLER_COMMAND_SERVER_PORT: String(port) } }, async (run) => {
    await run.line(READY);
    const r = await runCli(
      ["send", "STOP"],
      baseEnv({ CONTROLLER_COMMAND_SERVER_PORT: String(port) }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /OK Shutting down: STOP command/);
    await run.event((e) => e.event === "session-released", "session released after STOP");
    assert.equal((await run.pilot.status).code, 0);
  });
});
