/**
 * The Gateway host of one session: everything on the process side that the shell asks for.
 * Launch prepares the settings directory (jts.ini, the autorestart token and its weekly expiry),
 * finds the install and its JRE, builds the java command with our agent, and spawns the JVM in
 * its own process group; connectUi attaches the agent client; stop runs the ladder (Gateway's
 * own close path first, then signals).
 */

import { join } from "node:path";
import { type Config, perMode, SETTING_NAMES, settingDef } from "../config/mod.ts";
import {
  agentSocketPath,
  buildJavaCommand,
  claimSocketPath,
  disableInstall4jLaunchers,
  ensureJtsIni,
  findAutorestartToken,
  findInstall,
  findJava,
  gatewayEnv,
  type GatewayProcess,
  readJavaMajor,
  readVmOptions,
  spawnGateway,
} from "../gateway/mod.ts";
import { log } from "../log.ts";
import { connectAgent } from "../ui/agent/client.ts";
import { atkBridgeJavaOptions } from "../ui/atspi/bridge.ts";
import { selectUiPort } from "../ui/select.ts";
import { dirname } from "node:path";
import type { UiPort } from "../ui/port.ts";
import { crossedWeeklyReset } from "../session/clock.ts";
import type { GatewayHost } from "../session/shell.ts";
import type { Mode } from "../config/mod.ts";

/** Inputs of {@link createGatewayHost}. */
export interface HostOptions {
  mode: Mode;
  config: Config;
  /** Gateway's settings directory for this mode. */
  settingsDir: string;
  /** The private runtime directory (0700) holding the agent jar and sockets. */
  runtimeDir: string;
  /** The agent jar written into the runtime directory. */
  agentJar: string;
  /** The environment Gateway's JVM starts from (secrets are removed). */
  env: Record<string, string>;
  /** Installed versions not to launch (rolled back: lib/installer/versions.ts). */
  skipVersions?: () => readonly string[];
  /** Called with every line of the JVM's output (launcher.log style signals). */
  onOutput?: (line: string) => void;
  /** Clock, for the weekly token expiry. */
  now?: () => number;
}

/** The environment for Gateway's JVM: ours minus every secret setting and its _FILE. */
export function jvmEnvironment(parent: Record<string, string>): Record<string, string> {
  const env = gatewayEnv(parent);
  for (const name of SETTING_NAMES) {
    if (settingDef(name).secret) {
      delete env[name];
      delete env[`${name}_FILE`];
    }
  }
  return env;
}

/** The settings directory of a mode: TWS_SETTINGS_PATH, with _live/_paper in both mode. */
export function settingsDirFor(config: Config, mode: Mode): string {
  const base = config.TWS_SETTINGS_PATH ?? config.TWS_PATH ?? "Jts";
  return perMode(config, base, mode);
}

