/**
 * End to end, PILOT_GATEWAY_INSTALL=upgrade: while READY, the channel (a local stand-in for
 * IBKR's host) publishes a newer simulator build; it is installed in the background and runs from
 * Gateway's next auto-restart, resuming with the token (no login form, no 2FA). A newer build that
 * cannot start is rolled back after two failures with ALERT_GATEWAY_ROLLBACK, and the previous
 * version resumes the session.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { compactVersion, tinyJar } from "../gateway-sim/install.ts";
import { type ChannelServer, simPayload, startChannelServer } from "../installer/channel_server.ts";
import { type Run, STEP_DEADLINE_MS, withScenario } from "./harness.ts";
import { loginTyped, perJvm } from "./jvm_events.ts";

const READY = /-> "?ready"?/g;
const OLD = "10.45.1j";
const NEW = "10.50.1d";

/** Waits until ibg-pilot's output matched `re` `n` times (a named deadline). */
async function nth(run: Run, re: RegExp, n: number, what: string): Promise<void> {
  const end = Date.now() + STEP_DEADLINE_MS;
  while ((run.pilot.output().match(re) ?? []).length < n) {
    if (Date.now() > end) {
      throw new Error(
        `${what} not seen within ${STEP_DEADLINE_MS} ms:\n` +
          run.pilot.output().slice(-4000),
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs an upgrade scenario: READY on OLD, NEW published, installed, then Gateway auto-restarts. */
async function upgradeScenario(
  payloadNew: (dir: string) => Promise<string>,
  extraEnv: Record<string, string>,
  body: (run: Run, server: ChannelServer) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ibgp-e2e-upgrade-" });
  const trigger = join(dir, "auto-restart-now");
  // The channel offers what is installed; the newer build is published once READY.
  const server = startChannelServer({
    stable: { version: OLD, payload: await simPayload(join(dir, "p-old"), OLD) },
  });
  const newPayload = await payloadNew(join(dir, "p-new"));
  try {
    await withScenario({
      scenario: { faults: { autoRestartWhenFile: trigger } },
      env: {
        PILOT_GATEWAY_INSTALL: "upgrade",
        PILOT_GATEWAY_DOWNLOAD_URL: server.base,
        PILOT_GATEWAY_UPGRADE_INTERVAL: "1",
        ...extraEnv,
      },
    }, async (run) => {
      await nth(run, READY, 1, "READY on the installed version");
      server.publish("stable", NEW, newPayload);
      await run.line(
        new RegExp(`Gateway "?${NEW.replace(/\./g, "\\.")}"? installed in the background`),
      );
      const jvms = perJvm(await run.events());
      assert.equal(jvms.length, 1, "the running Gateway was not touched by the install");
      await Deno.writeTextFile(trigger, "");
      await body(run, server);
    });
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.test("upgrade: a newer channel build is installed in the background and runs from the next restart, without 2FA", async () => {
  await upgradeScenario((d) => simPayload(d, NEW), {}, async (run) => {
    await nth(run, READY, 2, "READY on the new version");
    const [first, second] = perJvm(await run.events());
    assert.equal(first.find((e) => e.event === "sim-start")?.version, OLD);
    const start = second.find((e) => e.event === "sim-start");
    assert.equal(start?.version, NEW, "the restart launched the new version");
    assert.equal(start?.restart, true, "with the autorestart token");
    assert.equal(second.find((e) => e.event === "restart-resume")?.ok, true);
    assert.deepEqual(loginTyped(second), [], "no login form, no 2FA code");
    assert.ok(!second.some((e) => e.event === "phase" && e.name === "twofa"), "no 2FA");
  });
});

Deno.test("upgrade: a new build that cannot start is rolled back after two failures, with an alert", async () => {
  const broken = async (d: string) => {
    const programDir = await simPayload(d, NEW);
    // Gateway's main class is gone: the JVM ends before any window.
    await Deno.writeFile(
      join(programDir, "jars", `jts4launch-${compactVersion(NEW)}.jar`),
      tinyJar({ "META-INF/MANIFEST.MF": "Manifest-Version: 1.0\r\n\r\n" }),
    );
    return programDir;
  };
  await upgradeScenario(broken, { PILOT_CRASH_BACKOFF_INITIAL: "1" }, async (run) => {
    const alert = await run.line(/ALERT_GATEWAY_ROLLBACK .*/);
    assert.match(alert, new RegExp(`from="?${NEW.replace(/\./g, "\\.")}"?`));
    assert.match(alert, new RegExp(`to="?${OLD.replace(/\./g, "\\.")}"?`));
    assert.match(alert, /failures=2/);
    await nth(run, READY, 2, "READY again on the previous version");
    const starts = (await run.events()).filter((e) => e.event === "sim-start");
    assert.equal(starts.at(-1)?.version, OLD, "the previous version runs");
    assert.equal(starts.at(-1)?.restart, true, "and resumes the session with the token");
    const record = JSON.parse(
      await Deno.readTextFile(join(run.install.twsPath, "ibgateway", ".ibg-pilot-versions.json")),
    );
    assert.ok(record.bad[NEW], "the broken version stays skipped");
    // Both versions stay installed: the next channel build replaces the broken one.
    assert.ok(Deno.statSync(join(run.install.twsPath, "ibgateway", NEW, "jars")).isDirectory);
  });
});
