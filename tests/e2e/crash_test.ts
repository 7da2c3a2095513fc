/**
 * End to end, JVM crashes (issue 8): during login and while READY, the backoff before each
 * relaunch, the restart limit, and SIGTERM during the backoff. Split from lifecycle_test.ts so
 * the two run side by side. The real ibg-pilot, the real agent, the simulated Gateway.
 *
 * A fault in the scenario applies to every JVM that reads it, so a test that needs "crash once"
 * rewrites the scenario once the first JVM has read it (`sim-start` is written after the read):
 * the relaunched JVM then starts clean.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { find, withScenario } from "./harness.ts";
import { alive, nthReady, until } from "./jvms.ts";
import { nextJvmScenario, perJvm } from "./jvm_events.ts";

/** The crash backoff of the relaunch tests: short, and still long enough to measure. */
const CRASH_BACKOFF_S = 1;
/** 3 s TOTP codes: the new JVM's login needs a code other than the first JVM's. */
const TOTP_PERIOD_S = 3;

// Mid-login: before the password is checked to the end, while the 2FA dialog is up, and after
// login while the API port is still closed (ibg-pilot is applying settings or probing then).
for (const phase of ["authenticating", "twofa", "api"]) {
  Deno.test(`a crash in phase ${phase}: relaunch after the backoff, full login, READY`, async () => {
    await withScenario(
      {
        env: { PILOT_CRASH_BACKOFF_INITIAL: String(CRASH_BACKOFF_S) },
        totpPeriodS: TOTP_PERIOD_S,
        scenario: { faults: { crash: { phase, exitCode: 1 } } },
      },
      async (run) => {
        await run.event((e) => e.event === "sim-start", "first JVM");
        await nextJvmScenario(run.env.IBG_SIM_SCENARIO, (sc) => delete sc.faults.crash);
        await run.line(/Gateway's JVM exited unexpectedly \(code 1\)/);
        await nthReady(run, 1);
        const jvms = perJvm(await run.events());
        assert.equal(jvms.length, 2);
        const crashed = find(jvms[0], "exit", { cause: "crash", phase });
        assert.ok(crashed, `the first JVM crashed in ${phase}`);
        const relaunched = find(jvms[1], "sim-start")!;
        assert.ok(
          relaunched.ts - crashed.ts >= CRASH_BACKOFF_S * 1000,
          `the first backoff (PILOT_CRASH_BACKOFF_INITIAL=${CRASH_BACKOFF_S} s) was honoured`,
        );
        assert.equal(find(jvms[1], "sim-start")?.restart, false, "no token after a crash");
        assert.equal(find(jvms[1], "twofa-result")?.ok, true, "2FA again in the new JVM");
        assert.ok(find(jvms[1], "api-client"), "READY from a handshake on the new JVM");
      },
    );
  });
}

Deno.test("a crash while READY: ready file removed, relaunch after backoff, READY again", async () => {
  // The crash fires when Gateway enters its auto-restart phase, before the token is written.
  await withScenario({
    env: { PILOT_CRASH_BACKOFF_INITIAL: String(CRASH_BACKOFF_S) },
    totpPeriodS: TOTP_PERIOD_S,
    scenario: {
      faults: { autoRestartAfterMs: 1000, crash: { phase: "auto-restart", exitCode: 1 } },
    },
  }, async (run) => {
    await nthReady(run, 1);
    await run.readyFileWritten();
    await nextJvmScenario(run.env.IBG_SIM_SCENARIO, (sc) => {
      delete sc.faults.crash;
      delete sc.faults.autoRestartAfterMs;
    });
    await run.event((e) => e.event === "exit" && e.cause === "crash", "crash while READY");
    await until(run, () => !existsSync(run.readyFile), "ready file removed after the crash");
    await nthReady(run, 2);
    await run.readyFileWritten();
    const jvms = perJvm(await run.events());
    assert.equal(jvms.length, 2);
    assert.equal(find(jvms[1], "sim-start")?.restart, false, "no token after a crash");
    assert.equal(find(jvms[1], "twofa-result")?.ok, true, "full login with 2FA");
    assert.doesNotMatch(run.pilot.output(), /ALERT_JVM_RESTART_EXHAUSTED/);
  });
});

Deno.test("a Gateway that crashes at every start: backoff 1 s then 2 s, then ALERT_JVM_RESTART_EXHAUSTED and HALTED; the process stays up", async () => {
  await withScenario({
    totpPeriodS: TOTP_PERIOD_S,
    env: {
      PILOT_CRASH_BACKOFF_INITIAL: "1",
      PILOT_CRASH_BACKOFF_MAX: "60",
      PILOT_CRASH_MAX_RESTARTS: "2",
    },
    scenario: { faults: { crash: { phase: "authenticating", exitCode: 3 } } },
  }, async (run) => {
    await run.line(/ALERT_JVM_RESTART_EXHAUSTED mode=paper attempts=2 reason="?exit code 3/);
    await run.line(/ALERT_HALTED/);
    const jvms = perJvm(await run.events());
    assert.equal(jvms.length, 3, "the first start and two restarts, then no more");
    const exits = jvms.map((j) => find(j, "exit"));
    assert.deepEqual(exits.map((e) => [e?.code, e?.cause]), [[3, "crash"], [3, "crash"], [
      3,
      "crash",
    ]]);
    // The backoff, from the sim's own clock: each start at least 1 s, then 2 s, after the crash.
    const gaps = [1, 2].map((i) => Number(jvms[i][0].ts) - Number(exits[i - 1]!.ts));
    assert.ok(gaps[0] >= 1000 && gaps[1] >= 2000, `restart gaps ${gaps.join(", ")} ms`);
    // HALTED is not exited: no restart loop, and SIGTERM still ends it with 0.
    assert.ok(alive(run.pilot.pid), "ibg-pilot still runs while HALTED");
    run.pilot.signal("SIGTERM");
    assert.equal((await run.pilot.status).code, 0);
    assert.equal(perJvm(await run.events()).length, 3);
  });
});

Deno.test("SIGTERM during the crash backoff: exit 0 at once, no relaunch", async () => {
  await withScenario(
    { scenario: { faults: { crash: { phase: "authenticating", exitCode: 1 } } } },
    async (run) => {
      await run.line(/"backoff": "relaunching after crash 1"/);
      run.pilot.signal("SIGTERM");
      assert.equal((await run.pilot.status).code, 0);
      // ibg-pilot has exited, so its relaunch timer can no longer start a JVM: one JVM in all.
      assert.equal(perJvm(await run.events()).length, 1, "the pending relaunch was dropped");
      assert.match(run.pilot.output(), /"backoff" -> "stopped"/);
    },
  );
});
