/**
 * End to end: a modal window nobody knows, open after login, must not strand the session. A modal
 * dialog swallows the main window's WINDOW_CLOSING, so ibg-pilot first gets every blocking window
 * out of the way (its Cancel/Close/No, else closing it), then logs out through Gateway's own path
 * (SIGTERM) or sets Lock and Exit (RESTART).
 */

import assert from "node:assert/strict";
import { baseEnv, runCli } from "../support/cli.ts";
import { find, freePort, withScenario } from "./harness.ts";

const READY = /-> "?ready"?/;
const NOTICE = "Important Notice";
const unknownModalAfterLogin = {
  faults: { laterDialogs: [{ afterMs: 0, kind: "unknown-notice" }] },
};

Deno.test("an unknown modal open after login: SIGTERM closes it, then logs out cleanly", async () => {
  await withScenario({ scenario: unknownModalAfterLogin }, async (run) => {
    await run.line(READY);
    await run.event((e) => e.event === "window-shown" && e.title === NOTICE, "the unknown modal");
    await run.line(/Unknown window/);
    run.pilot.signal("SIGTERM");
    await run.event((e) => e.event === "session-released", "session released on SIGTERM");
    const status = await run.pilot.status;
    assert.equal(status.code, 0);
    const ev = await run.events();
    // Its only button is not a way out: the window was closed, not answered.
    assert.ok(!find(ev, "click", { button: "Review Later" }), "nothing agreed to");
    const closing = ev.findIndex((e) => e.event === "window-closing" && e.title === NOTICE);
    const released = ev.findIndex((e) => e.event === "session-released");
    assert.ok(closing >= 0 && closing < released, "the modal went first");
    assert.ok(find(ev, "click", { button: "Yes" }), "the exit confirmation was answered");
    const out = run.pilot.output();
    assert.match(out, /ALERT_CLEAN_LOGOUT mode=paper pid=\d+ status=succeeded/);
    assert.doesNotMatch(out, /ALERT_JVM_UNCLEAN_SHUTDOWN/);
  });
});

Deno.test("an unknown modal open after login: RESTART clears it, then sets Lock and Exit", async () => {
  const port = freePort();
  await withScenario(
    { scenario: unknownModalAfterLogin, env: { CONTROLLER_COMMAND_SERVER_PORT: String(port) } },
    async (run) => {
      await run.line(READY);
      await run.event((e) => e.event === "window-shown" && e.title === NOTICE, "the unknown modal");
      await run.line(/Unknown window/);
      const r = await runCli(
        ["send", "RESTART"],
        baseEnv({ CONTROLLER_COMMAND_SERVER_PORT: String(port) }),
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /OK RESTART at \d{2}:\d{2} [AP]M/);
      const ev = await run.events();
      const closing = ev.findIndex((e) => e.event === "window-closing" && e.title === NOTICE);
      assert.ok(closing >= 0, "the unknown modal was closed");
      assert.ok(!find(ev, "click", { button: "Review Later" }), "nothing agreed to");
      const menuAfter = ev.findIndex((e, i) => i > closing && e.event === "menu");
      assert.ok(menuAfter > closing, "Configure > Settings after the modal went");
      assert.ok(find(ev, "setting-changed", { key: "autoAction", value: "restart" }));
    },
  );
});
