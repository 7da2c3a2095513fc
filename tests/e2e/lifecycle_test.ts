/**
 * End to end, keeping Gateway alive (issue 8): Gateway's own auto-restart resumed with its token,
 * stale and rejected tokens, dialogs that appear while READY, SIGTERM during the login, and a
 * rejected 2FA code (JVM crashes: crash_test.ts). The real ibg-pilot, the real agent, the simulated Gateway;
 * assertions are on the simulator's event log, split per JVM (each JVM starts with `sim-start`).
 *
 * A fault in the scenario applies to every JVM that reads it, so a test that needs "crash once"
 * rewrites the scenario once the first JVM has read it (`sim-start` is written after the read):
 * the relaunched JVM then starts clean.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { find, SECRETS, STEP_DEADLINE_MS, withScenario } from "./harness.ts";
import { TWOFA_CODE_VERDICT_MS } from "../../lib/session/machine.ts";
import { alive, count, nthReady, READY, until } from "./jvms.ts";
import { loginTyped, nextJvmScenario, perJvm } from "./jvm_events.ts";

/** The simulator's per-user folder: SHA-1 of the lower-cased user name, nibbles as letters a-p. */
async function simUserDir(user: string): Promise<string> {
  const h = new Uint8Array(
    await crypto.subtle.digest("SHA-1", new TextEncoder().encode(user.toLowerCase())),
  );
  return [...h].map((b) => String.fromCharCode(97 + (b >> 4), 97 + (b & 15))).join("");
}

/** Writes an autorestart token the simulator accepts (Settings.writeAutorestart's format). */
async function writeToken(settingsDir: string, folder: string, mode = "paper"): Promise<string> {
  await Deno.mkdir(join(settingsDir, folder), { recursive: true });
  const file = join(settingsDir, folder, "autorestart");
  const token = btoa(`v1|${mode}|${SECRETS.user}|${Date.now()}`);
  await Deno.writeTextFile(file, token + "\n");
  return file;
}

Deno.test("auto-restart: the token resumes the session, no login form and no 2FA, READY again", async () => {
  await withScenario({ scenario: { faults: { autoRestartAfterMs: 1000 } } }, async (run) => {
    await nthReady(run, 1);
    // The second JVM must not restart again: it runs without the fault.
    await nextJvmScenario(run.env.IBG_SIM_SCENARIO, (sc) => delete sc.faults.autoRestartAfterMs);
    const token = await run.event((e) => e.event === "auto-restart", "Gateway wrote its token");
    assert.equal(token.dir, await simUserDir(SECRETS.user));
    await run.event(
      (e) => e.event === "sim-start" && e.restart === true,
      "relaunch with -Drestart",
    );
    await nthReady(run, 2);
    const [first, second] = perJvm(await run.events());
    assert.ok(find(first, "exit", { code: 0, cause: "auto-restart" }), "first JVM exited 0");
    assert.ok(!find(first, "session-released"), "an auto-restart keeps the session");
    assert.equal(find(second, "restart-resume")?.ok, true, "the token was accepted");
    assert.equal(find(second, "login-result", { ok: true })?.resumed, true);
    assert.deepEqual(loginTyped(second), [], "nothing typed into the resumed Gateway");
    assert.ok(!find(second, "phase", { name: "twofa" }), "no 2FA in the resumed JVM");
    assert.ok(find(second, "api-client"), "READY came from a handshake on the resumed JVM");
    const out = run.pilot.output();
    assert.match(out, /resuming session [a-p]{40}/);
    assert.doesNotMatch(out, /ALERT_(HALTED|LOGIN_FAILED|2FA_FAILED|JVM_)/);
  });
});

Deno.test("several autorestart tokens: all removed, a full login follows", async () => {
  const files: string[] = [];
  await withScenario({
    prepare: async (dir) => {
      files.push(await writeToken(dir, await simUserDir(SECRETS.user)));
      files.push(await writeToken(dir, "a".repeat(40)));
    },
  }, async (run) => {
    await run.line(/Found 2 autorestart tokens; deleted them all/);
    await nthReady(run, 1);
    for (const f of files) assert.ok(!existsSync(f), `${f} removed`);
    const jvms = perJvm(await run.events());
    assert.equal(jvms.length, 1);
    assert.equal(find(jvms[0], "sim-start")?.restart, false, "no -Drestart");
    assert.equal(find(jvms[0], "field-set", { field: "2fa-code" })?.correct, true, "full 2FA");
  });
});

