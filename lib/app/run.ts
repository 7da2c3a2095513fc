/**
 * `ibg-pilot run`: builds one supervised session per trading mode (two with TRADING_MODE=both,
 * isolated settings directories, sockets and ready files), serves the command and health servers
 * for all of them, turns SIGTERM/SIGINT into a clean logout, and returns the exit code when every
 * session has stopped. One session's failure never stops the other. Container duties (Xvfb when
 * headless, API ports forwarded only while READY) come from lib/container.
 */

import { type Config, modesOf, perMode } from "../config/mod.ts";
import { startContainer } from "../container/mod.ts";
import { ensureRuntimeDir, launcherLogPath } from "../gateway/mod.ts";
import { LauncherLogTail } from "../gateway/launcher_log.ts";
import { alert, log } from "../log.ts";
import { probeApi } from "../probe/mod.ts";
import type { ActionResult, ControlTarget, SessionStatus } from "../servers/control.ts";
import { startServers } from "../servers/mod.ts";
import type { PilotMetrics } from "../servers/metrics.ts";
import { writeAgentJar } from "../ui/agent/embedded.ts";
import { join } from "node:path";
import { UnknownWindowReporter } from "../dialogs/mod.ts";
import { EVIDENCE_DIR, UnknownWindowEvidence } from "./unknown_windows.ts";
import { maintenanceStatus } from "../session/clock.ts";
import { applyPlan, enableApi } from "../session/configure.ts";
import { createGatewayHost, settingsDirFor } from "./host.ts";
import { catchStrayRejections } from "./stray_errors.ts";
import { makeClassifier } from "../session/intent.ts";
import { lockAndExit, planSettings } from "../session/settings_plan.ts";
import { apiPortFor } from "../config/ports.ts";
import { restartPlan } from "../session/machine.ts";
import { SessionShell, type SessionSnapshot } from "../session/shell.ts";
import type { Mode } from "../config/mod.ts";
import { DialogRuleSet } from "../session/dialog_rules.ts";
import { VersionHealth, VersionWatch } from "../installer/versions.ts";
import { errorText } from "../util/errors.ts";

/** How long one API probe may take. */
export const PROBE_TIMEOUT_MS = 5_000;

export { apiPortFor };

/** The ready file of a mode (suffixed in both mode). */
export function readyFileFor(config: Config, mode: Mode): string | undefined {
  const f = config.CONTROLLER_READY_FILE;
  return f ? perMode(config, f, mode) : undefined;
}

async function writeReadyFile(path: string | undefined, present: boolean): Promise<void> {
  if (!path) return;
  if (!present) {
    await Deno.remove(path).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    return;
  }
  // Atomic: readers never see a half-written file.
  const tmp = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(tmp, `${Math.floor(Date.now() / 1000)}\n`);
  await Deno.rename(tmp, path);
}

const STATE_NAMES: Record<SessionSnapshot["state"], string> = {
  idle: "IDLE",
  maintenance: "MAINTENANCE_WAIT",
  launching: "LAUNCHING",
  "agent-wait": "AGENT_WAIT",
  login: "LOGIN",
  "second-factor": "TWO_FA",
  "post-login": "POST_LOGIN",
  configuring: "CONFIG",
  ready: "READY",
  backoff: "BACKOFF",
  stopping: "STOPPING",
  halted: "HALTED",
  stopped: "STOPPED",
};

/**
 * Where a person can see Gateway, for HALTED remediations: the console's address and the VNC
 * port, when ibg-pilot serves them; undefined when it serves neither.
 */
export function screenAccess(config: Config, vncRunning: boolean): string | undefined {
  const ways: string[] = [];
  if (config.PILOT_CONSOLE && config.CONTROLLER_HEALTH_SERVER_PORT !== undefined) {
    const host = config.CONTROLLER_HEALTH_SERVER_HOST;
    const shown = host === "0.0.0.0" || host === "::" ? "<this host>" : host;
    ways.push(
      `the console at http://${shown}:${config.CONTROLLER_HEALTH_SERVER_PORT}/console/` +
        (config.PILOT_CONSOLE_CONTROL ? "" : " (view only: PILOT_CONSOLE_CONTROL=yes to act)"),
    );
  }
  if (vncRunning && config.VNC_SERVER_PASSWORD !== undefined) {
    ways.push(`a VNC client on port ${config.PILOT_VNC_PORT}`);
  }
  return ways.length ? ways.join(", or ") : undefined;
}

/** `run --attach`: attach to a running Gateway instead of launching one (attach_host.ts). */
export interface AttachRequest {
  /** The JVM's PID; undefined: the only Gateway JVM of this user. */
  pid?: number;
  /** On SIGTERM/STOP, close Gateway through its own close path instead of detaching. */
  closeGatewayOnStop: boolean;
}

