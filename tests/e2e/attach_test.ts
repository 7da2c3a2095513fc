/**
 * `ibg-pilot run --attach [PID]` end to end: the simulated Gateway is started by the test
 * WITHOUT our agent (tests/gateway-sim/run.ts launchSim, like a user starting Gateway from their
 * desktop), then the real ibg-pilot under -P=controller loads the agent into it through HotSpot's
 * attach mechanism. Assertions are on the sim's event log and on what stays running. ibg-pilot
 * gets no DISPLAY: an attached Gateway has its own. Every process is ended by the PID the test
 * started, and every file written is scanned for secrets.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { installSimGateway } from "../gateway-sim/install.ts";
import { launchSim, NO_DELAYS, type SimProcess, simSettingsDir } from "../gateway-sim/run.ts";
import { readSimEvents, type SimEvent, waitForSimEvent } from "../gateway-sim/events.ts";
import { baseEnv, runCli } from "../support/cli.ts";
import { type PilotProcess, startPilot } from "../support/pilot.ts";
import { startXvfb } from "../support/xvfb.ts";
import { find, freePort, scanForSecrets, SECRETS, STEP_DEADLINE_MS } from "./harness.ts";
import { processExists } from "../../lib/gateway/signals.ts";
import { pollUntil } from "../support/poll.ts";

const READY = /-> "?ready"?/;

/** One attach scenario: a running sim and a way to start ibg-pilot against it. */
interface AttachRun {
  dir: string;
  sim: SimProcess;
  env: Record<string, string>;
  sockets: string[];
  readyFile: string;
  apiPort: number;
  /**
   * Starts `ibg-pilot run --attach <sim pid> ...extra` (ended at the end if still running);
   * with `discover`, `--attach` without a PID: ibg-pilot finds the Gateway JVM itself.
   */
  attach(extra?: string[], opts?: { discover?: boolean }): PilotProcess;
  event(pred: (e: SimEvent) => boolean, what: string): Promise<SimEvent>;
  events(): Promise<SimEvent[]>;
}

/**
 * Starts Xvfb and the sim (no agent) with `scenario`, waits for its `waitFor` phase, runs `body`,
 * then ends every ibg-pilot and the sim by PID and scans the files for secrets.
 */