Deno.test("a token older than the weekly re-authentication: removed, a full login follows", async () => {
  let file = "";
  await withScenario({
    prepare: async (dir) => {
      file = await writeToken(dir, await simUserDir(SECRETS.user));
      const old = new Date(Date.now() - 8 * 86_400_000);
      await Deno.utime(file, old, old);
    },
  }, async (run) => {
    await run.line(/autorestart token predates the weekly re-authentication/);
    await nthReady(run, 1);
    assert.ok(!existsSync(file), "stale token removed");
    const [jvm] = perJvm(await run.events());
    assert.equal(find(jvm, "sim-start")?.restart, false, "no -Drestart");
    assert.ok(find(jvm, "login-attempt"), "full login");
  });
});

Deno.test("a rejected token: Login failed, one relaunch, one full login with 2FA, READY", async () => {
  await withScenario({
    totpPeriodS: 3,
    scenario: { faults: { restartTokenRejected: true } },
    prepare: async (dir) => void await writeToken(dir, await simUserDir(SECRETS.user)),
  }, async (run) => {
    await run.line(/ALERT_AUTO_RESTART mode=paper status=failed_login/);
    await nthReady(run, 1);
    const jvms = perJvm(await run.events());
    assert.equal(jvms.length, 2, "exactly one relaunch");
    assert.equal(find(jvms[0], "sim-start")?.restart, true);
    assert.equal(find(jvms[0], "restart-resume")?.ok, false);
    assert.ok(
      !find(jvms[0], "login-attempt"),
      "the login frame of the rejected JVM is left alone",
    );
    assert.equal(find(jvms[1], "sim-start")?.restart, false, "the relaunch has no token");
    const attempts = jvms.flat().filter((e) => e.event === "login-attempt");
    assert.equal(attempts.length, 1, "one full login, not a loop");
    assert.equal(find(jvms[1], "field-set", { field: "2fa-code" })?.correct, true, "with 2FA");
  });
});

Deno.test("Re-login is required while READY: Re-login clicked, the API answers again", async () => {
  await withScenario({
    env: { PILOT_PROBE_INTERVAL: "5" },
    scenario: { faults: { laterDialogs: [{ afterMs: 1000, kind: "relogin" }] } },
  }, async (run) => {
    await nthReady(run, 1);
    await run.event(
      (e) => e.event === "click" && e.button === "Re-login",
      "Re-login clicked",
    );
    const back = await run.event(
      (e) => e.event === "login-result" && e.ok === true && e.relogin === true,
      "re-authenticated inside the same JVM",
    );
    // The periodic probe handshakes with the re-opened port: the session is still serving.
    await run.event(
      (e) => e.event === "api-client" && e.ts > back.ts,
      "a handshake after the relogin",
    );
    const jvms = perJvm(await run.events());
    assert.equal(jvms.length, 1, "no new JVM");
    assert.equal(
      jvms[0].filter((e) => e.event === "login-attempt").length,
      1,
      "no second login form",
    );
    assert.doesNotMatch(run.pilot.output(), /ALERT_HALTED/);
  });
});

Deno.test("an existing-session dialog while READY: Reconnect This Session, still serving", async () => {
  await withScenario({
    env: { PILOT_PROBE_INTERVAL: "5" },
    scenario: { faults: { laterDialogs: [{ afterMs: 1000, kind: "existing-session" }] } },
  }, async (run) => {
    await nthReady(run, 1);
    const answer = await run.event((e) => e.event === "existing-session", "dialog answered");
    assert.equal(answer.choice, "Reconnect This Session");
    await run.event(
      (e) => e.event === "api-client" && e.ts > answer.ts,
      "a handshake after the answer",
    );
    const ev = await run.events();
    assert.ok(!find(ev, "exit"), "Gateway still running");
    assert.equal(count(run, READY), 1, "READY was never left");
  });
});

