/**
 * startContainer end to end in-process: Xvfb for a headless environment, its DISPLAY handed to
 * the JVM environment, the forward port following READY, close() in order (forwarders, then
 * Xvfb), Xvfb dying reported once, and a taken forward port refused before anything starts.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config/mod.ts";
import { ContainerError, startContainer } from "../../lib/container/mod.ts";
import { type AlertEvent, onAlert } from "../../lib/log.ts";
import { freePort } from "../support/net.ts";
import { xServerAccepts } from "./x11.ts";
import { displayLockPid, displayReleasedBy } from "../support/xvfb.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

function config(settings: Record<string, string>) {
  return loadConfig({ env: settings }).values;
}

Deno.test("headless: Xvfb for the JVM, the forward opens on READY and closes on leave", async () => {
  const gw = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const gwPort = (gw.addr as Deno.NetAddr).port;
  const outside = freePort();
  const failures: string[] = [];
  const c = await startContainer(
    config({ PILOT_API_FORWARD_PORT_PAPER: String(outside), PILOT_API_FORWARD_HOST: "127.0.0.1" }),
    { PATH, HOME: "/nonexistent" },
    { modes: ["paper"], apiPort: () => gwPort, onFailure: (r) => failures.push(r) },
  );
  const display = c.env.DISPLAY;
  let xvfbPid: number | undefined;
  try {
    assert.match(display, /^:\d+$/);
    assert.equal(c.env.HOME, "/nonexistent", "the rest of the environment is kept");
    assert.ok(await xServerAccepts(display));
    xvfbPid = await displayLockPid(display.slice(1)); // if this Xvfb writes a lock file
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: outside }));
    await c.readyChanged("paper", true);
    const client = await Deno.connect({ hostname: "127.0.0.1", port: outside });
    const upstream = await gw.accept();
    await client.write(new TextEncoder().encode("API\0"));
    const buf = new Uint8Array(4);
    assert.equal(await upstream.read(buf), 4);
    assert.equal(new TextDecoder().decode(buf), "API\0");
    await c.readyChanged("paper", false);
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: outside }));
    await c.readyChanged("live", true); // no live session here: nothing happens
    upstream.close();
    client.close();
  } finally {
    await c.close();
    gw.close();
  }
  assert.ok(await displayReleasedBy(display.slice(1), xvfbPid ?? 0), "Xvfb still running");
  assert.deepEqual(failures, [], "a requested stop is not a failure");
  assert.equal(c.failure, undefined);
});

Deno.test("a DISPLAY given and auto: nothing is started and the environment is unchanged", async () => {
  const env = { PATH, DISPLAY: ":99" };
  const c = await startContainer(config({}), env, {
    modes: ["live"],
    apiPort: () => 4001,
    onFailure: () => {},
  });
  assert.equal(c.xvfb, undefined);
  assert.equal(c.forwarders.size, 0);
  assert.deepEqual(c.env, env);
  await c.close();
});

Deno.test("Xvfb dying on its own: ALERT_XVFB_EXITED, onFailure once, failure set", async () => {
  const alerts: AlertEvent[] = [];
  const off = onAlert((e) => alerts.push(e));
  let failed!: (reason: string) => void;
  const failure = new Promise<string>((r) => failed = r);
  const c = await startContainer(config({ PILOT_API_FORWARD: "no" }), { PATH }, {
    modes: ["paper"],
    apiPort: () => 4002,
    onFailure: (r) => failed(r),
  });
  try {
    Deno.kill(c.xvfb!.pid, "SIGKILL");
    const reason = await failure;
    assert.match(reason, /^Xvfb \(display :\d+\) exited unexpectedly \(code \d+, SIGKILL\)$/);
    assert.equal(c.failure, reason);
    const a = alerts.filter((e) => e.token === "ALERT_XVFB_EXITED");
    assert.equal(a.length, 1);
    assert.equal(a[0].fields.display, c.env.DISPLAY);
    assert.equal(a[0].fields.signal, "SIGKILL");
  } finally {
    off();
    await c.close();
  }
});

Deno.test("a taken forward port is refused before Xvfb starts, naming the setting", async () => {
  const squatter = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (squatter.addr as Deno.NetAddr).port;
  try {
    await assert.rejects(
      startContainer(
        config({
          TRADING_MODE: "both",
          PILOT_API_FORWARD: "yes",
          PILOT_API_FORWARD_HOST: "127.0.0.1",
          PILOT_API_FORWARD_PORT: String(freePort()),
          PILOT_API_FORWARD_PORT_PAPER: String(port),
        }),
        { PATH, DISPLAY: ":99" },
        {
          modes: ["live", "paper"],
          apiPort: (m) => m === "live" ? 4001 : 4002,
          onFailure: () => {},
        },
      ),
      (e: Error) =>
        e instanceof ContainerError &&
        e.message.includes(`cannot listen on 127.0.0.1:${port} for the paper API forward`) &&
        e.message.includes("PILOT_API_FORWARD_PORT_PAPER") &&
        e.message.includes("PILOT_API_FORWARD=no"),
    );
  } finally {
    squatter.close();
  }
});

Deno.test("configuration problems are a ContainerError listing each", async () => {
  await assert.rejects(
    startContainer(config({ PILOT_XVFB: "no" }), { PATH }, {
      modes: ["paper"],
      apiPort: () => 4002,
      onFailure: () => {},
    }),
    (e: Error) =>
      e instanceof ContainerError && /DISPLAY is unset and PILOT_XVFB=no/.test(e.message),
  );
});
