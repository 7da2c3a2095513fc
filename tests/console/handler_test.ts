/**
 * The console's HTTP security, driven through the health server's handler as a browser or an
 * attacker would: no token or a wrong one gets 401 (and no WebSocket), each failure from one
 * address waits longer, the right token gets an HttpOnly SameSite=Strict session cookie, a
 * foreign Origin cannot log in or upgrade, a loopback console without a token refuses a
 * rebound Host, every page carries the CSP, /health stays open, and the state feed never carries
 * a configured secret or an account id. Also: `run` refuses a console off loopback without token.
 */

import assert from "node:assert/strict";
import { ConsoleAuth } from "../../lib/console/auth.ts";
import { ConsoleFeed } from "../../lib/console/feed.ts";
import { consoleRoutes } from "../../lib/console/handler.ts";
import { healthHandler } from "../../lib/servers/health.ts";
import { PilotMetrics } from "../../lib/servers/metrics.ts";
import { addSecret, alert } from "../../lib/log.ts";
import { FakeTarget, status } from "../servers/helpers.ts";
import { baseEnv, runCli } from "../support/cli.ts";

const TOKEN = "console-token-0123456789abcdef";
const HOST = "127.0.0.1:8080";
const ORIGIN = `http://${HOST}`;

function setup(token: string | null = TOKEN) {
  const waits: number[] = [];
  const auth = new ConsoleAuth({
    token: token ?? undefined,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  const target = new FakeTarget();
  const feed = new ConsoleFeed({
    status: () => target.status(),
    control: false,
    mode: "paper",
    startedAt: 0,
  });
  const routes = consoleRoutes({ auth, feed, vnc: () => undefined, control: false });
  const handler = healthHandler({
    target,
    metrics: new PilotMetrics(),
    mode: "paper",
    startedAt: 0,
    console: routes,
  });
  const request = (path: string, init: RequestInit & { from?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has("host")) headers.set("host", HOST);
    return handler(new Request(`http://${HOST}${path}`, { ...init, headers }), init.from);
  };
  const login = (value: string, origin = ORIGIN) =>
    request("/console/login", {
      method: "POST",
      headers: { origin, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: value }).toString(),
      from: "203.0.113.7",
    });
  return {
    waits,
    target,
    request,
    login,
    async close() {
      feed.close();
      await routes.close();
    },
  };
}

Deno.test("no token, wrong token: 401; failures slow down; the right token gets a cookie", async () => {
  const c = setup();
  try {
    const page = await c.request("/console/");
    assert.equal(page.status, 401);
    assert.match(await page.text(), /name="token"/, "the login form");
    for (const path of ["/console/app.js", "/console/events"]) {
      const r = await c.request(path);
      assert.equal(r.status, 401, path);
      await r.body?.cancel();
    }
    assert.deepEqual(c.waits, [], "a request without credentials is not a failed attempt");

    for (let i = 0; i < 3; i++) {
      const r = await c.login("wrong-token");
      assert.equal(r.status, 401);
      assert.match(await r.text(), /Wrong token/);
    }
    assert.deepEqual(c.waits, [250, 500, 1000], "each failure waits longer");
    const bearer = await c.request("/console/", { headers: { authorization: "Bearer nope" } });
    assert.equal(bearer.status, 401);
    await bearer.body?.cancel();
    assert.equal(c.waits.length, 4, "a wrong bearer token counts too");

    const ok = await c.login(TOKEN);
    assert.equal(ok.status, 303);
    const cookie = ok.headers.get("set-cookie")!;
    assert.match(cookie, /^ibgp_console=[0-9a-f]{64}; Path=\/console; HttpOnly; SameSite=Strict/);
    assert.ok(!cookie.includes(TOKEN), "the cookie is not the token");
    const session = cookie.split(";")[0];
    const home = await c.request("/console/", { headers: { cookie: session } });
    assert.equal(home.status, 200);
    assert.match(home.headers.get("content-security-policy")!, /frame-ancestors 'none'/);
    assert.equal(home.headers.get("x-frame-options"), "DENY");
    const html = await home.text();
    assert.match(html, /id="screen"/);
    assert.ok(!html.includes(TOKEN));
    const app = await c.request("/console/app.js", { headers: { cookie: session } });
    assert.equal(app.status, 200);
    assert.ok((await app.text()).length > 50_000, "noVNC is bundled in");
    const script = await c.request("/console/", {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(script.status, 200, "scripts may use the bearer token");
    await script.body?.cancel();

    // /health and /metrics are untouched by the console.
    const health = await c.request("/health");
    assert.equal(health.status, 200);
    await health.body?.cancel();
  } finally {
    await c.close();
  }
});

Deno.test("WebSocket upgrade: 401 without a session, 403 from a foreign Origin", async () => {
  const c = setup();
  try {
    const upgrade = { connection: "Upgrade", upgrade: "websocket", origin: ORIGIN };
    const anon = await c.request("/console/vnc", { headers: upgrade });
    assert.equal(anon.status, 401, "no WebSocket without authentication");
    await anon.body?.cancel();
    const cookie = (await c.login(TOKEN)).headers.get("set-cookie")!.split(";")[0];
    const foreign = await c.request("/console/vnc", {
      headers: { ...upgrade, cookie, origin: "http://evil.example" },
    });
    assert.equal(foreign.status, 403, "no WebSocket from another origin");
    await foreign.body?.cancel();
    const crossLogin = await c.login(TOKEN, "http://evil.example");
    assert.equal(crossLogin.status, 403, "no login posted from another origin");
    await crossLogin.body?.cancel();
  } finally {
    await c.close();
  }
});

Deno.test("loopback without a token: open to loopback Host names only (DNS rebinding)", async () => {
  const c = setup(null);
  try {
    const local = await c.request("/console/");
    assert.equal(local.status, 200);
    await local.body?.cancel();
    const rebound = await c.request("/console/", { headers: { host: "evil.example:8080" } });
    assert.equal(rebound.status, 401);
    await rebound.body?.cancel();
  } finally {
    await c.close();
  }
});

Deno.test("the state feed carries the sessions and alerts, never a secret or account id", async () => {
  const c = setup();
  const secret = "Feed-Secret-Value-42";
  addSecret(secret);
  c.target.sessions = [status({ state: "HALTED", ready: false, reason: "passkey requested" })];
  try {
    alert("ALERT_HALTED", {
      mode: "paper",
      reason: `login of DU1234567 refused (${secret})`,
      remediation: "finish the login on the console",
    });
    const cookie = (await c.login(TOKEN)).headers.get("set-cookie")!.split(";")[0];
    const r = await c.request("/console/events", { headers: { cookie } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "text/event-stream");
    const reader = r.body!.getReader();
    const { value } = await reader.read();
    await reader.cancel();
    const text = new TextDecoder().decode(value);
    assert.match(text, /^event: snapshot\ndata: /);
    const snap = JSON.parse(text.split("data: ")[1]);
    assert.equal(snap.health.sessions[0].state, "HALTED");
    assert.equal(snap.timeline.at(-1).to, "HALTED");
    const halted = snap.alerts.find((a: { token: string }) => a.token === "ALERT_HALTED");
    assert.equal(halted.fields.remediation, "finish the login on the console");
    assert.ok(!text.includes(secret), "a configured secret reached the page");
    assert.ok(!/DU\d{5,}/.test(text), "an account id reached the page");
  } finally {
    await c.close();
  }
});

Deno.test("run refuses a console off loopback without a token, naming the fix", async () => {
  const r = await runCli(
    ["run"],
    baseEnv({
      TWS_USERID: "u",
      TWS_PASSWORD: "p-secret",
      PILOT_CONSOLE: "yes",
      CONTROLLER_HEALTH_SERVER_PORT: "18080",
      CONTROLLER_HEALTH_SERVER_HOST: "0.0.0.0",
    }),
  );
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /PILOT_CONSOLE=yes .* needs PILOT_CONSOLE_TOKEN/);
  assert.match(r.stderr, /Nothing was started/);
});

Deno.test("after close (shutdown) the console answers 503: nothing new holds the server open", async () => {
  const c = setup(null);
  await c.close();
  const r = await c.request("/console/events");
  assert.equal(r.status, 503);
  await r.body?.cancel();
});
