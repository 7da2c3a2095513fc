/**
 * Dual mode end to end: TRADING_MODE=both runs a live and a paper Gateway side by side in one
 * ibg-pilot, each with its own settings directory, API port, ready file and event log, and one
 * side's failure leaves the other READY.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { find, withScenario } from "./harness.ts";

Deno.test("both mode: paper halts on bad credentials, live stays READY; SIGTERM releases live", async () => {
  await withScenario(
    { mode: "both", scenarioFor: { paper: { faults: { badCredentials: 99 } } } },
    async (run) => {
      const live = run.side("live");
      const paper = run.side("paper");
      await run.line(/session\.live: .*-> "?ready"?/);
      await run.line(/ALERT_HALTED mode=paper/);
      assert.equal(run.readyFile, live.readyFile);
      await run.readyFileWritten();
      assert.ok(!existsSync(paper.readyFile), "no paper ready file");
      const liveEv = await live.events();
      const paperEv = await paper.events();
      assert.ok(find(liveEv, "click", { button: "Log In" }), "live logged in with Log In");
      // The sim records a handshake just after answering it.
      await live.event((e) => e.event === "api-client", "live proved by a handshake");
      assert.ok(find(paperEv, "click", { button: "Paper Log In" }), "paper tried Paper Log In");
      assert.equal(
        paperEv.filter((e) => e.event === "click" && e.button === "Paper Log In").length,
        1,
        "no blind retry of bad credentials",
      );
      // Each Gateway listened on its own port: the sims record the port they opened.
      assert.notEqual(live.apiPort, paper.apiPort);
      run.pilot.signal("SIGTERM");
      await live.event((e) => e.event === "session-released", "live session released");
      const status = await run.pilot.status;
      assert.equal(status.code, 0);
      assert.ok(!existsSync(live.readyFile), "live ready file removed");
    },
  );
});