Deno.test("existing session while READY, secondary: Exit Application, and Gateway is not relaunched", async () => {
  await withScenario({
    env: { EXISTING_SESSION_DETECTED_ACTION: "secondary" },
    scenario: { faults: { laterDialogs: [{ afterMs: 1000, kind: "existing-session" }] } },
  }, async (run) => {
    await nthReady(run, 1);
    // Were a JVM started again, IBKR would show it the other session at login, as here.
    await nextJvmScenario(run.env.IBG_SIM_SCENARIO, (sc) => {
      sc.faults.laterDialogs = [];
      sc.faults.existingSession = true;
    });
    const answer = await run.event((e) => e.event === "existing-session", "dialog answered");
    assert.equal(answer.choice, "Exit Application", "secondary yields to the other session");
    await run.event((e) => e.event === "exit" && e.cause === "exit-application", "Gateway exit");
    const exitLine = await run.line(/Gateway JVM \d+ exited with code 0/);
    // The transition that follows the exit says what ibg-pilot made of it.
    let next = "";
    await until(run, () => {
      const lines = run.pilot.output().split("\n");
      next = lines.slice(lines.indexOf(exitLine) + 1).find((l) =>
        /session\.paper: .* -> /.test(l)
      ) ??
        "";
      return next !== "";
    }, "the session's transition after the exit");
    assert.doesNotMatch(
      next,
      /-> "?launching"?/,
      `we chose to give way: logging in again would take the session back (ping-pong); got ${next}`,
    );
  });
});

Deno.test("SIGTERM while the 2FA push waits: exit 0, no JVM left, no false unclean-logout alert", async () => {
  await withScenario({
    env: { TWOFACTOR_CODE: "" },
    scenario: { twofa: { kind: "ibkey", approveAfterMs: null } },
  }, async (run) => {
    const start = await run.event((e) => e.event === "sim-start", "JVM started");
    await run.line(/waiting for the IB Key push/);
    run.pilot.signal("SIGTERM");
    const status = await run.pilot.status;
    assert.equal(status.code, 0);
    await run.event((e) => e.event === "exit", "Gateway exited");
    assert.ok(!alive(Number(start.pid)), `Gateway JVM ${start.pid} is gone`);
    assert.ok(!find(await run.events(), "session-released"), "no session to release yet");
    assert.ok(!existsSync(run.readyFile), "no ready file");
    // No login completed, so no IBKR session can be stranded: an ERROR alert saying one may be
    // is a false alarm, and so is waiting PILOT_CLEAN_LOGOUT_TIMEOUT for a close path that a
    // modal 2FA dialog blocks (AWT drops WINDOW_CLOSING to a modal-blocked frame).
    assert.doesNotMatch(run.pilot.output(), /ALERT_JVM_UNCLEAN_SHUTDOWN/);
    assert.doesNotMatch(run.pilot.output(), /ALERT_CLEAN_LOGOUT .*status=failed_timeout/);
  });
});

Deno.test("a rejected 2FA code: one more code in the same dialog, then HALTED, no new login", async () => {
  // Gateway knows another secret, so every code ibg-pilot computes is refused in place
  // ("Invalid security code", the dialog stays open). Two codes, one (3 s) window apart.
  await withScenario(
    {
      scenario: { twofa: { secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", timeoutMs: 120_000 } },
      totpPeriodS: 3,
    },
    async (run) => {
      // The second code waits for the next TOTP window (3 s codes here), then the dialog has
      // TWOFA_CODE_VERDICT_MS to change before "rejected twice" is concluded.
      await run.line(
        /ALERT_2FA_FAILED mode=paper reason="the second-factor code was rejected twice"/,
        3_000 + TWOFA_CODE_VERDICT_MS + STEP_DEADLINE_MS,
      );
      const ev = await run.events();
      const results = ev.filter((e) => e.event === "twofa-result");
      assert.deepEqual(results.map((e) => e.ok), [false, false], "two codes, both refused");
      assert.equal(
        ev.filter((e) => e.event === "login-attempt").length,
        1,
        "the password was sent once",
      );
    },
  );
});