/** Creates the host for one session. */
export function createGatewayHost(opts: HostOptions): GatewayHost {
  const { config, mode, settingsDir } = opts;
  const logger = log("gateway", mode);
  const socket = agentSocketPath(opts.runtimeDir, mode);
  const now = opts.now ?? Date.now;
  let proc: GatewayProcess | undefined;

  return {
    async launch() {
      const install = findInstall({
        twsPath: config.TWS_PATH,
        home: opts.env.HOME,
        product: config.GATEWAY_OR_TWS,
        majorVersion: config.TWS_MAJOR_VRSN,
        skipVersions: opts.skipVersions?.(),
      });
      const java = findJava({
        programDir: install.programDir,
        javaPath: config.JAVA_PATH,
        pathEnv: opts.env.PATH,
        javaHome: opts.env.JAVA_HOME,
      });
      await ensureJtsIni(settingsDir, {
        product: config.GATEWAY_OR_TWS,
        tradingMode: mode,
        timeZone: config.TIME_ZONE,
        trustedIps: config.TRUSTED_TWS_API_CLIENT_IPS,
        server: config.TWS_SERVER,
        serverPaper: config.TWS_SERVER_PAPER,
      });
      // We launch java ourselves; install4j's launcher would let Gateway restart itself behind us.
      await disableInstall4jLaunchers(install.launchers);
      let token = await findAutorestartToken(settingsDir);
      if (token.restartDir) {
        const file = join(settingsDir, token.restartDir, "autorestart");
        const written = (await Deno.stat(file)).mtime?.getTime() ?? 0;
        if (crossedWeeklyReset(written, now())) {
          // IBKR expires sessions weekly (Sunday 01:00 US/Eastern): this token would be refused.
          await Deno.remove(file).catch(() => {});
          logger.info("autorestart token predates the weekly re-authentication: full login");
          token = { deleted: [file] };
        }
      }
      await claimSocketPath(socket);
      // The ATK bridge goes into Gateway's JVM only when AT-SPI is chosen: with it loaded, a
      // peer's Gateway login deadlocked (sources.md peers A8). Otherwise assistive technologies are off.
      let atkBridge: { jar: string; libDir: string } | undefined;
      if (config.UI_DRIVER === "atspi") {
        const b = atkBridgeJavaOptions();
        if (!b.ok) throw new Error(`UI_DRIVER=atspi: ${b.error}. Fix: ${b.fix}`);
        atkBridge = { jar: b.classpath[0], libDir: dirname(b.library) };
      }
      const command = buildJavaCommand({
        install,
        java: java.path,
        javaMajor: readJavaMajor(java.path),
        vmOptions: readVmOptions(install.vmoptionsFile),
        settingsDir,
        heapMb: config.JAVA_HEAP_SIZE,
        restartDir: token.restartDir,
        agent: { jar: opts.agentJar, socket },
        atkBridge,
      });
      logger.info("starting Gateway {version} with {java} ({source}){resume}", {
        version: install.version,
        java: java.path,
        source: java.source,
        resume: token.restartDir ? `, resuming session ${token.restartDir}` : "",
      });
      proc = await spawnGateway({
        command,
        env: jvmEnvironment(opts.env),
        cwd: settingsDir,
        logFile: join(settingsDir, "ibg-pilot-gateway.log"),
        pathEnv: opts.env.PATH,
        onLine: opts.onOutput,
      });
      const p = proc;
      return {
        pid: p.pid,
        resumed: token.restartDir !== undefined,
        version: install.version,
        exited: p.exited.then((e) => ({ code: e.code, signal: e.signal ?? undefined })),
      };
    },

    async connectUi(): Promise<UiPort> {
      const p = proc;
      const deadline = (config.PILOT_AGENT_TIMEOUT) * 1000;
      const driver = config.UI_DRIVER;
      const selection = selectUiPort(driver, {
        agent: () => connectAgent(socket, { helloDeadlineMs: deadline }),
        // AT-SPI sees Gateway only when its JVM loaded the bridge, i.e. with UI_DRIVER=atspi.
        atspi: driver === "atspi"
          ? async () => {
            // Loaded only when chosen: dbus-next alone costs ~28 MB of memory (docs/atspi.md).
            const { openAtspiPort } = await import("../ui/atspi/port.ts");
            return openAtspiPort({ pid: p?.pid, appDeadlineMs: deadline });
          }
          : undefined,
      });
      // A JVM that dies while we wait is reported with its log, not as a silent timeout.
      const chosen = p
        ? await p.awaitStartup(selection, deadline * 2 + 1000, "the UI channel")
        : await selection;
      logger.info("UI channel: {chosen} ({reason})", {
        chosen: chosen.chosen,
        reason: chosen.reason,
      });
      return chosen.port;
    },

    async stop(closeGracefully, opts) {
      const p = proc;
      if (!p || p.exitStatus()) return { status: "not-running" };
      const noSession = opts?.loggedIn === false;
      const r = await p.stop({
        closeGracefully: noSession ? undefined : closeGracefully,
        noSession,
        graceMs: (config.PILOT_CLEAN_LOGOUT_TIMEOUT) * 1000,
        reason: "shutdown",
      });
      return {
        status: r.mode === "graceful" || r.mode === "already-exited" || r.mode === "exited"
          ? "clean"
          : "signalled",
      };
    },
  };
}