/** Runs the sessions; resolves to the process exit code. */
export async function runPilot(
  config: Config,
  env: Record<string, string>,
  opts: { attach?: AttachRequest; rules?: DialogRuleSet } = {},
): Promise<number> {
  const logger = log("run");
  const modes = modesOf(config);
  const runtimeDir = await ensureRuntimeDir(
    config.PILOT_RUNTIME_DIR,
    Deno.uid() ?? 0,
  );
  const agentJar = await writeAgentJar(runtimeDir);
  // Attach: the JVM is found before anything starts, so a wrong PID is one clear error. Its
  // code (HotSpot's attach protocol, /proc scans) is loaded only for `run --attach`.
  const attachHost = opts.attach && await import("./attach_host.ts");
  const attach = opts.attach && attachHost && {
    ...opts.attach,
    target: await attachHost.findAttachTarget({ config, env, agentJar, pid: opts.attach.pid }),
  };
  const running = attach?.target.jvm.product;
  if (running && running !== config.GATEWAY_OR_TWS) {
    // The JVM says what it is (its main class): its defaults (API ports) follow it.
    logger.info("the JVM runs {product}: GATEWAY_OR_TWS={product} for this run", {
      product: running,
    });
    config = { ...config, GATEWAY_OR_TWS: running };
  }
  const window = config.PILOT_MAINTENANCE_WINDOW;
  const maintenance = window ? { timeZone: "America/New_York", ...window } : undefined;

  // Signal handlers before anything is started: as PID 1 an unhandled SIGTERM is ignored, and a
  // signal during Xvfb's start must still end in an orderly shutdown (docs/container.md).
  let shells: SessionShell[] = [];
  // Set once the servers run (before any session starts); absent without the health server.
  const observed: { metrics?: PilotMetrics } = {};
  let stopping: string | undefined;
  const stopAll = (reason: string) => {
    stopping ??= reason;
    for (const s of shells) s.dispatch({ type: "stop", reason });
  };
  const onSignal = (sig: Deno.Signal) => () => {
    logger.info("{sig} received: logging out of Gateway cleanly", { sig });
    stopAll(sig);
  };
  const rules = opts.rules ?? new DialogRuleSet(undefined);
  // SIGHUP: the dialog rules file again; windows nothing handled yet are offered to the new rules.
  const onHangup = () => {
    logger.info("SIGHUP received: reloading PILOT_DIALOG_RULES");
    void rules.reload().then((ok) => {
      if (ok) { for (const s of shells) s.reclassify(); }
    });
  };
  const handlers: [Deno.Signal, () => void][] = [
    ["SIGTERM", onSignal("SIGTERM")],
    ["SIGINT", onSignal("SIGINT")],
    ["SIGHUP", onHangup],
  ];
  for (const [sig, h] of handlers) Deno.addSignalListener(sig, h);
  // Xvfb when headless, and the API forwarders (lib/container): env gains our DISPLAY. An
  // attached Gateway already has its display and its user's network: none of that applies.
  const container = attachHost
    ? attachHost.attachedContainer(env)
    : await startContainer(config, env, {
      modes,
      apiPort: (m) => apiPortFor(config, m),
      onFailure: (reason) => stopAll(reason),
      runtimeDir,
    }).catch((e) => {
      for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
      throw e;
    });
  const jvmEnv = container.env;

  shells = modes.map((mode) => {
    // Attached: the running Gateway's own settings directory (its -DjtsConfigDir), if it names one.
    const settingsDir = attach?.target.jvm.settingsDir ?? settingsDirFor(config, mode);
    const port = apiPortFor(config, mode);
    const reporter = new UnknownWindowReporter();
    // PILOT_GATEWAY_INSTALL=upgrade: a new version that cannot start is rolled back (versions.ts).
    const versions = !attach && config.PILOT_GATEWAY_INSTALL === "upgrade" &&
        !config.TWS_MAJOR_VRSN && config.TWS_PATH
      ? new VersionHealth(config.TWS_PATH)
      : undefined;
    const evidence = new UnknownWindowEvidence({
      dir: join(settingsDir, EVIDENCE_DIR),
      mode,
      onRecorded: () => observed.metrics?.unknownWindow(mode),
    });
    const planned = planSettings(config, mode);
    const plan = attach ? [] : planned;
    if (attach && planned.length) {
      logger.warn(
        "attach mode leaves Gateway's configuration as its user set it: the API " +
          "settings in the environment are not applied (set them in Gateway's Configure dialog)",
      );
    }
    const host = attach && attachHost
      ? attachHost.createAttachHost({
        mode,
        config,
        runtimeDir,
        agentJar,
        target: attach.target,
        closeGatewayOnStop: attach.closeGatewayOnStop,
      })
      : createGatewayHost({
        mode,
        config,
        settingsDir,
        runtimeDir,
        agentJar,
        env: jvmEnv,
        skipVersions: versions && (() => versions.badVersions()),
      });
    const versionWatch = versions && new VersionWatch(versions, mode);
    const shell: SessionShell = new SessionShell({
      mode,
      config,
      settings: {
        ...config,
        hasConfigPlan: plan.length > 0,
        honourMaintenance: maintenance !== undefined && !attach,
        attached: attach !== undefined,
        screenAccess: screenAccess(config, container.vnc !== undefined),
      },
      host: {
        ...host,
        launch: async () => {
          const r = await host.launch();
          observed.metrics?.jvmStarted(mode);
          if (r.version) versionWatch?.launched(r.version, r.exited);
          r.exited.then((e) => {
            // A detach is not an exit: the attached Gateway keeps running.
            if ("detached" in e && e.detached) return;
            observed.metrics?.jvmExited(
              mode,
              e.code === 0 ? "clean" : e.signal ? "killed" : "crash",
            );
          });
          return r;
        },
      },
      probe: async () => {
        const r = await probeApi({ port, timeoutMs: PROBE_TIMEOUT_MS });
        observed.metrics?.apiHandshake(mode, r.latencyMs / 1000, r.ok);
        return { ok: r.ok, serverVersion: r.serverVersion, error: r.error?.message };
      },
      classify: makeClassifier(config, mode, rules),
      configure: (ui, mainWindowId) => applyPlan(ui, mainWindowId, plan, mode),
      scheduleRestart: (ui, mainWindowId, at) =>
        applyPlan(ui, mainWindowId, [lockAndExit("restart", at)], mode),
      readyFile: async (present) => {
        await container.readyChanged(mode, present);
        await writeReadyFile(readyFileFor(config, mode), present);
      },
      maintenance: (now) => maintenance ? maintenanceStatus(now, maintenance) : { inside: false },
      followLauncherLog: (onSignal) => new LauncherLogTail(launcherLogPath(settingsDir), onSignal),
      reportUnknown: (w, tree, ui) => {
        if (reporter.report(w, tree)) void evidence.record(w, tree, ui);
      },
    });
    if (versionWatch) shell.onChange((snap) => versionWatch.phase(snap.state));
    return shell;
  });

  const uiAction = async (chord: string): Promise<ActionResult> => {
    let done = 0;
    for (const s of shells) {
      const ui = s.ui;
      const main = s.state.mainWindowId;
      if (ui && main) {
        await ui.key(main, chord);
        done++;
      }
    }
    return done ? { ok: true } : { ok: false, error: "Gateway's main window is not available yet" };
  };
  /**
   * RESTART/PAUSE: through Gateway's Lock and Exit where the session is READY (no 2FA: Gateway
   * resumes with its autorestart token); RESTART of a session that is not READY is a full one.
   */
  const restartAll = async (pause: boolean): Promise<ActionResult> => {
    const verb = pause ? "PAUSE" : "RESTART";
    if (attach) {
      // The user's Gateway: restarting it (or editing its Lock and Exit) is not ours to do.
      return { ok: false, error: `${verb} is not available with --attach: use STOP to detach` };
    }
    const plans = shells.map((s) => restartPlan(s.state, pause));
    const refused = plans.find((p) => "refused" in p);
    if (refused && "refused" in refused) return { ok: false, error: refused.refused };
    const times: string[] = [];
    for (const [i, s] of shells.entries()) {
      if ("via" in plans[i] && plans[i].via === "full") {
        s.dispatch({ type: "restart", reason: "RESTART command" });
        continue;
      }
      const r = await s.restartThroughGateway(pause);
      if (!r.scheduled) return { ok: false, error: `${verb} failed: ${r.error}` };
      if (r.at) times.push(r.at);
    }
    return times.length ? { ok: true, detail: `${verb} at ${times[0]}` } : { ok: true };
  };
  /** ENABLEAPI (TWS): every session's API > Settings master switch, as IBC does. */
  const enableApiAll = async (): Promise<ActionResult> => {
    let configured = false;
    for (const s of shells) {
      try {
        configured = (await s.runOnUi((ui, main) => enableApi(ui, main))) === "configured" ||
          configured;
      } catch (e) {
        return { ok: false, error: errorText(e) };
      }
    }
    return { ok: true, detail: configured ? "configured" : "already configured" };
  };
  const target: ControlTarget = {
    status: (): SessionStatus[] =>
      shells.map((s) => {
        const snap = s.snapshot();
        return {
          mode: snap.mode,
          state: STATE_NAMES[snap.state],
          ready: snap.ready,
          jvmPid: snap.jvmPid ?? null,
          gatewayVersion: snap.gatewayVersion ?? null,
          // We hold the JVM as our child: its pid is cleared the moment it exits. (Reading /proc
          // would need -A in Deno 2.9.)
          jvmAlive: snap.jvmPid !== undefined,
          apiPort: apiPortFor(config, snap.mode),
          apiPortOpen: snap.apiHandshakeOk,
          apiHandshakeOk: snap.apiHandshakeOk,
          serverVersion: snap.serverVersion ?? null,
          lastAuthSuccessAt: snap.lastAuthSuccess ?? null,
          forward: container.forwardStatus(snap.mode) ?? null,
          reason: snap.haltReason ?? snap.cause,
        };
      }),
    stop: (reason) => {
      if (stopping) return { ok: false, error: "STOP already in progress" };
      stopAll(reason);
      return { ok: true };
    },
    restart: () => restartAll(false),
    pause: () => restartAll(true),
    reconnectAccount: () => uiAction("ctrl alt R"),
    reconnectData: () => uiAction("ctrl alt F"),
    ...(config.GATEWAY_OR_TWS === "tws" ? { enableApi: enableApiAll } : {}),
    onChange: (listener) => {
      const offs = shells.map((s) => s.onChange(() => listener()));
      return () => offs.forEach((off) => off());
    },
  };

  const vnc = container.vnc && container.vncTarget
    ? { supervisor: container.vnc, target: container.vncTarget }
    : undefined;
  const servers = await startServers(config, target, { vnc }).catch(async (e) => {
    for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
    await container.close();
    throw e;
  });

  observed.metrics = servers.metrics;
  // From here on the sessions run: a bug of ours must not take them down (stray_errors.ts).
  const releaseStrayRejections = catchStrayRejections();
  logger.info("ibg-pilot running {modes} (settings: {dirs})", {
    modes: modes.join(" and "),
    dirs: modes.map((m) => settingsDirFor(config, m)).join(", "),
  });
  // A signal that came during start-up stops the sessions before any JVM is launched.
  for (const s of shells) {
    if (stopping) s.dispatch({ type: "stop", reason: stopping });
    else s.start();
  }
  // PILOT_LOG_EXPORT_DIR: Gateway's logs exported daily through its windows (lib/logexport).
  // Gateway's File menu only (TWS has no Gateway Logs); never the user's attached Gateway.
  const exportDir = attach || config.GATEWAY_OR_TWS === "tws"
    ? undefined
    : config.PILOT_LOG_EXPORT_DIR;
  if (config.PILOT_LOG_EXPORT_DIR && !exportDir) {
    logger.warn(
      "PILOT_LOG_EXPORT_DIR is ignored: the log export drives IB Gateway's own File " +
        "menu, not TWS's nor a Gateway attached with --attach",
    );
  }
  // Loaded only when configured, like every optional part (docs/operations.md: memory).
  const logExport = exportDir
    ? (await import("../logexport/mod.ts")).startLogExport({
      sessions: shells.map((s, i) => ({
        mode: modes[i],
        dir: modes.length > 1 ? join(exportDir, modes[i]) : exportDir,
        readyUi: () => {
          const ui = s.ui;
          const mainWindowId = s.state.mainWindowId;
          return s.state.phase === "ready" && !stopping && ui && mainWindowId
            ? { ui, mainWindowId }
            : undefined;
        },
      })),
      at: config.PILOT_LOG_EXPORT_TIME,
      keepDays: config.PILOT_LOG_EXPORT_KEEP_DAYS,
      insideMaintenance: (t) => maintenance ? maintenanceStatus(t, maintenance).inside : false,
    })
    : undefined;
  const codes = await Promise.all(shells.map((s) => s.done));
  await logExport?.stop();
  for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
  releaseStrayRejections();
  // Shutdown order: sessions have logged out; then forwarders, x11vnc, Xvfb, servers; the alert
  // last.
  // The console's screen connections first: x11vnc may not exit on SIGTERM while a client is on.
  await servers.console?.close();
  await container.close();
  await servers.close();
  const code = container.failure ? 1 : codes.find((c) => c !== 0) ?? 0;
  alert("ALERT_SHUTDOWN", {
    modes: modes.join(","),
    graceful: !container.failure,
    exit_code: code,
  }, "info");
  return code;
}
