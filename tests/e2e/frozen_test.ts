/**
 * A frozen Gateway end to end: after READY the simulator's EDT blocks for good and its API port
 * stops answering. ibg-pilot must leave READY (never a stale green), see that the UI times out
 * too, restart Gateway through its close path first (then signals), and log in again.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { withScenario } from "./harness.ts";

Deno.test("frozen while READY: READY is left, the JVM is replaced through the stop ladder, READY again", async () => {
  await withScenario(
    {
      env: { PILOT_PROBE_INTERVAL: "5", PILOT_CLEAN_LOGOUT_TIMEOUT: "3" },
      // The replacement logs in with a new code: 3 s codes, not a wait for the next 30 s window.
      totpPeriodS: 3,
      scenario: { faults: { laterDialogs: [{ afterMs: 1500, kind: "hang" }] } },
    },
    async (run) => {
      await run.line(/-> "?ready"?/);
      const first = await run.event((e) => e.event === "sim-start", "first JVM");
      await run.event((e) => e.event === "later-dialog" && e.kind === "hang", "the sim hangs");
      await run.line(/"ready" -> "post-login": "API stopped answering/, 60_000);
      await run.line(/ALERT_GATEWAY_UNRESPONSIVE/, 60_000);
      assert.ok(!existsSync(run.readyFile), "no stale green: the ready file went with READY");
      const second = await run.event(
        (e) => e.event === "sim-start" && e.pid !== first.pid,
        "a replacement JVM",
        60_000,
      );
      await run.readyFileWritten(90_000);
      const ev = await run.events();
      assert.equal(ev.filter((e) => e.event === "sim-start").length, 2, "one replacement JVM");
      // The close path was tried first; with the EDT blocked it could not finish, so signals
      // ended the JVM (and said so).
      assert.match(run.pilot.output(), /ALERT_JVM_UNCLEAN_SHUTDOWN/);
      const secondLogin = ev.filter((e) =>
        e.event === "login-attempt" && (e.ts as number) > (second.ts as number)
      );
      assert.equal(secondLogin.length, 1, "the new JVM logged in once");
    },
  );
});
