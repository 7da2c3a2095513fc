/**
 * End-to-end harness: a private Xvfb, the simulated Gateway installed in a temporary directory,
 * and the real ibg-pilot (`deno run -P=controller main.ts run`) with the real agent. Assertions
 * are made on the simulator's event log (what Gateway's GUI received), and every test ends with
 * a scan of everything written for the test secrets and account ids.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { installSimGateway, type SimInstall } from "../gateway-sim/install.ts";
import { readSimEvents, type SimEvent, waitForSimEvent } from "../gateway-sim/events.ts";
import { baseEnv } from "../support/cli.ts";
import { type PilotProcess, startPilot } from "../support/pilot.ts";
import { startXvfb, type Xvfb } from "../support/xvfb.ts";
import { totpAt } from "../../lib/totp/mod.ts";
import { IBKR_TOTP } from "../../lib/config/types.ts";
import { freePort } from "../support/net.ts";
import { type A11yStack, startA11yStack } from "../support/a11y.ts";
import { socketPathOf } from "../../lib/ui/atspi/dbus.ts";
import { STRAY_ERROR_MARK } from "../../lib/app/stray_errors.ts";
import { pollUntil } from "../support/poll.ts";
import { NO_DELAYS, simSettingsDir } from "../gateway-sim/run.ts";

export { freePort };

/** The test secrets: none of them may appear in any output. */
export const SECRETS = {
  user: "simuser",
  password: "e2e-Pa55word!",
  totp: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
};

/** How long a scenario may take to reach an expected point. */
export const STEP_DEADLINE_MS = 45_000;

let xvfb: Xvfb | undefined;
let users = 0;

/** One Xvfb per test file, started on first use and ended when the last user is done. */
async function display(): Promise<Xvfb> {
  users++;
  xvfb ??= await startXvfb();
  return xvfb;
}

async function releaseDisplay(): Promise<void> {
  users--;
  if (users === 0 && xvfb) {
    const x = xvfb;
    xvfb = undefined;
    await x.stop();
  }
}

/** A running scenario. */
export interface Run {
  dir: string;
  install: SimInstall;
  settingsDir: string;
  eventsPath: string;
  readyFile: string;
  apiPort: number;
  pilot: PilotProcess;
  /** The environment ibg-pilot runs with, and the extra Unix sockets it may use. */
  env: Record<string, string>;
  sockets: string[];
  /** Waits for a sim event. */
  event(pred: (e: SimEvent) => boolean, what: string, deadlineMs?: number): Promise<SimEvent>;
  events(): Promise<SimEvent[]>;
  /** Waits for an ibg-pilot log line. */
  line(re: RegExp, deadlineMs?: number): Promise<string>;
  /** Waits until the ready file exists (written right after the READY transition). */
  readyFileWritten(deadlineMs?: number): Promise<void>;
  /** One trading mode's Gateway (in both mode each has its own settings, port and event log). */
  side(mode: "live" | "paper"): Side;
  /**
   * Moves the simulators' wall clock (TOTP windows, Lock and Exit) to `epochMs` from now on;
   * the event log keeps real timestamps. Instead of waiting for a real window or minute.
   */
  setSimClock(epochMs: number): Promise<void>;
}

/** One simulated Gateway of a run. */
export interface Side {
  mode: "live" | "paper";
  settingsDir: string;
  eventsPath: string;
  readyFile: string;
  apiPort: number;
  event(pred: (e: SimEvent) => boolean, what: string, deadlineMs?: number): Promise<SimEvent>;
  events(): Promise<SimEvent[]>;
}

/** Options of a scenario run. */
export interface RunOptions {
  scenario?: Record<string, unknown>;
  env?: Record<string, string>;
  mode?: "live" | "paper" | "both";
  /** Scenario parts for one side only (merged over `scenario`); mostly for both mode. */
  scenarioFor?: { live?: Record<string, unknown>; paper?: Record<string, unknown> };
  /**
   * Run as the container image does: no DISPLAY in ibg-pilot's environment, so it starts its own
   * Xvfb and forwards the API ports (PILOT_XVFB / PILOT_API_FORWARD auto).
   */
  headless?: boolean;
  /** Bring up a private session bus and the AT-SPI bus for this run (UI_DRIVER=atspi tests). */
  a11y?: boolean;
  /** Run Trader Workstation (the sim's TWS mode, GATEWAY_OR_TWS=tws) instead of IB Gateway. */
  product?: "gateway" | "tws";
  /** Start the sim with `-Drestart` style token present: write one before start. */
  prepare?: (settingsDir: string) => Promise<void>;
  /**
   * TOTP codes of this many seconds instead of 30: TWOFACTOR_CODE becomes an otpauth:// URI with
   * this period (margin 1 s) and the sims use it too, so a test that needs another code (after a
   * rejected one, or a second login) waits seconds for it, not a real 30 s window.
   */
  totpPeriodS?: number;
}

