/**
 * End to end: `ibg-pilot export-state` captures a session's state right after Gateway's
 * auto-restart wrote its token; a second run on an empty settings directory with
 * GATEWAY_WARM_STATE pointing at that folder resumes with the token: no login form, no 2FA.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../support/cli.ts";
import { find, withScenario } from "./harness.ts";
import { loginTyped, nextJvmScenario } from "./jvm_events.ts";

const READY = /-> "?ready"?/;

Deno.test("warm state from export-state: a second run resumes with the token, no login form", async () => {
  const warm = await Deno.makeTempDir({ prefix: "ibgp-e2e-warm-" });
  try {
    // Run 1: log in, let Gateway auto-restart (it writes its token), export before the relaunched
    // JVM reads the token (that JVM is told to take its time starting).
    await withScenario({ scenario: { faults: { autoRestartAfterMs: 1000 } } }, async (run) => {
      await run.line(READY);
      await nextJvmScenario(run.env.IBG_SIM_SCENARIO, (sc) => {
        delete sc.faults.autoRestartAfterMs;
        sc.delays.startMs = 120_000;
      });
      await run.event((e) => e.event === "auto-restart", "Gateway wrote its token");
      const r = await runCli(["export-state", warm], run.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^ {2}[a-p]{40}\/autorestart$/m, "the token was exported");
    });
    const token = [...Deno.readDirSync(warm)].find((e) => /^[a-p]{40}$/.test(e.name));
    assert.ok(token, "the user folder is in the export");
    assert.equal(Deno.statSync(join(warm, token.name, "autorestart")).mode! & 0o777, 0o600);

    // Run 2: an empty settings directory (only the harness's jts.ini), warm state set.
    await withScenario({ env: { GATEWAY_WARM_STATE: warm } }, async (run) => {
      const said = await run.line(/GATEWAY_WARM_STATE \(paper\): copied \d+ file\(s\)/);
      assert.match(said, /autorestart/);
      assert.match(said, /kept 1 already there: jts\.ini/, "the run's own jts.ini is kept");
      await run.line(READY);
      const ev = await run.events();
      assert.equal(find(ev, "sim-start")?.restart, true, "launched with -Drestart");
      assert.equal(find(ev, "restart-resume")?.ok, true, "the token was accepted");
      assert.equal(find(ev, "login-result", { ok: true })?.resumed, true);
      assert.deepEqual(loginTyped(ev), [], "no login form: nothing typed");
      assert.ok(!find(ev, "phase", { name: "twofa" }), "no 2FA");
      assert.ok(find(ev, "api-client"), "READY came from a handshake");
    });
  } finally {
    await Deno.remove(warm, { recursive: true }).catch(() => {});
  }
});
