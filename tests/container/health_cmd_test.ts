/**
 * `ibg-pilot health` (the real CLI under the controller permission set) against a real health
 * server: exit 0 and one line when ready, 1 and the reason when not, 1 and a clear message when
 * nobody answers, 2 for usage.
 */

import assert from "node:assert/strict";
import { startHealthServer } from "../../lib/servers/health.ts";
import { PilotMetrics } from "../../lib/servers/metrics.ts";
import type { SessionStatus } from "../../lib/servers/control.ts";
import type { Mode } from "../../lib/config/mod.ts";
import { FakeTarget, status } from "../servers/helpers.ts";
import { baseEnv, runCli } from "../support/cli.ts";
import { freePort } from "../support/net.ts";

async function withHealth(
  sessions: SessionStatus[],
  mode: Mode | "both",
  fn: (port: number) => Promise<void>,
): Promise<void> {
  const target = new FakeTarget();
  target.sessions = sessions;
  const server = await startHealthServer({
    hostname: "127.0.0.1",
    port: 0,
    target,
    metrics: new PilotMetrics(),
    mode,
    startedAt: Date.now(),
  });
  try {
    await fn(server.addr.port);
  } finally {
    await server.close();
  }
}

Deno.test("ready: exit 0 and one line on stdout (port from CONTROLLER_HEALTH_SERVER_PORT)", async () => {
  await withHealth([status()], "paper", async (port) => {
    const r = await runCli(
      ["health"],
      baseEnv({
        CONTROLLER_HEALTH_SERVER_PORT: String(port),
        CONTROLLER_HEALTH_SERVER_HOST: "0.0.0.0",
      }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "ready: paper READY (server version 187)\n");
    assert.equal(r.stderr, "");
  });
});

Deno.test("not ready: exit 1 with each session's state and reason", async () => {
  const sessions = [
    status({ mode: "live" }),
    status({
      mode: "paper",
      state: "LOGIN",
      ready: false,
      apiHandshakeOk: false,
      reason: "waiting for the second factor",
    }),
  ];
  await withHealth(sessions, "both", async (port) => {
    const r = await runCli(["health", "--port", String(port)]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(
      r.stderr,
      "not ready: live READY (server version 187), paper LOGIN (waiting for the second factor)\n",
    );
    // One session only: the ready one passes, the other does not.
    const live = await runCli(["health", "--port", String(port), "--mode", "live"]);
    assert.equal(live.code, 0, live.stderr);
    const paper = await runCli(["health", "--port", String(port), "--mode", "paper"]);
    assert.equal(paper.code, 1);
    assert.match(paper.stderr, /^not ready: paper LOGIN/);
  });
});

Deno.test("a READY claim without a handshake is not ready (positive evidence only)", async () => {
  await withHealth([status({ apiHandshakeOk: false })], "paper", async (port) => {
    const r = await runCli(["health", "--port", String(port)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^not ready: paper READY/);
  });
});

Deno.test("nobody listening: exit 1 naming the address and the setting", async () => {
  const port = freePort();
  const r = await runCli(["health", "--port", String(port)]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `^not ready: cannot reach the health server at http://127\\.0\\.0\\.1:${port}/health .*` +
        `CONTROLLER_HEALTH_SERVER_PORT=${port}\\?\\n$`,
    ),
  );
});

Deno.test("another HTTP server on the port, or a mode this ibg-pilot does not run: exit 1", async () => {
  await withHealth([status()], "paper", async (port) => {
    const r = await runCli(["health", "--port", String(port), "--mode", "live"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /this ibg-pilot runs no live session/);
  });
  const other = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("hello"),
  );
  try {
    const r = await runCli(["health", "--port", String(other.addr.port)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /answered HTTP 200 without ibg-pilot's health report/);
  } finally {
    await other.shutdown();
  }
});

Deno.test("usage: no port configured, bad flags: exit 2 with the fix", async () => {
  const none = await runCli(["health"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /CONTROLLER_HEALTH_SERVER_PORT is unset.*--port/);
  const badPort = await runCli(["health", "--port", "http"]);
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /--port must be a port 1-65535/);
  const badMode = await runCli(["health", "--port", "1", "--mode", "both"]);
  assert.equal(badMode.code, 2);
  assert.match(badMode.stderr, /--mode must be live or paper/);
  const help = await runCli(["health", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /HEALTHCHECK/);
});
