/** The health server over a real socket: /health per state, /ready, /metrics, HEAD, 404. */

import assert from "node:assert/strict";
import parsePrometheus from "parse-prometheus-text-format";
import { startHealthServer } from "../../lib/servers/health.ts";
import { PilotMetrics } from "../../lib/servers/metrics.ts";
import type { SessionStatus } from "../../lib/servers/control.ts";
import type { Mode } from "../../lib/config/mod.ts";
import { alert } from "../../lib/log.ts";
import { FakeTarget, status } from "./helpers.ts";

interface PromFamily {
  name: string;
  help: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string; buckets?: Record<string, string> }[];
}
const parseProm = parsePrometheus as unknown as (text: string) => PromFamily[];

const NOW = 1_700_000_100_000;
const STARTED = NOW - 3_600_000;

async function withHealth(
  sessions: SessionStatus[],
  mode: Mode | "both",
  fn: (base: string, metrics: PilotMetrics, target: FakeTarget) => Promise<void>,
): Promise<void> {
  const target = new FakeTarget();
  target.sessions = sessions;
  const metrics = new PilotMetrics({ startedAt: STARTED, now: () => NOW, version: "9.9.9" });
  metrics.setStatusSource(() => target.status());
  const server = await startHealthServer({
    hostname: "127.0.0.1",
    port: 0,
    target,
    metrics,
    mode,
    startedAt: STARTED,
    now: () => NOW,
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, metrics, target);
  } finally {
    await server.close();
  }
}

async function getJson(url: string, method = "GET") {
  const r = await fetch(url, { method });
  const text = await r.text();
  return {
    code: r.status,
    type: r.headers.get("content-type"),
    text,
    body: text ? JSON.parse(text) : null,
  };
}

const STATES: [string, Partial<SessionStatus>, number][] = [
  ["STARTING", {
    state: "STARTING",
    ready: false,
    jvmPid: null,
    jvmAlive: false,
    apiPortOpen: false,
    apiHandshakeOk: false,
    serverVersion: null,
    lastAuthSuccessAt: null,
  }, 503],
  ["LOGGING_IN", {
    state: "LOGGING_IN",
    ready: false,
    apiPortOpen: false,
    apiHandshakeOk: false,
    serverVersion: null,
    lastAuthSuccessAt: null,
  }, 503],
  ["TWO_FA", {
    state: "TWO_FA",
    ready: false,
    apiPortOpen: false,
    apiHandshakeOk: false,
    lastAuthSuccessAt: null,
  }, 503],
  ["port open but no handshake", { state: "LOGGED_IN", ready: false, apiHandshakeOk: false }, 503],
  ["READY claimed without handshake evidence", {
    state: "READY",
    ready: true,
    apiHandshakeOk: false,
  }, 503],
  ["READY", {}, 200],
  ["READY, forwarded port listening", { forward: { port: 4004, listening: true } }, 200],
  ["READY but the forwarded port cannot be opened", {
    forward: { port: 4004, listening: false, error: "0.0.0.0:4004: Address in use" },
  }, 503],
  ["HALTED", {
    state: "HALTED",
    ready: false,
    jvmAlive: false,
    jvmPid: null,
    reason: "login failed 3 times",
  }, 503],
  ["STOPPING", { state: "STOPPING", ready: false }, 503],
];

for (const [name, over, code] of STATES) {
  Deno.test(`/health in state ${name} -> ${code}`, async () => {
    await withHealth([status(over)], "paper", async (base) => {
      const r = await getJson(`${base}/health`);
      assert.equal(r.code, code);
      assert.equal(r.type, "application/json");
      const b = r.body;
      assert.equal(b.status, code === 200 ? "healthy" : "unhealthy");
      assert.equal(b.mode, "paper");
      assert.equal(b.state, over.state ?? "READY");
      assert.equal(b.version, "0.1.0");
      for (
        const k of [
          "jvm_pid",
          "jvm_alive",
          "api_port",
          "api_port_open",
          "api_handshake_ok",
          "server_version",
          "last_auth_success_ts",
          "last_auth_success_age_seconds",
          "uptime_seconds",
        ]
      ) assert.ok(k in b, `field ${k}`);
      assert.equal(b.uptime_seconds, 3600);
      assert.equal(b.sessions.length, 1);
      if (code === 200) {
        assert.equal(b.last_auth_success_ts, 1_700_000_000);
        assert.equal(b.last_auth_success_age_seconds, 100);
        assert.equal(b.server_version, 187);
      }
      // Liveness stays up whatever the state.
      const ready = await getJson(`${base}/ready`);
      assert.equal(ready.code, 200);
      assert.deepEqual(ready.body, { status: "up" });
    });
  });
}