async function withAttachedSim(
  opts: { scenario?: Record<string, unknown>; waitFor: string; product?: "gateway" | "tws" },
  body: (run: AttachRun) => Promise<void>,
): Promise<void> {
  const xvfb = await startXvfb();
  const dir = await Deno.makeTempDir({ prefix: "ibgp-attach-" });
  const started = Date.now();
  const pilots: PilotProcess[] = [];
  let sim: SimProcess | undefined;
  try {
    const install = await installSimGateway({ root: join(dir, "Jts"), product: opts.product });
    const settingsDir = join(dir, "settings");
    const runtimeDir = join(dir, "rt");
    const eventsPath = join(dir, "sim-events.jsonl");
    const readyFile = join(dir, "ready");
    const apiPort = freePort();
    await simSettingsDir(settingsDir, apiPort);
    sim = await launchSim({
      install,
      settingsDir,
      display: xvfb.display,
      eventsPath,
      scenario: {
        credentials: { username: SECRETS.user, password: SECRETS.password },
        twofa: { secret: SECRETS.totp },
        delays: NO_DELAYS,
        ...opts.scenario,
      },
    });
    const s = sim;
    simExited.set(s, false);
    s.status.then(() => simExited.set(s, true));
    const event = (pred: (e: SimEvent) => boolean, what: string) =>
      waitForSimEvent(eventsPath, pred, { deadlineMs: STEP_DEADLINE_MS }).catch((e) => {
        const tails = pilots.map((p) => p.output().slice(-3000)).join("\n---\n");
        throw new Error(
          `${what}: ${e.message}\nsim output:\n${s.output().slice(-2000)}\n` +
            `ibg-pilot output:\n${tails}`,
        );
      });
    await event((e) => e.event === "phase" && e.name === opts.waitFor, `sim ${opts.waitFor}`);
    const env = baseEnv({
      TWS_PATH: install.twsPath,
      // Other tests' Gateways may run meanwhile: an attach without PID picks the one using this.
      TWS_SETTINGS_PATH: settingsDir,
      TWS_USERID: SECRETS.user,
      TWS_PASSWORD: SECRETS.password,
      TWOFACTOR_CODE: SECRETS.totp,
      TRADING_MODE: "paper",
      TWS_API_PORT: String(apiPort),
      PILOT_RUNTIME_DIR: runtimeDir,
      CONTROLLER_READY_FILE: readyFile,
      LOG_LEVEL: "debug",
      PILOT_CLEAN_LOGOUT_TIMEOUT: "10",
    });
    const sockets = ["live", "paper"].map((m) => join(runtimeDir, `agent-${m}.sock`));
    await body({
      dir,
      sim: s,
      env,
      sockets,
      readyFile,
      apiPort,
      attach(extra = [], attachOpts = {}) {
        const pid = attachOpts.discover ? [] : [String(s.pid)];
        const p = startPilot(["run", "--attach", ...pid, ...extra], env, {
          extraUnixSockets: sockets,
          logFile: join(dir, `pilot-${pilots.length}.log`),
        });
        pilots.push(p);
        return p;
      },
      event,
      events: () => readSimEvents(eventsPath),
    });
  } finally {
    for (const p of pilots) await p.stop(30_000);
    await sim?.stop();
    await xvfb.stop();
    try {
      await scanForSecrets(dir, started);
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }
}

/** Exit flags of the sims this file started, set the moment their status settles. */
const simExited = new WeakMap<SimProcess, boolean>();

/** True while the sim's JVM has not exited. */
async function simRunning(sim: SimProcess): Promise<boolean> {
  return !simExited.get(sim) && await processExists(sim.pid);
}

/** Waits for the ready file, written by an effect right after the READY line. */
async function readyFileWritten(path: string): Promise<void> {
  await pollUntil(() => existsSync(path), {
    deadlineMs: 5_000,
    name: "readyFileWritten",
    what: `ready file ${path} written`,
  });
}

Deno.test("attach at the login window: the agent is loaded, login, READY; Gateway's exit ends the run", async () => {
  await withAttachedSim({ waitFor: "login-frame" }, async (run) => {
    const pilot = run.attach();
    await pilot.waitForLine(READY, STEP_DEADLINE_MS);
    assert.match(pilot.output(), /attached to JVM \d+ in \d+ ms \(started its attach listener\)/);
    assert.match(run.sim.output(), /\[ibg-pilot-agent\] listening on /, "agentmain ran in the sim");
    const ev = await run.events();
    assert.equal(find(ev, "field-set", { field: "username" })?.value, SECRETS.user);
    assert.equal(find(ev, "field-set", { field: "password" })?.correct, true);
    assert.ok(find(ev, "click", { button: "Paper Log In" }));
    assert.equal(find(ev, "twofa-result")?.ok, true);
    assert.ok(find(ev, "api-client"), "READY came from a real API handshake");
    await readyFileWritten(run.readyFile);

    // Gateway goes away (the user closed it): ibg-pilot cannot start it the user's way; it exits 1.
    await run.sim.stop();
    const status = await pilot.status;
    assert.equal(status.code, 1);
    assert.match(
      pilot.output(),
      /the attached Gateway \(JVM \d+\) exited; ibg-pilot does not start/,
    );
    assert.ok(!existsSync(run.readyFile), "ready file removed");
  });
});

Deno.test("attach to a logged-in Gateway: READY with no clicks; SIGTERM detaches; a second attach without a PID finds it and reuses the agent", async () => {
  await withAttachedSim({
    scenario: {
      drive: { username: SECRETS.user, password: SECRETS.password, mode: "paper" },
      // Nothing left for the driver to click once the API is up.
      faults: { disclaimers: [] },
    },
    waitFor: "api",
  }, async (run) => {
    const before = (await run.events()).length;
    const first = run.attach();
    await first.waitForLine(READY, STEP_DEADLINE_MS);
    const mine = (await run.events()).slice(before);
    assert.ok(
      !mine.some((e) => ["click", "field-set", "toggle", "window-closing"].includes(e.event)),
      `no UI action after attaching: ${JSON.stringify(mine.map((e) => e.event))}`,
    );
    assert.ok(find(mine, "api-client"), "READY came from a real API handshake");

    first.signal("SIGTERM");
    assert.equal((await first.status).code, 0);
    assert.match(first.output(), /detaching from Gateway \(JVM \d+\): it keeps running/);
    assert.ok(await simRunning(run.sim), "Gateway still runs after ibg-pilot's SIGTERM");
    const after = (await run.events()).slice(before);
    assert.ok(!find(after, "session-released") && !find(after, "exit"), "Gateway not closed");
    assert.ok(!find(after, "api-closed"), "Gateway still logged in");

    // The agent stays loaded and serving: a later attach talks to it without loading it again.
    // This one is given no PID: it finds the Gateway JVM among the user's processes.
    const second = run.attach([], { discover: true });
    await second.waitForLine(READY, STEP_DEADLINE_MS);
    assert.match(second.output(), /still answers: reusing it/);
    assert.match(second.output(), new RegExp(`\\b${run.sim.pid}\\b`), "the sim's JVM was found");
    second.signal("SIGTERM");
    assert.equal((await second.status).code, 0);
    assert.ok(await simRunning(run.sim));
  });
});

Deno.test("attach --close-gateway: SIGTERM closes Gateway through its own exit path", async () => {
  await withAttachedSim({ waitFor: "login-frame" }, async (run) => {
    const pilot = run.attach(["--close-gateway"]);
    await pilot.waitForLine(READY, STEP_DEADLINE_MS);
    pilot.signal("SIGTERM");
    await run.event((e) => e.event === "session-released", "session released on SIGTERM");
    assert.equal((await pilot.status).code, 0);
    assert.equal((await run.sim.status).code, 0, "Gateway exited by itself, not by a signal");
    const ev = await run.events();
    assert.equal(find(ev, "exit")?.cause, "user");
  });
});

Deno.test("attach: bad input is one clear error, and nothing is started or signalled", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "ibgp-attach-bad-" });
  const env = baseEnv({
    TWS_USERID: SECRETS.user,
    TWS_PASSWORD: SECRETS.password,
    TRADING_MODE: "paper",
    PILOT_RUNTIME_DIR: join(dir, "rt"),
  });
  const noSockets = (): boolean =>
    !existsSync(join(dir, "rt", "agent-paper.sock")) &&
    !existsSync(join(dir, "rt", "agent-live.sock"));
  try {
    await t.step("a PID nothing runs under", async () => {
      const r = await runCli(["run", "--attach", "999999"], env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /No process 999999 is running\..*Fix: check the PID/);
      assert.match(r.stderr, /Nothing was started/);
      assert.ok(noSockets());
    });

    await t.step("a process that is not a Java VM (and is not sent SIGQUIT)", async () => {
      const sleep = new Deno.Command("sleep", { args: ["300"] }).spawn();
      try {
        const r = await runCli(["run", "--attach", String(sleep.pid)], env);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, new RegExp(`Process ${sleep.pid} is not a Java VM \\(sleep\\)`));
        assert.ok(await processExists(sleep.pid), "sleep is alive: no SIGQUIT reached it");
        assert.ok(!existsSync(`/tmp/.attach_pid${sleep.pid}`));
      } finally {
        sleep.kill("SIGKILL");
        await sleep.status;
      }
    });

    await t.step("a Java VM that is not Gateway", async () => {
      const src = join(dir, "Other.java");
      await Deno.writeTextFile(
        src,
        'class Other { public static void main(String[] a) throws Exception { System.out.println("up"); Thread.sleep(300000); } }',
      );
      const jvm = new Deno.Command("java", { args: [src], stdout: "piped", stderr: "null" })
        .spawn();
      try {
        // The source launcher compiles first: wait until main runs.
        const reader = jvm.stdout.getReader();
        const { value } = await reader.read();
        assert.match(new TextDecoder().decode(value), /up/);
        reader.releaseLock();
        const r = await runCli(["run", "--attach", String(jvm.pid)], env);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /is a Java VM but not IB Gateway or TWS \(it runs .*Other\.java/);
        assert.ok(await processExists(jvm.pid), "the other JVM is untouched");
        assert.ok(!existsSync(`/tmp/.java_pid${jvm.pid}`), "its attach listener was not started");
      } finally {
        jvm.kill("SIGKILL");
        await jvm.status;
        await jvm.stdout.cancel().catch(() => {});
      }
    });

    await t.step(
      "usage: both modes, a PID without --attach, a PID that is not a number",
      async () => {
        const both = await runCli(["run", "--attach", "--mode", "both"], env);
        assert.equal(both.code, 2);
        assert.match(both.stderr, /TRADING_MODE=both cannot be used with --attach/);
        const stray = await runCli(["run", "1234"], env);
        assert.equal(stray.code, 2);
        assert.match(stray.stderr, /a PID goes after --attach/);
        const word = await runCli(["run", "--attach", "gateway"], env);
        assert.equal(word.code, 2);
        assert.match(word.stderr, /--attach takes the PID of Gateway's java process/);
        const close = await runCli(["run", "--close-gateway"], env);
        assert.equal(close.code, 2);
        assert.match(close.stderr, /--close-gateway only applies with --attach/);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("attach to a running TWS (jclient.LoginFrame) at its login frame: login, READY; SIGTERM detaches", async () => {
  // The user's TWS has its API enabled (attach mode leaves its configuration alone).
  await withAttachedSim({
    product: "tws",
    waitFor: "login-frame",
    scenario: { api: { enabled: true } },
  }, async (run) => {
    const pilot = run.attach();
    await pilot.waitForLine(READY, STEP_DEADLINE_MS);
    assert.match(pilot.output(), /attached to JVM \d+/);
    // GATEWAY_OR_TWS is not set: the JVM's main class says it is TWS.
    assert.match(pilot.output(), /the JVM runs "tws": GATEWAY_OR_TWS="tws" for this run/);
    const ev = await run.events();
    assert.equal(find(ev, "sim-start")?.product, "tws");
    assert.ok(find(ev, "click", { button: "Paper Log In" }));
    assert.equal(find(ev, "twofa-result")?.ok, true);
    assert.ok(find(ev, "api-client"), "READY came from a real API handshake");
    pilot.signal("SIGTERM");
    assert.equal((await pilot.status).code, 0);
    assert.ok(await simRunning(run.sim), "TWS keeps running after ibg-pilot detaches");
    assert.ok(!find(await run.events(), "session-released"), "no logout: TWS stays logged in");
  });
});
