/**
 * End to end, one test per scenario, the second half of tests/e2e/login_test.ts (split so the two
 * run side by side): bad credentials, disclaimers and notices, password expiry, post-login
 * settings, a slow API port, too many attempts, existing-session policies, inspect, precautions
 * and STOP. The real ibg-pilot, the real agent, the simulated Gateway; assertions are on the
 * simulator's event log.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { baseEnv, runCli } from "../support/cli.ts";
import { find, freePort, SECRETS, withScenario } from "./harness.ts";

const READY = /-> "?ready"?/;

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
