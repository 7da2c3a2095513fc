/** The container decisions as pure functions: Xvfb, forwards, port clashes, PID 1 advice. */

import assert from "node:assert/strict";
import { loadConfig, modesOf } from "../../lib/config/mod.ts";
import { isHeadless, pid1Advice, planContainer } from "../../lib/container/plan.ts";
import { apiPortFor } from "../../lib/config/ports.ts";

function plan(settings: Record<string, string>, env: Record<string, string> = {}, pid = 4242) {
  const config = loadConfig({ env: settings }).values;
  return planContainer(config, env, modesOf(config), (m) => apiPortFor(config, m), pid);
}

Deno.test("headless (no DISPLAY): Xvfb and gnzsnz's forwards 4004 -> 4002 by default", () => {
  const p = plan({});
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.xvfb, {
    screen: "1280x1024x24",
    reason: "DISPLAY is unset (PILOT_XVFB=auto)",
  });
  assert.deepEqual(p.forwards, [{
    mode: "paper",
    listenHost: "0.0.0.0",
    listenPort: 4004,
    targetPort: 4002,
    portSetting: "PILOT_API_FORWARD_PORT_PAPER",
  }]);
});

Deno.test("both modes: 4003 -> live API port, 4004 -> paper API port", () => {
  const p = plan({ TRADING_MODE: "both", TWS_API_PORT: "5001", TWS_API_PORT_PAPER: "5002" });
  assert.deepEqual(p.problems, []);
  assert.deepEqual(
    p.forwards.map((f) => [f.mode, f.listenPort, f.targetPort]),
    [["live", 4003, 5001], ["paper", 4004, 5002]],
  );
});

Deno.test("a desktop (DISPLAY set): no Xvfb, no forwarding, unless asked", () => {
  const desktop = { DISPLAY: ":0" };
  const p = plan({}, desktop);
  assert.equal(p.xvfb, undefined);
  assert.deepEqual(p.forwards, []);
  const asked = plan(
    { PILOT_XVFB: "yes", PILOT_API_FORWARD: "yes", PILOT_API_FORWARD_HOST: "127.0.0.1" },
    desktop,
  );
  assert.equal(asked.xvfb?.reason, "PILOT_XVFB=yes");
  assert.deepEqual(asked.forwards.map((f) => [f.listenHost, f.listenPort]), [["127.0.0.1", 4004]]);
  assert.equal(isHeadless({ DISPLAY: " " }), true);
  assert.equal(isHeadless({ DISPLAY: ":3" }), false);
});

Deno.test("PILOT_API_FORWARD=no turns forwarding off in a container", () => {
  const p = plan({ PILOT_API_FORWARD: "no" });
  assert.deepEqual(p.forwards, []);
  assert.ok(p.xvfb);
});

Deno.test("no DISPLAY with PILOT_XVFB=no is a problem that names the fix", () => {
  const p = plan({ PILOT_XVFB: "no" });
  assert.equal(p.xvfb, undefined);
  assert.equal(p.problems.length, 1);
  assert.match(p.problems[0], /DISPLAY is unset and PILOT_XVFB=no.*PILOT_XVFB=auto/);
});

Deno.test("a bad Xvfb screen is a problem", () => {
  const p = plan({ PILOT_XVFB_SCREEN: "1280x1024" });
  assert.match(p.problems.join("\n"), /PILOT_XVFB_SCREEN="1280x1024" is not WIDTHxHEIGHTxDEPTH/);
});

Deno.test("forward ports that clash with API, server or each other's ports are problems", () => {
  const api = plan({ TWS_API_PORT: "4004" });
  assert.deepEqual(api.problems, [
    "PILOT_API_FORWARD_PORT_PAPER=4004 is also the paper API port: choose another forward " +
    "port, or PILOT_API_FORWARD=no",
  ]);
  const health = plan({ TRADING_MODE: "both", CONTROLLER_HEALTH_SERVER_PORT: "4003" });
  assert.match(
    health.problems.join("\n"),
    /PILOT_API_FORWARD_PORT=4003 is also CONTROLLER_HEALTH_SERVER_PORT/,
  );
  const same = plan({ TRADING_MODE: "both", PILOT_API_FORWARD_PORT_PAPER: "4003" });
  assert.match(
    same.problems.join("\n"),
    /PILOT_API_FORWARD_PORT_PAPER=4003 is also PILOT_API_FORWARD_PORT/,
  );
  // Off means no clash to report.
  assert.deepEqual(plan({ TWS_API_PORT: "4004", PILOT_API_FORWARD: "no" }).problems, []);
});

Deno.test("PID 1 gets advice naming init: true / tini; any other PID none", () => {
  assert.match(pid1Advice(1) ?? "", /PID 1.*docker run --init.*init: true.*tini/s);
  assert.equal(pid1Advice(7), undefined);
  assert.ok(plan({}, {}, 1).pid1Warning);
  assert.equal(plan({}, {}, 2).pid1Warning, undefined);
});

Deno.test("VNC: on our own display only; loopback when only the console uses it; port clashes", () => {
  const gnzsnz = plan({ VNC_SERVER_PASSWORD: "vncpass" });
  assert.deepEqual(gnzsnz.vnc, {
    port: 5900,
    host: "0.0.0.0",
    reason: "VNC_SERVER_PASSWORD is set",
  });
  assert.deepEqual(gnzsnz.warnings, []);
  const consoleOnly = plan({ PILOT_CONSOLE: "yes", CONTROLLER_HEALTH_SERVER_PORT: "8080" });
  assert.equal(consoleOnly.vnc?.host, "127.0.0.1", "x11vnc for the console alone is loopback");
  assert.equal(plan({}).vnc, undefined, "no VNC unless asked for");

  const desktop = plan({ VNC_SERVER_PASSWORD: "vncpass" }, { DISPLAY: ":0" });
  assert.equal(desktop.vnc, undefined, "never on a display ibg-pilot does not own");
  assert.match(desktop.warnings.join("\n"), /does not start the display here/);

  const clash = plan({
    VNC_SERVER_PASSWORD: "vncpass",
    PILOT_VNC_PORT: "8080",
    CONTROLLER_HEALTH_SERVER_PORT: "8080",
  });
  assert.match(
    clash.problems.join("\n"),
    /PILOT_VNC_PORT=8080 is also CONTROLLER_HEALTH_SERVER_PORT/,
  );
  const unreachable = plan({
    VNC_SERVER_PASSWORD: "vncpass",
    PILOT_VNC_HOST: "10.1.2.3",
    PILOT_CONSOLE: "yes",
  });
  assert.match(
    unreachable.problems.join("\n"),
    /PILOT_VNC_HOST=10\.1\.2\.3 with PILOT_CONSOLE=yes/,
  );
});
