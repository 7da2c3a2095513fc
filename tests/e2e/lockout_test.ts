/**
 * IBKR's silent CCP lockout end to end: the simulator's server never answers some logins (its
 * launcher.log shows `AuthTimeoutMonitor-CCP: Timeout!`, Gateway retries by itself and gives
 * up), and ibg-pilot backs off and logs in again inside the same JVM, or halts when it persists.
 * Backoff times are scaled down by settings; the gaps are read from the sim's event log.
 */

import assert from "node:assert/strict";
import { withScenario } from "./harness.ts";

// Each attempt sees two silent 600 ms timeouts before Gateway gives up (1 s retry window).
const SILENT_ATTEMPT = { ccpTimeoutMs: 600, ccpRetryWindowSec: 1 };
const SCALED = { PILOT_CCP_BACKOFF_INITIAL: "2", PILOT_CCP_BACKOFF_MAX: "3" };

Deno.test("two unanswered logins, then success: backoff 2 s then 3 s (cap), one JVM, READY", async () => {
  await withScenario(
    { env: SCALED, scenario: { faults: { silentCcpTimeouts: 4, ...SILENT_ATTEMPT } } },
    async (run) => {
      await run.line(/-> "?ready"?/, 60_000);
      const ev = await run.events();
      const attempts = ev.filter((e) => e.event === "login-attempt").map((e) => e.ts as number);
      const gaveUp = ev.filter((e) => e.event === "login-result" && e.reason === "connect-timeout")
        .map((e) => e.ts as number);
      assert.equal(attempts.length, 3, "three attempts: two unanswered, one answered");
      assert.equal(gaveUp.length, 2);
      // Each retry waited at least its backoff after Gateway gave up (2 s, then the 3 s cap).
      assert.ok(attempts[1] - gaveUp[0] >= 2_000, `first wait ${attempts[1] - gaveUp[0]} ms`);
      assert.ok(attempts[2] - gaveUp[1] >= 3_000, `second wait ${attempts[2] - gaveUp[1]} ms`);
      assert.equal(ev.filter((e) => e.event === "sim-start").length, 1, "one JVM throughout");
      // The connecting modal's OK (a cancel) was never clicked.
      assert.ok(!ev.some((e) => e.event === "login-result" && e.reason === "cancelled"));
      const out = run.pilot.output();
      assert.match(out, /silent CCP timeout/);
      assert.match(out, /CCP backoff: waiting 2 s/);
      assert.match(out, /CCP backoff: waiting 3 s/);
    },
  );
});

Deno.test("a lockout that persists halts with ALERT_CCP_PERSISTENT_HALT; the process stays up", async () => {
  await withScenario(
    {
      env: { ...SCALED, PILOT_CCP_MAX_RELOGINS: "2" },
      scenario: { faults: { silentCcpTimeouts: 99, ...SILENT_ATTEMPT } },
    },
    async (run) => {
      await run.line(/ALERT_CCP_PERSISTENT_HALT/, 60_000);
      await run.line(/ALERT_HALTED/);
      const ev = await run.events();
      assert.equal(ev.filter((e) => e.event === "login-attempt").length, 2);
      assert.equal(ev.filter((e) => e.event === "sim-start").length, 1, "never a JVM restart loop");
      // Halted is not exited: SIGTERM still logs out cleanly and exits 0.
      run.pilot.signal("SIGTERM");
      assert.equal((await run.pilot.status).code, 0);
    },
  );
});