/**
 * Runs ibg-pilot against the simulator with `opts`, calls `body`, then stops ibg-pilot (SIGTERM
 * unless it already exited), removes everything and scans all outputs for secrets.
 */
export async function withScenario(
  opts: RunOptions,
  body: (run: Run) => Promise<void>,
): Promise<void> {
  const x = await display();
  const dir = await Deno.makeTempDir({ prefix: "ibgp-e2e-" });
  const started = Date.now();
  let pilot: PilotProcess | undefined;
  let stack: A11yStack | undefined;
  try {
    if (opts.a11y) stack = await startA11yStack({ display: x.display });
    const install = await installSimGateway({ root: join(dir, "Jts"), product: opts.product });
    const both = opts.mode === "both";
    const modes: ("live" | "paper")[] = opts.mode === "both"
      ? ["live", "paper"]
      : [opts.mode ?? "paper"];
    const settingsBase = join(dir, "settings");
    const runtimeDir = join(dir, "rt");
    const readyBase = join(dir, "ready");
    const sides = new Map<"live" | "paper", Omit<Side, "event" | "events">>();
    // Every sim of the run reads its clock offset from here (tests/gateway-sim SimClock.java).
    const clockFile = join(dir, "sim-clock-offset");
    const period = opts.totpPeriodS ?? 30;
    const simBase = { clock: { file: clockFile }, twofa: { period } };
    for (const mode of modes) {
      const settingsDir = both ? `${settingsBase}_${mode}` : settingsBase;
      sides.set(mode, {
        mode,
        settingsDir,
        // In both mode the two sims share one environment: each logs into its own settings dir.
        eventsPath: both ? join(settingsDir, "sim-events.jsonl") : join(dir, "sim-events.jsonl"),
        readyFile: both ? `${readyBase}_${mode}` : readyBase,
        apiPort: freePort(),
      });
      await simSettingsDir(settingsDir, sides.get(mode)!.apiPort);
      await opts.prepare?.(settingsDir);
      if (both) {
        await Deno.writeTextFile(
          join(settingsDir, "sim-scenario.json"),
          scenarioJson(simBase, opts.scenario, opts.scenarioFor?.[mode]),
        );
      }
    }
    const first = sides.get(modes[0])!;
    const { settingsDir, eventsPath, apiPort } = first;
    const readyFile = first.readyFile;
    const scenarioPath = join(dir, "scenario.json");
    if (!both) {
      await Deno.writeTextFile(
        scenarioPath,
        scenarioJson(simBase, opts.scenario, opts.scenarioFor?.[modes[0]]),
      );
    }
    const env = baseEnv({
      ...(opts.headless ? {} : { DISPLAY: x.display }),
      TWS_PATH: install.twsPath,
      ...(opts.product === "tws" ? { GATEWAY_OR_TWS: "tws" } : {}),
      TWS_SETTINGS_PATH: settingsBase,
      TWS_USERID: SECRETS.user,
      TWS_PASSWORD: SECRETS.password,
      ...(opts.totpPeriodS
        ? {
          TWOFACTOR_CODE:
            `otpauth://totp/IBKR:${SECRETS.user}?secret=${SECRETS.totp}&period=${period}`,
          PILOT_TOTP_MARGIN_SECONDS: "1",
        }
        : { TWOFACTOR_CODE: SECRETS.totp }),
      TRADING_MODE: opts.mode ?? "paper",
      TWS_API_PORT: String(apiPort),
      ...(both ? { TWS_API_PORT_PAPER: String(sides.get("paper")!.apiPort) } : {}),
      PILOT_RUNTIME_DIR: runtimeDir,
      CONTROLLER_READY_FILE: readyBase,
      LOG_LEVEL: "debug",
      PILOT_CLEAN_LOGOUT_TIMEOUT: "10",
      // Relaunches inside IBKR's nightly window (23:30-00:30 New York) would wait for its end.
      PILOT_MAINTENANCE_WINDOW: "off",
      ...(both ? {} : { IBG_SIM_EVENTS: eventsPath, IBG_SIM_SCENARIO: scenarioPath }),
      ...stack?.env,
      ...opts.env,
    });
    const sockets = ["live", "paper"].map((m) => join(runtimeDir, `agent-${m}.sock`));
    if (stack) sockets.push(socketPathOf(stack.sessionAddress), socketPathOf(stack.a11yAddress));
    pilot = startPilot(["run"], env, {
      extraUnixSockets: sockets,
      logFile: join(dir, "pilot-output.log"),
    });
    const p = pilot;
    await body({
      dir,
      install,
      settingsDir,
      eventsPath,
      readyFile,
      apiPort,
      pilot: p,
      env,
      sockets,
      event: (pred, what, deadlineMs = STEP_DEADLINE_MS) =>
        waitForSide(first, p, pred, what, deadlineMs),
      events: () => readSimEvents(eventsPath),
      side: (mode) => {
        const side = sides.get(mode);
        if (!side) throw new Error(`this run has no ${mode} side (mode ${opts.mode ?? "paper"})`);
        return {
          ...side,
          event: (pred, what, deadlineMs = STEP_DEADLINE_MS) =>
            waitForSide(side, p, pred, what, deadlineMs),
          events: () => readSimEvents(side.eventsPath),
        };
      },
      line: (re, deadlineMs = STEP_DEADLINE_MS) => p.waitForLine(re, deadlineMs),
      setSimClock: (epochMs) =>
        Deno.writeTextFile(clockFile, String(Math.round(epochMs - Date.now()))),
      // The file is written by an effect just after the transition is logged: a short poll.
      readyFileWritten: async (deadlineMs = 5_000) => {
        await pollUntil(() => existsSync(readyFile), {
          deadlineMs,
          name: "deadlineMs",
          what: `ready file ${readyFile} written`,
        });
      },
    });
    // A bug of ours that the supervisor survived (lib/app/stray_errors.ts) still fails here.
    await p.stop(60_000);
    const stray = p.output().split("\n").filter((l) => l.includes(STRAY_ERROR_MARK));
    assert.deepEqual(stray, [], "ibg-pilot logged a promise rejection nobody handled");
  } finally {
    if (pilot) await pilot.stop(60_000);
    await stack?.stop();
    try {
      await scanForSecrets(dir, started, opts.totpPeriodS);
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      await releaseDisplay();
    }
  }
}