Deno.test("TRADING_MODE=both: healthy only when both are ready; top level shows the one that is not", async () => {
  const live = status({ mode: "live", apiPort: 4001 });
  const paper = status({ mode: "paper", state: "TWO_FA", ready: false, apiHandshakeOk: false });
  await withHealth([live, paper], "both", async (base) => {
    const r = await getJson(`${base}/health`);
    assert.equal(r.code, 503);
    assert.equal(r.body.mode, "both");
    assert.equal(r.body.state, "TWO_FA");
    assert.equal(r.body.api_port, 4002);
    assert.deepEqual(r.body.sessions.map((s: { mode: string }) => s.mode), ["live", "paper"]);
    assert.equal((await getJson(`${base}/health/live`)).code, 200);
    const p = await getJson(`${base}/health/paper`);
    assert.equal(p.code, 503);
    assert.equal(p.body.mode, "paper");
  });
  await withHealth([live, status()], "both", async (base) => {
    const r = await getJson(`${base}/health`);
    assert.equal(r.code, 200);
    assert.equal(r.body.state, "READY");
    assert.equal(r.body.api_port, 4001);
  });
});

Deno.test("the forwarded port is reported, and a READY session without it says why", async () => {
  const error = "0.0.0.0:4004: Address already in use; free port 4004";
  // As the supervisor reports it: a READY session's reason is the cause of READY.
  const cause = "API answered the handshake (server version 187)";
  await withHealth(
    [status({ reason: cause, forward: { port: 4004, listening: false, error } })],
    "paper",
    async (base) => {
      const r = await getJson(`${base}/health`);
      assert.equal(r.code, 503);
      assert.equal(r.body.state, "READY");
      assert.equal(r.body.forward_port, 4004);
      assert.equal(r.body.forward_listening, false);
      assert.equal(r.body.reason, `the forwarded API port 4004 is not listening (${error})`);
    },
  );
  await withHealth([status()], "paper", async (base) => {
    const r = await getJson(`${base}/health`);
    assert.equal(r.code, 200);
    assert.equal(r.body.forward_port, null);
    assert.equal(r.body.forward_listening, null);
    assert.equal(r.body.reason, null);
  });
});

Deno.test("no session yet: 503; a mode that is not running: 404", async () => {
  await withHealth([], "live", async (base) => {
    const r = await getJson(`${base}/health`);
    assert.equal(r.code, 503);
    assert.equal(r.body.state, "STARTING");
    assert.equal((await getJson(`${base}/health/paper`)).code, 404);
  });
});

Deno.test("HEAD works without a body; unknown paths and methods get JSON errors", async () => {
  await withHealth([status({ state: "TWO_FA", ready: false })], "paper", async (base) => {
    const h = await getJson(`${base}/health`, "HEAD");
    assert.equal(h.code, 503);
    assert.equal(h.text, "");
    const ok = await getJson(`${base}/ready`, "HEAD");
    assert.equal(ok.code, 200);
    const m = await fetch(`${base}/metrics`, { method: "HEAD" });
    assert.equal(m.status, 200);
    assert.equal(await m.text(), "");
    const nf = await getJson(`${base}/nope?x=1`);
    assert.equal(nf.code, 404);
    assert.deepEqual(nf.body, { error: "not_found" });
    const post = await fetch(`${base}/health`, { method: "POST" });
    assert.equal(post.status, 405);
    await post.body?.cancel();
  });
});

