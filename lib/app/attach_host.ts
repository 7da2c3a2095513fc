/**
 * The Gateway host of `ibg-pilot run --attach [PID]`: a Gateway JVM the user started (on their
 * desktop) instead of one we launch. "Launch" loads our agent into it through HotSpot's attach
 * mechanism (lib/gateway/attach.ts); connectUi talks to that agent like for a launched JVM;
 * "stop" detaches and leaves Gateway running, unless the operator asked for Gateway to be closed
 * (then only Gateway's own close path is used: we never signal a process we did not start).
 *
 * Liveness: the JVM is not our child, so there is no exit status to await. `exited` settles when
 * kill(pid, 0) says it is gone (checked every JVM_LIVENESS_POLL_MS, and at once when the agent
 * connection drops, which is what a dying JVM does first), or when we detach. Its exit code is
 * unknowable (null); the session machine ends the run when an attached Gateway goes away.
 */

import { join } from "node:path";
import type { Config } from "../config/mod.ts";
import type { ContainerSupport } from "../container/mod.ts";
import {
  agentSocketPath,
  claimSocketPath,
  findInstall,
  findJava,
  GatewayError,
  installVersionOf,
  processExists,
  socketAnswers,
} from "../gateway/mod.ts";
// Not through mod.ts: the attach mechanism loads only with this module (`run --attach`).
import {
  attachAgent,
  type AttachHelper,
  attachHelper,
  findGatewayJvm,
  type JvmCandidate,
} from "../gateway/attach.ts";
import { settlesWithin } from "../util/deadline.ts";
import { log } from "../log.ts";
import { connectAgent } from "../ui/agent/client.ts";
import type { UiPort } from "../ui/port.ts";
import type { GatewayHost } from "../session/shell.ts";
import type { Mode } from "../config/mod.ts";

/** How often an attached JVM's existence is checked (a kill(pid, 0) system call). */
export const JVM_LIVENESS_POLL_MS = 1_000;
/** How long to wait for an agent that already answers on our socket to say hello. */
const EXISTING_AGENT_HELLO_MS = 5_000;

/** The JVM chosen for attach and how to run the helper that reaches it. */
export interface AttachTarget {
  jvm: JvmCandidate;
  helper: AttachHelper;
}

/**
 * The `java` that runs the attach helper: JAVA_PATH, else the JRE of the Gateway install
 * (TWS_PATH or ~/Jts, the same one the user's Gateway runs on), else i4j_jres, PATH, JAVA_HOME.
 */
export function helperJava(config: Config, env: Record<string, string>): string {
  let programDir: string | undefined;
  try {
    programDir = findInstall({
      twsPath: config.TWS_PATH,
      home: env.HOME,
      product: config.GATEWAY_OR_TWS,
      majorVersion: config.TWS_MAJOR_VRSN,
    }).programDir;
  } catch { /* no install where we look: Gateway may live elsewhere on a desktop */ }
  return findJava({
    programDir: programDir ?? config.TWS_PATH ?? join(env.HOME ?? "/root", "Jts"),
    javaPath: config.JAVA_PATH,
    pathEnv: env.PATH,
    javaHome: env.JAVA_HOME,
  }).path;
}

/**
 * Finds the JVM to attach to before anything starts, so that a wrong PID or no Gateway is one
 * clear error (exit 2 from the CLI) rather than a session that retries. `anyJvm` accepts a JVM
 * whose main class is not Gateway's (tests).
 */
export async function findAttachTarget(opts: {
  config: Config;
  env: Record<string, string>;
  agentJar: string;
  pid?: number;
  anyJvm?: boolean;
}): Promise<AttachTarget> {
  const helper = attachHelper(helperJava(opts.config, opts.env), opts.agentJar, opts.env.PATH);
  const jvm = await findGatewayJvm({
    pid: opts.pid,
    uid: Deno.uid() ?? 0,
    helper,
    anyJvm: opts.anyJvm,
    settingsDir: opts.config.TWS_SETTINGS_PATH,
  });
  return { jvm, helper };
}

/** Inputs of {@link createAttachHost}. */
export interface AttachHostOptions {
  mode: Mode;
  config: Config;
  /** The private runtime directory (0700) holding the agent jar and sockets. */
  runtimeDir: string;
  /** The agent jar written into the runtime directory. */
  agentJar: string;
  target: AttachTarget;
  /** On stop, close Gateway through its own close path instead of detaching. */
  closeGatewayOnStop: boolean;
  /** For tests: the liveness check interval. */
  livenessPollMs?: number;
}

/** A deferred exit report for one attachment. */
interface Attachment {
  pid: number;
  /** Settles when the JVM is gone. */
  gone: Promise<void>;
  /** Settles when the JVM is gone or we detached. */
  ended: Promise<{ code: number | null; detached?: boolean }>;
  detach(): void;
  /** Checks liveness now (the agent connection dropped). */
  check(): void;
}