function scenarioJson(...parts: (Record<string, unknown> | undefined)[]): string {
  let out: Record<string, unknown> = {
    credentials: { username: SECRETS.user, password: SECRETS.password },
    twofa: { secret: SECRETS.totp },
    delays: NO_DELAYS,
  };
  for (const part of parts) out = deepMerge(out, part ?? {});
  return JSON.stringify(out);
}

function waitForSide(
  side: { mode: string; eventsPath: string },
  pilot: PilotProcess,
  pred: (e: SimEvent) => boolean,
  what: string,
  deadlineMs: number,
): Promise<SimEvent> {
  return waitForSimEvent(side.eventsPath, pred, { deadlineMs }).catch((e) => {
    throw new Error(
      `${what} (${side.mode}): ${e.message}\nibg-pilot output tail:\n${
        pilot.output().slice(-4000)
      }`,
    );
  });
}

function deepMerge(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && cur && typeof cur === "object" &&
        !Array.isArray(cur)
      ? deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>)
      : v;
  }
  return out;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) walk(p, out);
    else if (e.isFile) out.push(p);
  }
  return out;
}

/**
 * Every file the run wrote (ibg-pilot's output, the sim's event log, Gateway's logs, jts.ini)
 * must be free of the password, the TOTP secret, any code valid during the run, and account ids.
 * The scenario file itself holds the secrets (it configures the sim) and is skipped.
 */
export async function scanForSecrets(dir: string, startedMs: number, periodS = 30): Promise<void> {
  const codes = new Set<string>();
  const key = { ...IBKR_TOTP, secret: SECRETS.totp, period: periodS };
  for (let t = startedMs - 60_000; t <= Date.now() + 60_000; t += periodS * 1000) {
    codes.add(totpAt(key, t).code);
  }
  for (const file of walk(dir)) {
    if (file.endsWith("scenario.json") || file.endsWith(".jar") || file.includes("/Jts/")) continue;
    const text = await Deno.readTextFile(file).catch(() => "");
    for (const s of [SECRETS.password, SECRETS.totp]) {
      assert.ok(!text.includes(s), `${file} contains a secret (${s.length} chars)`);
    }
    // A code only counts on its own: epoch-ms timestamps in every log line contain six-digit
    // runs, and one matched a valid code once (a false failure).
    for (const code of codes) {
      assert.ok(
        !new RegExp(`(?<![0-9])${code}(?![0-9])`).test(text),
        `${file} contains a TOTP code valid during the run`,
      );
    }
    assert.ok(!/\b(DU|U)\d{5,}\b/.test(text), `${file} contains an account id`);
  }
}

/**
 * The instant a RESTART or PAUSE reply (`OK RESTART at 11:46 PM`) names: the next local hh:mm:01,
 * the Lock and Exit minute one second in, for `run.setSimClock`.
 */
export function restartInstant(reply: string): number {
  const at = /OK (?:RESTART|PAUSE) at (\d{2}):(\d{2}) ([AP]M)/.exec(reply);
  assert.ok(at, `no "OK RESTART at hh:mm AM/PM" in: ${reply}`);
  const d = new Date();
  d.setHours(Number(at[1]) % 12 + (at[3] === "PM" ? 12 : 0), Number(at[2]), 1, 0);
  if (d.getTime() < Date.now() - 60_000) d.setDate(d.getDate() + 1);
  return d.getTime();
}

/** The first event of `kind` with `fields`. */
export function find(
  events: SimEvent[],
  kind: string,
  fields: Record<string, unknown> = {},
): SimEvent | undefined {
  return events.find((e) =>
    e.event === kind && Object.entries(fields).every(([k, v]) => e[k] === v)
  );
}
