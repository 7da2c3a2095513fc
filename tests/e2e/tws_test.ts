/**
 * Trader Workstation end to end: the real ibg-pilot (GATEWAY_OR_TWS=tws) under its permission set
 * launches the simulator's TWS mode (main class jclient.LoginFrame, installed as `<TWS_PATH>/1045`)
 * with the real agent. Each test shares one JVM between several checks to keep the suite short.
 * Assertions are on the simulator's event log.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { baseEnv, runCli } from "../support/cli.ts";
import {
  find,
  freePort,
  restartInstant,
  SECRETS,
  STEP_DEADLINE_MS,
  withScenario,
} from "./harness.ts";
import { TWOFA_CODE_VERDICT_MS } from "../../lib/session/machine.ts";

const READY = /-> "?ready"?/;
const menu = (...path: string[]) => (e: { event: string; path?: unknown }) =>
  e.event === "menu" && JSON.stringify(e.path) === JSON.stringify(path);

Deno.test("TWS paper + TOTP (Classic menus): READY, settings read back, RECONNECTDATA, RESTART resumes without 2FA, SIGTERM logs out through File > Exit", async () => {
  const port = freePort();
  await withScenario({
    product: "tws",
    env: {
      CONTROLLER_COMMAND_SERVER_PORT: String(port),
      TWS_MASTER_CLIENT_ID: "7",
      AUTO_RESTART_TIME: "11:30 PM",
    },
    scenario: { lockAndExit: { checkMs: 200 } },
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
    // A fresh TWS has its API off: TWS_ENABLE_API (default yes) ticks it, or READY never comes.
    assert.ok(find(ev, "toggle", { toggle: "Enable ActiveX and Socket Clients", selected: true }));
    assert.ok(find(ev, "setting-changed", { key: "enableApi", value: "true" }));
    assert.ok(find(ev, "setting-changed", { key: "autoAction", value: "restart" }));
    assert.doesNotMatch(run.pilot.output(), /ALERT_CONFIG_NOT_APPLIED/);
    assert.ok(find(ev, "api-client"), "READY came from a real API handshake");

    // RECONNECTDATA: Ctrl+Alt+F to the main window; IBC's reply is "OK " with a trailing space.
    const env = baseEnv({ CONTROLLER_COMMAND_SERVER_PORT: String(port) });
    const r = await runCli(["send", "RECONNECTDATA"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^OK $/m);
    await run.event((e) => e.event === "reconnect" && e.what === "data", "Ctrl+Alt+F reached TWS");
    const account = await runCli(["send", "RECONNECTACCOUNT"], env);
    assert.equal(account.stdout, "OK \n", account.stderr);
    await run.event((e) => e.event === "reconnect" && e.what === "account", "Ctrl+Alt+R too");
    const enable = await runCli(["send", "ENABLEAPI"], env);
    assert.equal(enable.stdout, "OK already configured\n", enable.stderr);

    // RESTART as on Gateway: Lock and Exit restarts TWS at the next minute; TWS writes its
    // autorestart token and the next JVM resumes with -Drestart: no login form, no 2FA.
    const first = await run.event((e) => e.event === "sim-start", "first JVM");
    const restart = await runCli(["send", "RESTART"], env);
    assert.equal(restart.code, 0, restart.stderr);
    // Not waiting for the whole minute: the sim's clock moves to it.
    await run.setSimClock(restartInstant(restart.stdout));
    await run.event((e) => e.event === "auto-restart", "TWS's own auto restart");
    const second = await run.event(
      (e) => e.event === "sim-start" && e.pid !== first.pid,
      "the resumed JVM",
    );
    assert.equal(second.restart, true, "started with -Drestart");
    assert.equal(second.product, "tws");
    await run.event(
      (e) => e.event === "api-client" && (e.ts as number) > (second.ts as number),
      "READY proved again by a handshake",
    );
    const after = (await run.events()).filter((e) => (e.ts as number) >= (second.ts as number));
    assert.ok(find(after, "restart-resume", { ok: true }), "resumed with the token");
    assert.ok(!after.some((e) => e.event === "login-attempt"), "no login form in the new JVM");
    assert.ok(
      !after.some((e) =>
        e.event === "field-set" && ["username", "password", "2fa-code"].includes(String(e.field))
      ),
      "nothing typed: no password, no 2FA",
    );
    await run.line(/API answered the handshake|-> "?ready"?/);

    run.pilot.signal("SIGTERM");
    await run.event(menu("File", "Exit"), "STOP through File > Exit");
    await run.event((e) => e.event === "session-released", "session released on SIGTERM");
    assert.equal((await run.pilot.status).code, 0);
    assert.ok(!existsSync(run.readyFile), "ready file removed");
    assert.match(run.pilot.output(), /ALERT_CLEAN_LOGOUT mode=paper pid=\d+ status=succeeded/);
  });
});

Deno.test("TWS live (Mosaic menus): ENABLEAPI opens the API, Live Trading, Log In, the login frame turned into the 2FA screen, existing session continued, settings through File > Global Configuration..., inspect", async () => {
  const port = freePort();
  const healthPort = freePort();
  await withScenario({
    product: "tws",
    mode: "live",
    scenario: {
      twsLayout: "mosaic",
      initialTradingMode: "paper",
      // TWS 1016+: the login frame turns into the 2FA screen in place.
      twofa: { inPlace: true },
      faults: { existingSession: true },
    },
    // As in a container: ibg-pilot's own display, with the console (loopback, no token).
    headless: true,
    env: {
      TWS_MASTER_CLIENT_ID: "11",
      READ_ONLY_API: "no",
      TWS_ENABLE_API: "no",
      CONTROLLER_COMMAND_SERVER_PORT: String(port),
      PILOT_CONSOLE: "yes",
      CONTROLLER_HEALTH_SERVER_PORT: String(healthPort),
      PILOT_VNC_PORT: String(freePort()),
      PILOT_API_FORWARD: "no",
    },
  }, async (run) => {
    // The API stays off until IBC's ENABLEAPI ticks it: no READY before.
    await run.line(/settings applied; proving the API again/);
    const enable = await runCli(
      ["send", "ENABLEAPI"],
      baseEnv({ CONTROLLER_COMMAND_SERVER_PORT: String(port) }),
    );
    assert.equal(enable.stdout, "OK configured\n", enable.stderr);
    await run.line(READY);
    assert.ok(
      (await run.events()).findIndex((e) => e.event === "api-listening") >
        (await run.events()).findIndex((e) =>
          e.event === "setting-changed" && e.key === "enableApi" && e.value === "true"
        ),
      "the API port opened only once ENABLEAPI ticked the box",
    );
    const ev = await run.events();
    assert.ok(find(ev, "toggle", { toggle: "Live Trading", selected: true }));
    assert.ok(find(ev, "click", { button: "Log In" }));
    assert.ok(!find(ev, "click", { button: "Paper Log In" }), "never the paper button live");
    assert.equal(find(ev, "field-set", { field: "2fa-code" })?.window, "Login", "2FA in place");
    assert.ok(!find(ev, "window-shown", { title: "Second Factor Authentication" }));
    assert.ok(find(ev, "click", { button: "Continue Login" }), "existing session: primary");
    // Apply, read back, then ENABLEAPI.
    assert.equal(ev.filter(menu("File", "Global Configuration...")).length, 3);
    assert.ok(!ev.some(menu("Edit", "Global Configuration...")), "Mosaic has no Edit item");
    assert.ok(find(ev, "setting-changed", { key: "masterClientId", value: "11" }));
    assert.ok(find(ev, "setting-changed", { key: "readOnlyApi", value: "false" }));
    assert.doesNotMatch(run.pilot.output(), /ALERT_CONFIG_NOT_APPLIED/);

    // inspect reads the live TWS windows through the same agent.
    const sock = join(run.dir, "rt", "agent-live.sock");
    const env = baseEnv({ PILOT_RUNTIME_DIR: join(run.dir, "rt"), TRADING_MODE: "live" });
    const r = await runCli(["inspect", "--json"], env, undefined, { extraUnixSockets: [sock] });
    assert.equal(r.code, 0, r.stderr);
    const windows = JSON.parse(r.stdout) as { window: { title: string } }[];
    assert.ok(
      windows.some((w) => w.window.title === "IBKR Trader Workstation"),
      r.stdout.slice(0, 500),
    );
    assert.match(JSON.stringify(windows), /Lock Application/);

    // The console's state panel follows the TWS session to READY.
    const snapshot = await consoleSnapshot(
      healthPort,
      (j) => j.health?.sessions?.[0]?.state === "READY",
    );
    assert.equal(snapshot.health.sessions[0].mode, "live");
    assert.equal(snapshot.screen.available, true);
  });
});

Deno.test("TWS READ_ONLY_LOGIN: Enter Read Only in the 2FA window, no code typed, READY; PAUSE: TWS restarts itself, ibg-pilot exits, the token stays", async () => {
  const port = freePort();
  await withScenario({
    product: "tws",
    env: { READ_ONLY_LOGIN: "yes", CONTROLLER_COMMAND_SERVER_PORT: String(port) },
    scenario: { lockAndExit: { checkMs: 200 } },
  }, async (run) => {
    await run.line(READY);
    const ev = await run.events();
    assert.ok(find(ev, "click", { button: "Enter Read Only" }));
    assert.ok(!find(ev, "field-set", { field: "2fa-code" }), "no code typed");
    assert.equal(find(ev, "login-result", { ok: true })?.readOnly, true);

    const r = await runCli(
      ["send", "PAUSE"],
      baseEnv({ CONTROLLER_COMMAND_SERVER_PORT: String(port) }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /OK PAUSE in progress/);
    await run.setSimClock(restartInstant(r.stdout));
    const token = await run.event((e) => e.event === "auto-restart", "TWS wrote its token");
    assert.equal((await run.pilot.status).code, 0, "PAUSE ends ibg-pilot");
    assert.match(run.pilot.output(), /ALERT_AUTO_RESTART mode=paper status=paused/);
    assert.ok(
      existsSync(join(run.settingsDir, String(token.dir), "autorestart")),
      "the next start resumes",
    );
    assert.equal((await run.events()).filter((e) => e.event === "sim-start").length, 1);
  });
});

Deno.test("TWS: a rejected 2FA code gets one more code in the same window, then HALTED", async () => {
  // TWS knows another secret: every code is refused in place. Two codes, 3 s codes here.
  await withScenario({
    product: "tws",
    scenario: { twofa: { secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", timeoutMs: 120_000 } },
    totpPeriodS: 3,
  }, async (run) => {
    await run.line(
      /ALERT_2FA_FAILED mode=paper reason="the second-factor code was rejected twice"/,
      3_000 + TWOFA_CODE_VERDICT_MS + STEP_DEADLINE_MS,
    );
    const ev = await run.events();
    assert.deepEqual(ev.filter((e) => e.event === "twofa-result").map((e) => e.ok), [false, false]);
    assert.equal(ev.filter((e) => e.event === "login-attempt").length, 1, "password sent once");
    assert.ok(!find(ev, "click", { button: "Enter Read Only" }), "no read-only fallback");
  });
});

/** Reads the console's server-sent events until a snapshot satisfies `pred`. */
// deno-lint-ignore no-explicit-any
async function consoleSnapshot(port: number, pred: (j: any) => boolean): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${port}/console/events`);
  assert.equal(res.status, 200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    const deadline = setTimeout(() => reader.cancel(), STEP_DEADLINE_MS);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error("the console's event stream ended before the snapshot");
        buffer += value;
        for (let i = buffer.indexOf("\n\n"); i >= 0; i = buffer.indexOf("\n\n")) {
          const data = buffer.slice(0, i).split("\n").find((l) => l.startsWith("data: "));
          buffer = buffer.slice(i + 2);
          if (data && pred(JSON.parse(data.slice(6)))) return JSON.parse(data.slice(6));
        }
      }
    } finally {
      clearTimeout(deadline);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
