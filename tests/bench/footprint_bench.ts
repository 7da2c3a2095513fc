/**
 * ibg-pilot's footprint next to a bare Deno, both measured in the same run (the machine may be
 * busy, so the ratios are the numbers to compare): the wall time of `ibg-pilot version` and
 * `--help` against a hello-world script, and the controller's resident memory at READY (paper +
 * TOTP login on the simulator; without and with the health server, whose /metrics loads
 * prom-client) against an idle bare Deno process and a minimal controller that does the same
 * login (tests/bench/minimal_controller.ts). Prints; asserts nothing.
 */

import { join } from "node:path";
import { pilotArgs, ROOT } from "../support/cli.ts";
import { freePort, SECRETS, withScenario } from "../e2e/harness.ts";
import { wallClock } from "../../lib/util/wall_clock.ts";
import { installSimGateway } from "../gateway-sim/install.ts";
import { startXvfb } from "../support/xvfb.ts";
import { buildJavaCommand } from "../../lib/gateway/command.ts";
import { findInstall } from "../../lib/gateway/install.ts";
import { findJava, readJavaMajor } from "../../lib/gateway/jre.ts";
import { readVmOptions } from "../../lib/gateway/vmoptions.ts";
import { writeAgentJar } from "../../lib/ui/agent/embedded.ts";
import type { MinimalSpec } from "./minimal_controller.ts";
import { NO_DELAYS, simSettingsDir } from "../gateway-sim/run.ts";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall time of one `deno <args>` run to its exit, in ms. */
async function wallMs(args: string[]): Promise<number> {
  const started = performance.now();
  const r = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - started;
  if (!r.success) throw new Error(`deno ${args.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
  return ms;
}

/** One line of /proc/<pid>/status in MB (VmRSS: resident; RssFile: of it, file pages). */
function statusMb(pid: number, field: "VmRSS" | "RssFile"): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m")
    .exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  if (!m) throw new Error(`no ${field} for process ${pid}`);
  return Number(m[1]) / 1024;
}

/** Resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  return statusMb(pid, "VmRSS");
}

/**
 * What users run with, where the test harness differs: info logging, and IBKR's maintenance
 * window on (its time-zone arithmetic is part of every start), placed 12 hours from now in New
 * York so that the login never waits for it.
 */
function userDefaults(): Record<string, string> {
  const w = wallClock(Date.now() + 12 * 3600_000, "America/New_York");
  const hhmm = (m: number) =>
    `${String(Math.floor(m / 60) % 24).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  const start = w.hour * 60 + w.minute;
  return { LOG_LEVEL: "info", PILOT_MAINTENANCE_WINDOW: `${hhmm(start)}-${hhmm(start + 1)}` };
}

/** RSS of a bare Deno that has started and idles, in MB. */
async function bareIdleRssMb(script: string): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", script, "idle"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    // It prints once it runs: from then on its memory is a started runtime's.
    const reader = child.stdout.getReader();
    await reader.read();
    reader.releaseLock();
    return rssMb(child.pid);
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

/** Start-up wall times: `n` interleaved runs of each case, medians and ratios to bare Deno. */
async function startUp(hello: string, n: number): Promise<void> {
  const cases: [string, string[]][] = [
    ["bare deno (hello world)", ["run", "--quiet", hello]],
    ["ibg-pilot version", pilotArgs(["version"])],
    ["ibg-pilot --help", pilotArgs(["--help"])],
  ];
  // Warm the module cache once, then interleave the cases so load spikes hit them alike.
  for (const [, args] of cases) await wallMs(args);
  const times = new Map(cases.map(([name]) => [name, [] as number[]]));
  for (let i = 0; i < n; i++) {
    for (const [name, args] of cases) times.get(name)!.push(await wallMs(args));
  }
  const bare = median(times.get(cases[0][0])!);
  console.log(`start-up wall time, median of ${n} (same run, interleaved):`);
  for (const [name] of cases) {
    const ms = median(times.get(name)!);
    console.log(
      `  ${name.padEnd(36)} ${ms.toFixed(0).padStart(5)} ms   x${(ms / bare).toFixed(2)}`,
    );
  }
}

/** Resident memory at READY, without and with the health server, next to an idle bare Deno. */
async function atReady(hello: string, logins: number): Promise<void> {
  const bareRss = await bareIdleRssMb(hello);
  console.log(`resident memory (VmRSS), median of ${logins} paper + TOTP logins each:`);
  console.log(`  ${"bare deno, idle".padEnd(36)} ${bareRss.toFixed(1).padStart(5)} MB`);
  for (const health of [false, true]) {
    const samples: number[] = [];
    const fileBacked: number[] = [];
    for (let i = 0; i < logins; i++) {
      const port = freePort();
      const env: Record<string, string> = health
        ? { ...userDefaults(), CONTROLLER_HEALTH_SERVER_PORT: String(port) }
        : userDefaults();
      await withScenario({ env }, async (r) => {
        await r.line(/-> "?ready"?/);
        await r.readyFileWritten();
        // With the health server, /metrics is scraped once: the registry is fully built.
        if (health) await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        samples.push(rssMb(r.pilot.pid));
        fileBacked.push(statusMb(r.pilot.pid, "RssFile"));
      });
    }
    const rss = median(samples);
    const name = health ? "ibg-pilot at READY, /metrics scraped" : "ibg-pilot at READY";
    console.log(
      `  ${name.padEnd(36)} ${rss.toFixed(1).padStart(5)} MB   x${(rss / bareRss).toFixed(2)}   (${
        samples.map((x) => x.toFixed(1)).join(", ")
      })`,
    );
    const file = median(fileBacked);
    console.log(
      `    of it file pages (Deno's binary, shared) ${file.toFixed(1)} MB, private ${
        (rss - file).toFixed(1)
      } MB`,
    );
  }
}

/**
 * RSS at READY of tests/bench/minimal_controller.ts (one file, no library) on the same simulator:
 * the floor a Deno controller stands on here, run with ibg-pilot's runtime flags.
 */
async function minimalAtReady(): Promise<{ rss: number; file: number }> {
  const dir = await Deno.makeTempDir({ prefix: "ibg-pilot-minimal-" });
  const xvfb = await startXvfb();
  let child: Deno.ChildProcess | undefined;
  try {
    const install = await installSimGateway({ root: join(dir, "Jts") });
    const settingsDir = join(dir, "settings");
    const runtimeDir = join(dir, "rt");
    const apiPort = freePort();
    await simSettingsDir(settingsDir, apiPort);
    const scenario = join(dir, "scenario.json");
    await Deno.writeTextFile(
      scenario,
      JSON.stringify({
        credentials: { username: SECRETS.user, password: SECRETS.password },
        twofa: { secret: SECRETS.totp },
        delays: NO_DELAYS,
      }),
    );
    const gateway = findInstall({ twsPath: install.twsPath });
    const java = findJava({ programDir: gateway.programDir, pathEnv: Deno.env.get("PATH") });
    const socket = join(runtimeDir, "agent.sock");
    const command = buildJavaCommand({
      install: gateway,
      java: java.path,
      javaMajor: readJavaMajor(java.path),
      vmOptions: readVmOptions(gateway.vmoptionsFile),
      settingsDir,
      agent: { jar: await writeAgentJar(runtimeDir), socket },
    });
    const spec: MinimalSpec = {
      ...command,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: dir,
        DISPLAY: xvfb.display,
        IBG_SIM_SCENARIO: scenario,
        IBG_SIM_EVENTS: join(dir, "sim-events.jsonl"),
      },
      cwd: settingsDir,
      socket,
      apiPort,
      user: SECRETS.user,
      password: SECRETS.password,
      totpSecret: SECRETS.totp,
    };
    const specFile = join(dir, "spec.json");
    await Deno.writeTextFile(specFile, JSON.stringify(spec), { mode: 0o600 });
    child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--no-code-cache",
        "--v8-flags=--lite-mode",
        "--quiet",
        join(ROOT, "tests/bench/minimal_controller.ts"),
        specFile,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    reader.releaseLock();
    if (!new TextDecoder().decode(value).includes("READY")) {
      // What the simulator saw tells which step the minimal controller did not get past.
      console.log(await Deno.readTextFile(join(dir, "sim-events.jsonl")).catch(() => "no events"));
      throw new Error("no READY");
    }
    return { rss: rssMb(child.pid), file: statusMb(child.pid, "RssFile") };
  } finally {
    if (child) {
      // SIGTERM: the minimal controller ends the JVM it started, then itself.
      try {
        child.kill("SIGTERM");
      } catch { /* it already exited */ }
      await child.status;
    }
    await xvfb.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Runs the start-up (`n` runs each) and memory (`logins` logins each) measurements. */
export async function run(n = 9, logins = 2): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ibg-pilot-footprint-" });
  try {
    const hello = join(dir, "hello.ts");
    await Deno.writeTextFile(
      hello,
      'console.log("hello");\nif (Deno.args[0] === "idle") setInterval(() => {}, 60_000);\n',
    );
    await startUp(hello, n);
    await atReady(hello, logins);
    const minimal: { rss: number; file: number }[] = [];
    for (let i = 0; i < logins; i++) minimal.push(await minimalAtReady());
    const rss = median(minimal.map((m) => m.rss));
    const file = median(minimal.map((m) => m.file));
    const samples = minimal.map((m) => m.rss.toFixed(1)).join(", ");
    console.log(
      `  ${"a minimal controller at READY".padEnd(36)} ${rss.toFixed(1).padStart(5)} MB   ` +
        `(${samples}; tests/bench/minimal_controller.ts)`,
    );
    console.log(
      `    of it file pages (Deno's binary, shared) ${file.toFixed(1)} MB, private ${
        (rss - file).toFixed(1)
      } MB`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await run(Number(Deno.args[0] ?? 9), Number(Deno.args[1] ?? 2));
