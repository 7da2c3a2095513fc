/**
 * ibg-pilot as the container starts it: no DISPLAY (it starts its own Xvfb), TRADING_MODE=both,
 * the API ports forwarded in-process. The forwarded ports refuse while the sessions are not READY
 * and answer a real TWS API handshake (to the right Gateway) after; SIGTERM logs both Gateways
 * out cleanly, then closes the forwards, then ends Xvfb, and ALERT_SHUTDOWN comes last. Our Xvfb
 * dying is an alert and exit 1.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { probeApi } from "../../lib/probe/mod.ts";
import { pollUntil } from "../support/poll.ts";
import { freePort, withScenario } from "./harness.ts";
import { DEFAULT_SIM_VERSION } from "../gateway-sim/install.ts";
import { displayReleasedBy } from "../support/xvfb.ts";

const MODES = ["live", "paper"] as const;
const HEALTHY_DEADLINE_MS = 15_000;

interface HealthBody {
  status: string;
  sessions: {
    mode: string;
    gateway_version: string | null;
    forward_port: number | null;
    forward_listening: boolean | null;
  }[];
}

/** /health once it answers 200 (the forwards open just after READY); the last body if not. */
async function healthyReport(port: number): Promise<HealthBody> {
  let last = "";
  return await pollUntil(async () => {
    const r = await fetch(`http://127.0.0.1:${port}/health`);
    last = await r.text();
    return r.status === 200 && JSON.parse(last) as HealthBody;
  }, { deadlineMs: HEALTHY_DEADLINE_MS, name: "HEALTHY_DEADLINE_MS", what: "/health healthy" })
    .catch((e) => {
      throw new Error(`${e.message} Last body: ${last}`);
    });
}

