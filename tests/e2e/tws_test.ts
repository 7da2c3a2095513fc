/**
 * Trader Workstation end to end: the real ibg-pilot (GATEWAY_OR_TWS=tws) under its permission set
 * launches the simulator's TWS mode (main class jclient.LoginFrame, installed as `<TWS_PATH>/1045`)
 * with the real agent. Each test shares one JVM between several checks to keep the suite short.
 * Assertions are on the simulator's event log.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { baseEnv, runCli } from "../support/cli.ts";
import { find, freePort, SECRETS, withScenario } from "./harness.ts";

const READY = /-> "?ready"?/;
const menu = (...path: string[]) => (e: { event: string; path?: unknown }) =>
  e.event === "menu" && JSON.stringify(e.path) === JSON.stringify(path);

Deno.test("TWS paper + TOTP (Classic menus): READY, settings read back, RECONNECTDATA, SIGTERM logs out through File > Exit", async () => {
  const port = freePort();
  await withScenario({
    product: "tws",
    env: {
      CONTROLLER_COMMAND_SERVER_PORT: String(port),
      TWS_MASTER_CLIENT_ID: "7",
      AUTO_RESTART_TIME: "11:30 PM",
    },
  }, async (run) => {
    await run.line(READY);
    await run.readyFileWritten();
    const ev = await run.events();
    assert.equal(find(ev, "sim-start")?.product, "tws");
    assert.ok(find(ev, "window-shown", { title: "Login", kind: "frame" }), "TWS's login frame");
    assert.ok(find(ev, "toggle", { toggle: "Paper Trading", selected: true }));
    assert.equal(find(ev, "field-set", { field: "username" })?.value, SECRETS.user);
    assert.ok(find(ev, "click", { button: "Paper Log In" }));
    assert.ok(
      find(ev, "window-shown", { title: "Second Factor Authentication", kind: "frame" }),
      "TWS's 2FA window is a frame",
    );
    assert.equal(find(ev, "field-set", { field: "2fa-code" })?.correct, true);
    assert.ok(!find(ev, "click", { button: "Enter Read Only" }), "not a read-only login");
    // Settings through Edit > Global Configuration..., then read back in a second dialog.
    const opened = ev.filter(menu("Edit", "Global Configuration..."));
    assert.equal(opened.length, 2, "opened once to apply, once to read back");
    assert.ok(find(ev, "setting-changed", { key: "masterClientId", value: "7" }));
    assert.ok(find(ev, "setting-changed", { key: "autoAction", value: "restart" }));
    assert.doesNotMatch(run.pilot.output(), /ALERT_CONFIG_NOT_APPLIED/);
    assert.ok(find(ev, "api-client"), "READY came from a real API handshake");

    // RECONNECTDATA: Ctrl+Alt+F to the main window; IBC's reply is "OK " with a trailing space.
    const env = baseEnv({ CONTROLLER_COMMAND_SERVER_PORT: String(port) });
    const r = await runCli(["send", "RECONNECTDATA"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^OK $/m);
    await run.event((e) => e.event === "reconnect" && e.what === "data", "Ctrl+Alt+F reached TWS");

    run.pilot.signal("SIGTERM");
    await run.event(menu("File", "Exit"), "STOP through File > Exit");
    await run.event((e) => e.event === "session-released", "session released on SIGTERM");
    assert.equal((await run.pilot.status).code, 0);
    assert.ok(!existsSync(run.readyFile), "ready file removed");
    assert.match(run.pilot.output(), /ALERT_CLEAN_LOGOUT mode=paper pid=\d+ status=succeeded/);
  });
});