function watch(pid: number, pollMs: number): Attachment {
  const gone = Promise.withResolvers<void>();
  const ended = Promise.withResolvers<{ code: number | null; detached?: boolean }>();
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const finish = (r: { code: number | null; detached?: boolean }) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    ended.resolve(r);
  };
  const check = async () => {
    clearTimeout(timer);
    if (done) return;
    const alive = await processExists(pid).catch(() => true);
    if (done) return;
    if (alive) return void (timer = setTimeout(check, pollMs));
    gone.resolve();
    finish({ code: null });
  };
  timer = setTimeout(check, pollMs);
  return {
    pid,
    gone: gone.promise,
    ended: ended.promise,
    detach: () => finish({ code: null, detached: true }),
    check: () => void check(),
  };
}

/** Creates the host for one attached session. */
export function createAttachHost(opts: AttachHostOptions): GatewayHost {
  const { config, mode } = opts;
  const { jvm, helper } = opts.target;
  const logger = log("gateway", mode);
  const socket = agentSocketPath(opts.runtimeDir, mode);
  let current: Attachment | undefined;

  /** Loads the agent, or reuses one an earlier attach left in this JVM. */
  async function ensureAgent(): Promise<void> {
    if (await socketAnswers(socket)) {
      // Our agent stays loaded after a detach and keeps serving its socket; anything else
      // answering there is another ibg-pilot's Gateway.
      const client = await connectAgent(socket, { helloDeadlineMs: EXISTING_AGENT_HELLO_MS });
      const agentPid = client.hello.pid;
      await client.close();
      if (agentPid !== jvm.pid) {
        throw new GatewayError(
          "SOCKET_IN_USE",
          `The agent answering on ${socket} runs in JVM ${agentPid}, not in JVM ${jvm.pid}: ` +
            `another ibg-pilot runs a Gateway for the ${mode} mode.`,
          "stop the other ibg-pilot first (ibg-pilot send STOP), or give this one its own " +
            "runtime directory (PILOT_RUNTIME_DIR).",
        );
      }
      logger.info("the agent an earlier attach loaded into JVM {pid} still answers: reusing it", {
        pid: jvm.pid,
      });
      return;
    }
    await claimSocketPath(socket);
    const started = performance.now();
    const r = await attachAgent({
      pid: jvm.pid,
      agentJar: opts.agentJar,
      agentOptions: socket,
      helper,
    });
    const fields = { pid: jvm.pid, ms: Math.round(performance.now() - started) };
    const how = r.triggered ? "started its attach listener" : "its attach listener was running";
    logger.info(`attached to JVM {pid} in {ms} ms (${how})`, fields);
  }

  return {
    async launch() {
      if (!(await processExists(jvm.pid))) {
        throw new GatewayError(
          "ATTACH_NO_JVM",
          `The Gateway JVM ${jvm.pid} this run attached to is no longer running.`,
          "start Gateway again and run 'ibg-pilot run --attach' again, or let ibg-pilot launch " +
            "it ('ibg-pilot run').",
        );
      }
      await ensureAgent();
      const a = watch(jvm.pid, opts.livenessPollMs ?? JVM_LIVENESS_POLL_MS);
      current = a;
      return { pid: jvm.pid, resumed: false, version: installVersionOf(jvm.argv), exited: a.ended };
    },

    async connectUi(): Promise<UiPort> {
      const deadline = (config.PILOT_AGENT_TIMEOUT) * 1000;
      const port = await connectAgent(socket, { helloDeadlineMs: deadline });
      const a = current;
      // A JVM that dies closes the agent connection first: check at once instead of next poll.
      port.onEvent((e) => {
        if (e.type === "disconnected") a?.check();
      });
      logger.info("UI channel: agent (attached to JVM {pid})", { pid: jvm.pid });
      return port;
    },

    async stop(closeGracefully) {
      const a = current;
      if (!a || !(await processExists(a.pid))) return { status: "not-running" };
      if (opts.closeGatewayOnStop) {
        const asked = await closeGracefully().catch(() => false);
        const graceMs = (config.PILOT_CLEAN_LOGOUT_TIMEOUT) * 1000;
        if (asked && await settlesWithin(a.gone, graceMs)) return { status: "clean" };
        logger.warn(
          "Gateway (JVM {pid}) did not close within {ms} ms of being asked; left running " +
            "(ibg-pilot never signals a Gateway it did not start)",
          { pid: a.pid, ms: graceMs },
        );
      }
      logger.info(
        "detaching from Gateway (JVM {pid}): it keeps running; the agent stays " +
          "loaded and idle until Gateway exits",
        { pid: a.pid },
      );
      a.detach();
      return { status: "detached" };
    },
  };
}

/**
 * The container support of an attached run: none. The user's Gateway already has its display
 * and its network, so no Xvfb is started and no API port is forwarded.
 */
export function attachedContainer(env: Record<string, string>): ContainerSupport {
  return {
    env,
    plan: { forwards: [], problems: [], warnings: [] },
    forwarders: new Map(),
    failure: undefined,
    readyChanged: () => Promise.resolve(),
    forwardStatus: () => undefined,
    close: () => Promise.resolve(),
  };
}
