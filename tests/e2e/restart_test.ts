/**
 * RESTART through the IBC-compatible command server keeps the session, the way IBC does it on
 * Gateway: Lock and Exit is set to restart at the next minute, Gateway writes its autorestart
 * token and exits 0, and the next JVM resumes with `-Drestart` (no login form, no 2FA).
 * The restart happens at a whole minute: instead of waiting for it, the test moves the
 * simulator's clock to that minute (and the sim looks at its Lock and Exit time every 200 ms).
 */

import assert from "node:assert/strict";
import { baseEnv, runCli } from "../support/cli.ts";
import { freePort, restartInstant, withScenario } from "./harness.ts";

Deno.test("RESTART while READY: Gateway restarts itself at the next minute and resumes without 2FA", async () => {
  const port = freePort();
  await withScenario({
    env: { CONTROLLER_COMMAND_SERVER_PORT: String(port) },
    scenario: { lockAndExit: { checkMs: 200 } },
  }, async (run) => {
    await run.line(/-> "?ready"?/);
    const first = await run.event((e) => e.event === "sim-start", "first JVM");
    const r = await runCli(
      ["send", "RESTART"],
      baseEnv({ CONTROLLER_COMMAND_SERVER_PORT: String(port) }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /OK RESTART in progress/);
    // A second RESTART before Gateway goes down is refused, as IBC does.
    const again = await runCli(
      ["send", "RESTART"],
      baseEnv({ CONTROLLER_COMMAND_SERVER_PORT: String(port) }),
    );
    assert.match(again.stdout + again.stderr, /RESTART already in progress/);
    await run.setSimClock(restartInstant(r.stdout));
    await run.event((e) => e.event === "auto-restart", "Gateway's own auto restart");
    const second = await run.event(
      (e) => e.event === "sim-start" && e.pid !== first.pid,
      "the resumed JVM",
      30_000,
    );
    assert.equal(second.restart, true, "started with -Drestart");
    await run.event(
      (e) =>
        e.event === "restart-resume" && e.ok === true && (e.ts as number) >= (second.ts as number),
      "the session resumed with the token",
    );
    await run.line(/resum(ing|es) with the restart token|resumes its session by itself/);
    const ev = await run.events();
    const after = ev.filter((e) => (e.ts as number) >= (second.ts as number));
    assert.ok(!after.some((e) => e.event === "login-attempt"), "no login form in the new JVM");
    assert.ok(!after.some((e) => e.event === "field-set"), "nothing typed: no password, no 2FA");
    await run.event(
      (e) => e.event === "api-client" && (e.ts as number) > (second.ts as number),
      "READY proved again by a handshake",
    );
  });
});