Deno.test("container: own Xvfb, both modes, forwards gated on READY, ordered shutdown", async () => {
  const forward = { live: freePort(), paper: freePort() };
  const healthPort = freePort();
  let xvfbPid: number | undefined;
  try {
    await withScenario({
      mode: "both",
      headless: true,
      env: {
        PILOT_API_FORWARD_PORT: String(forward.live),
        PILOT_API_FORWARD_PORT_PAPER: String(forward.paper),
        CONTROLLER_HEALTH_SERVER_PORT: String(healthPort),
      },
      // Gateway opens its API port a while after login: room to see the forwards refuse.
      scenario: { delays: { apiPortMs: 3000 } },
    }, async (run) => {
      const started = await run.line(/Xvfb started on display/);
      const m = /display "?:(\d+)"? \(pid (\d+)/.exec(started);
      assert.ok(m, `display and pid in: ${started}`);
      const display = m[1];
      xvfbPid = Number(m[2]);

      // Before READY: the forwarded port refuses. Gateway's own API port refusing right after
      // proves the session could not have been READY when the forward refused (READY needs a
      // handshake on that port, and Gateway never closes it again while logged in).
      for (const mode of MODES) {
        const outside = await probeApi({ port: forward[mode], timeoutMs: 2_000 });
        assert.equal(outside.error?.reason, "refused", `${mode} forward before READY`);
        const gateway = await probeApi({ port: run.side(mode).apiPort, timeoutMs: 2_000 });
        assert.equal(gateway.error?.reason, "refused", `${mode} Gateway API not up yet`);
      }

      await run.line(/session\.live: .*-> "?ready"?/);
      await run.line(/session\.paper: .*-> "?ready"?/);
      // Each forward opens on its own session's READY: wait for both, not the first of the two.
      for (const mode of MODES) {
        await run.line(new RegExp(`API forward open: \\S*:${forward[mode]} -> 127\\.0\\.0\\.1`));
      }
      // After READY: a full API session through each forward reaches that mode's Gateway.
      for (const [i, mode] of MODES.entries()) {
        const clientId = 70 + i;
        const r = await probeApi({ port: forward[mode], timeoutMs: 10_000, deep: { clientId } });
        assert.equal(r.ok, true, `${mode} forward: ${r.error?.message}`);
        assert.ok((r.serverVersion ?? 0) >= 100);
        assert.ok(r.nextValidId !== undefined, "START_API answered through the relay");
        await run.side(mode).event(
          (e) => e.event === "api-start" && e.clientId === clientId && e.ok === true,
          `${mode} Gateway served client ${clientId}`,
        );
      }

      // /health agrees: healthy, and each session's forwarded port is listening.
      const health = await healthyReport(healthPort);
      assert.deepEqual(
        health.sessions.map((s) => [s.mode, s.forward_port, s.forward_listening]),
        MODES.map((mode) => [mode, forward[mode], true]),
      );
      // The running build: the version directory of the install each JVM was launched from.
      assert.deepEqual(
        health.sessions.map((s) => s.gateway_version),
        MODES.map(() => DEFAULT_SIM_VERSION),
      );

      run.pilot.signal("SIGTERM");
      for (const mode of MODES) {
        await run.side(mode).event((e) => e.event === "session-released", `${mode} released`);
      }
      const status = await run.pilot.status;
      assert.equal(status.code, 0);

      for (const mode of MODES) {
        const after = await probeApi({ port: forward[mode], timeoutMs: 2_000 });
        assert.equal(after.error?.reason, "refused", `${mode} forward after shutdown`);
      }
      assert.ok(await displayReleasedBy(display, xvfbPid), `Xvfb's display :${display} is free`);
      assert.equal(existsSync(`/proc/${xvfbPid}`), false, "Xvfb has exited");

      // The order, as ibg-pilot reported it: clean logouts, forwards closed, Xvfb, then the alert.
      const out = run.pilot.output();
      const at = (re: RegExp, what: string) => {
        const i = out.search(re);
        assert.ok(i >= 0, `${what} not in the output`);
        return i;
      };
      const logouts = MODES.map((mode) =>
        at(
          new RegExp(`ALERT_CLEAN_LOGOUT mode=${mode} pid=\\d+ status=succeeded`),
          `${mode} logout`,
        )
      );
      const xvfbEnd = at(/Xvfb on display "?:\d+"? ended/, "Xvfb ended");
      const shutdown = at(/ALERT_SHUTDOWN modes=live,paper graceful=true exit_code=0/, "shutdown");
      for (const l of logouts) assert.ok(l < xvfbEnd, "Xvfb ended after both logouts");
      assert.ok(xvfbEnd < shutdown, "ALERT_SHUTDOWN after Xvfb ended");
      assert.equal(out.slice(shutdown).split("\n").filter((l) => l.trim()).length, 1, "last line");
    });
  } finally {
    // Only if ibg-pilot died without ending it (a failed run): Xvfb is ours through ibg-pilot.
    if (xvfbPid !== undefined && existsSync(`/proc/${xvfbPid}`)) {
      try {
        Deno.kill(xvfbPid, "SIGKILL");
      } catch { /* gone */ }
    }
  }
});

Deno.test("container: our Xvfb dying stops the session and exits 1 with ALERT_XVFB_EXITED", async () => {
  let xvfbPid: number | undefined;
  try {
    await withScenario({
      headless: true,
      env: { PILOT_API_FORWARD_PORT_PAPER: String(freePort()) },
    }, async (run) => {
      const started = await run.line(/Xvfb started on display/);
      xvfbPid = Number(/\(pid (\d+)/.exec(started)?.[1]);
      await run.line(/session\.paper: .*-> "?ready"?/);
      Deno.kill(xvfbPid, "SIGKILL");
      await run.line(/ALERT_XVFB_EXITED display="?:\d+"? code=\d+ signal=SIGKILL/);
      const status = await run.pilot.status;
      assert.equal(status.code, 1, "the restart policy must see a failure");
      assert.match(run.pilot.output(), /ALERT_SHUTDOWN modes=paper graceful=false exit_code=1/);
    });
  } finally {
    if (xvfbPid !== undefined && existsSync(`/proc/${xvfbPid}`)) {
      try {
        Deno.kill(xvfbPid, "SIGKILL");
      } catch { /* gone */ }
    }
  }
});