Deno.test("/metrics parses as Prometheus text and follows the naming rules", async () => {
  await withHealth([status({ mode: "live", apiPort: 4001 })], "live", async (base, metrics) => {
    metrics.loginAttempt("live", "success");
    metrics.loginAttempt("live", "bad_credentials");
    metrics.twoFactor("live", "totp_submitted");
    metrics.dialogHandled("live", "paper_account_warning");
    metrics.jvmStarted("live");
    metrics.jvmExited("live", "clean");
    metrics.apiHandshake("live", 0.042, true);
    metrics.commandHandled("STOP", true);
    const unsubscribe = metrics.subscribeAlerts();
    alert("ALERT_LOGIN_FAILED", { mode: "live", reason: "bad-credentials" });
    unsubscribe();
    const r = await fetch(`${base}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    const families = parseProm(text);
    const by = new Map(families.map((f) => [f.name, f]));
    for (const f of families) {
      assert.match(f.name, /^ibg_pilot_[a-z0-9_]+$/, f.name);
      if (f.type === "counter") assert.match(f.name, /_total$/, f.name);
      assert.ok(f.help.length > 0, `${f.name} has help`);
    }
    const value = (name: string, labels: Record<string, string>) =>
      by.get(name)?.metrics.find((m) =>
        Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)
      )?.value;
    assert.equal(value("ibg_pilot_build_info", { version: "9.9.9" }), "1");
    assert.equal(value("ibg_pilot_uptime_seconds", {}), "3600");
    assert.equal(value("ibg_pilot_state", { mode: "live", state: "READY" }), "1");
    assert.equal(value("ibg_pilot_ready", { mode: "live" }), "1");
    assert.equal(value("ibg_pilot_jvm_up", { mode: "live" }), "1");
    assert.equal(value("ibg_pilot_api_port_open", { mode: "live" }), "1");
    assert.equal(value("ibg_pilot_api_handshake_ok", { mode: "live" }), "1");
    assert.equal(value("ibg_pilot_api_server_version", { mode: "live" }), "187");
    assert.equal(
      value("ibg_pilot_last_auth_success_timestamp_seconds", { mode: "live" }),
      "1700000000",
    );
    assert.equal(value("ibg_pilot_login_attempts_total", { outcome: "success" }), "1");
    assert.equal(value("ibg_pilot_login_attempts_total", { outcome: "bad_credentials" }), "1");
    assert.equal(value("ibg_pilot_twofa_prompts_total", { outcome: "totp_submitted" }), "1");
    assert.equal(value("ibg_pilot_dialogs_handled_total", { kind: "paper_account_warning" }), "1");
    assert.equal(value("ibg_pilot_jvm_starts_total", { mode: "live" }), "1");
    assert.equal(value("ibg_pilot_jvm_exits_total", { kind: "clean" }), "1");
    assert.equal(value("ibg_pilot_alerts_total", { token: "ALERT_LOGIN_FAILED" }), "1");
    assert.equal(value("ibg_pilot_commands_total", { command: "STOP" }), "1");
    const hist = by.get("ibg_pilot_api_handshake_duration_seconds");
    assert.equal(hist?.type, "HISTOGRAM");
    assert.equal(hist?.metrics[0].buckets?.["0.05"], "1");
  });
});

Deno.test("state metric follows the supervisor: one current state per mode", async () => {
  await withHealth(
    [status({ state: "TWO_FA", ready: false })],
    "paper",
    async (base, _m, target) => {
      const first = parseProm(await (await fetch(`${base}/metrics`)).text());
      const st = first.find((f) => f.name === "ibg_pilot_state")!;
      assert.deepEqual(st.metrics.map((m) => m.labels?.state), ["TWO_FA"]);
      target.sessions = [status()];
      const second = parseProm(await (await fetch(`${base}/metrics`)).text());
      const st2 = second.find((f) => f.name === "ibg_pilot_state")!;
      assert.deepEqual(st2.metrics.map((m) => m.labels?.state), ["READY"]);
      assert.equal(second.find((f) => f.name === "ibg_pilot_ready")!.metrics[0].value, "1");
    },
  );
});
