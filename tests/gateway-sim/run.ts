/**
 * Starts an installed gateway simulator through its install4j-style launcher, the way a
 * controller starts Gateway, and ends it by the PID it started. Test support for the sim's own
 * tests and for end-to-end tests that want a simulator without a controller.
 */

import { join } from "node:path";
import type { SimInstall } from "./install.ts";

/** A running simulator JVM that this process started. */
export interface SimProcess {
  /** PID of the JVM (the launcher execs java, so it is the launcher's PID too). */
  pid: number;
  /** The settings directory (`-VjtsConfigDir`). */
  settingsDir: string;
  /** The event log path. */
  eventsPath: string;
  /** Resolves when the JVM exits. */
  status: Promise<Deno.CommandStatus>;
  /** What the JVM printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s); resolves with the exit status. */
  stop(graceMs?: number): Promise<Deno.CommandStatus>;
  /**
   * Moves the sim's wall clock (TOTP windows, Lock and Exit) to `epochMs` from now on, through
   * its clock file (scenario objects only), instead of waiting for a real window or minute.
   */
  setClock(epochMs: number): Promise<void>;
}

/** Scenario delays, all 0: the sim answers at once (tests wait for its events, not for time). */
export const NO_DELAYS = {
  startMs: 0,
  connectMs: 0,
  authMs: 0,
  postAuthMs: 0,
  splashMs: 0,
  apiPortMs: 0,
};

/** Creates a settings directory whose jts.ini gives the sim its own API port (tests run in parallel). */
export async function simSettingsDir(settingsDir: string, apiPort: number): Promise<void> {
  await Deno.mkdir(settingsDir, { recursive: true });
  await Deno.writeTextFile(
    join(settingsDir, "jts.ini"),
    `[IBGateway]\nLocalServerPort=${apiPort}\n`,
  );
}

/** Options for {@link launchSim}. */
export interface LaunchSimOptions {
  install: SimInstall;
  settingsDir: string;
  /** A scenario object (written next to the settings dir) or the path of a scenario file. */
  scenario?: Record<string, unknown> | string;
  /** X display, e.g. from startXvfb(). */
  display: string;
  /** Default `<settingsDir>/sim-events.jsonl`. */
  eventsPath?: string;
  /** Passed as INSTALL4J_ADD_VM_PARAMS (e.g. `-Drestart=<dir>`). */
  vmParams?: string[];
  /** Extra environment. */
  env?: Record<string, string>;
}

/** Launches `<programDir>/ibgateway -VjtsConfigDir=<settingsDir>` with the scenario and display. */
export async function launchSim(opts: LaunchSimOptions): Promise<SimProcess> {
  await Deno.mkdir(opts.settingsDir, { recursive: true });
  const eventsPath = opts.eventsPath ?? join(opts.settingsDir, "sim-events.jsonl");
  let scenarioPath = "";
  const clockFile = `${opts.settingsDir.replace(/\/$/, "")}.clock`;
  if (typeof opts.scenario === "string") {
    scenarioPath = opts.scenario;
  } else if (opts.scenario) {
    scenarioPath = `${opts.settingsDir.replace(/\/$/, "")}.scenario.json`;
    const scenario = { clock: { file: clockFile }, ...opts.scenario };
    await Deno.writeTextFile(scenarioPath, JSON.stringify(scenario, null, 2));
  }
  const env: Record<string, string> = {
    DISPLAY: opts.display,
    IBG_SIM_EVENTS: eventsPath,
    INSTALL4J_ADD_VM_PARAMS: (opts.vmParams ?? []).join(" "),
    ...opts.env,
  };
  if (scenarioPath) env.IBG_SIM_SCENARIO = scenarioPath;
  const child = new Deno.Command(opts.install.launcher, {
    args: [`-VjtsConfigDir=${opts.settingsDir}`, "-VinstallerType=standalone"],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const drain = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of s) text = (text + dec.decode(chunk)).slice(-20_000);
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const status = child.status.then(async (s) => {
    await drained.catch(() => {});
    return s;
  });
  let stopping: Promise<Deno.CommandStatus> | undefined;
  return {
    pid: child.pid,
    settingsDir: opts.settingsDir,
    eventsPath,
    status,
    output: () => text,
    async setClock(epochMs) {
      if (typeof opts.scenario !== "object") throw new Error("setClock needs a scenario object");
      await Deno.writeTextFile(clockFile, String(Math.round(epochMs - Date.now())));
    },
    stop(graceMs = 5000) {
      stopping ??= (async () => {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
        const timer = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* already gone */ }
        }, graceMs);
        const s = await status;
        clearTimeout(timer);
        return s;
      })();
      return stopping;
    },
  };
}
