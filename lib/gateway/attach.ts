/**
 * `ibg-pilot run --attach [PID]`: finds a Gateway JVM that is already running (by its command
 * line) and loads our agent into it through HotSpot's dynamic attach mechanism, without jcmd or
 * the jdk.attach module (a desktop JRE may have neither).
 *
 * The handshake (HotSpot on Linux): create `/tmp/.attach_pid<pid>`, send SIGQUIT; the JVM sees
 * the file, starts its Attach Listener and creates the socket `/tmp/.java_pid<pid>`. We connect
 * and write the protocol version `1`, the command `load` and three arguments `instrument`,
 * `false`, `<jar>=<options>`, each NUL-terminated; the JVM answers a result code line, then the
 * agent's return code, and closes.
 *
 * Who does what, and why (measured on Deno 2.9.6 under the `controller` permission set): Deno
 * refuses every read under /proc without --allow-all, and grants Unix sockets by exact path, so
 * `/tmp/.java_pid<pid>` (a name with the PID in it) cannot be connected to. Those two steps go
 * through the attach helper in our own agent jar (agent/src/ibgpilot/agent/Attach.java, run with
 * a Java 17+ `java`, ~70-100 ms per run): `ps` returns raw /proc text and `relay` pipes bytes to
 * the socket. Everything with meaning stays here: which process is Gateway, the safety checks,
 * the trigger file, SIGQUIT (lib/gateway/signals.ts), the request bytes and the reply. The same
 * path runs with or without -A, so there is one way attach works, and it is the one tested.
 *
 * Safety: SIGQUIT terminates a process that does not handle it (a non-JVM, a JVM started with
 * -Xrs, or one still starting), so we only send it when /proc/<pid>/status shows SIGQUIT caught.
 * A Gateway in another mount namespace (a container seen from the host) is refused: its /tmp is
 * not ours; run ibg-pilot inside that container.
 */

import { basename, resolve } from "node:path";
import { log } from "../log.ts";
import { allowedProgram, spawnVia } from "./programs.ts";
import { GatewayError } from "./errors.ts";
import { DeadlineError, pollUntil, withDeadline } from "../util/deadline.ts";
import { sendSignal } from "./signals.ts";
import { MAIN_CLASS, type Product } from "./install.ts";

const logger = log("gateway");

/** A running JVM that looks like Gateway or TWS. */
export interface JvmCandidate {
  pid: number;
  /** Effective uid of the process. */
  uid: number;
  /** Which product its command line runs. */
  product: Product;
  /** `java` when the main class is Gateway's; `install4j` when install4j's launcher runs it. */
  via: "java" | "install4j";
  /** `-DjtsConfigDir=` from its command line, when present. */
  settingsDir?: string;
  /** `-javaagent:` values on its command line (an agent already loaded at start). */
  javaAgents: string[];
  /** Its command line. */
  argv: string[];
}

/** Options that take their value as the next argument on a java command line. */
const JAVA_OPTIONS_WITH_VALUE = new Set([
  "-cp",
  "-classpath",
  "--class-path",
  "-p",
  "--module-path",
  "--upgrade-module-path",
  "--add-modules",
  "--add-opens",
  "--add-exports",
  "--add-reads",
  "--patch-module",
  "--limit-modules",
  "--enable-native-access",
  "--source",
]);

/** Splits the NUL-separated text of /proc/<pid>/cmdline. */
export function parseCmdline(raw: string): string[] {
  const parts = raw.split("\0");
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** True when argv[0] is a java launcher. */
export function isJavaCommand(argv: readonly string[]): boolean {
  return argv.length > 0 && /^java(\.exe)?$/.test(basename(argv[0]));
}

/**
 * The main class of a java command line (`jar:<path>` for -jar, `module:<m>` for -m), or
 * undefined when there is none. Arguments after it belong to the program.
 */
export function javaMainClass(
  argv: readonly string[],
): { main: string; index: number } | undefined {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-jar") return argv[i + 1] ? { main: `jar:${argv[i + 1]}`, index: i + 1 } : undefined;
    if (a === "-m" || a === "--module") {
      return argv[i + 1] ? { main: `module:${argv[i + 1]}`, index: i + 1 } : undefined;
    }
    if (JAVA_OPTIONS_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    return { main: a, index: i };
  }
  return undefined;
}

/**
 * Classifies a command line as a Gateway/TWS JVM: java whose main class is `ibgateway.GWClient`
 * or `jclient.LoginFrame`, or install4j's launcher class running one of them. install4j's
 * restarter (`-Dinstall4j.alternativeLogfile`, sources.md peers A3) lives for a second and is skipped.
 */
export function classifyCmdline(
  argv: readonly string[],
): Pick<JvmCandidate, "product" | "via" | "settingsDir" | "javaAgents"> | undefined {
  if (!isJavaCommand(argv)) return undefined;
  if (argv.some((a) => a.startsWith("-Dinstall4j.alternativeLogfile"))) return undefined;
  const main = javaMainClass(argv);
  if (!main) return undefined;
  const productOf = (cls: string): Product | undefined =>
    cls === MAIN_CLASS.gateway ? "gateway" : cls === MAIN_CLASS.tws ? "tws" : undefined;
  let product = productOf(main.main);
  let via: JvmCandidate["via"] = "java";
  if (!product && main.main.startsWith("com.install4j.")) {
    product = argv.slice(main.index + 1).map(productOf).find((p) => p !== undefined);
    via = "install4j";
  }
  if (!product) return undefined;
  const options = argv.slice(1, main.index);
  const settingsDir = options.find((a) => a.startsWith("-DjtsConfigDir="))?.slice(15);
  const javaAgents = options.filter((a) => a.startsWith("-javaagent:")).map((a) => a.slice(11));
  return { product, via, settingsDir, javaAgents };
}

/** The fields of /proc/<pid>/status the attach needs. */
export interface ProcStatus {
  /** Effective uid. */
  uid: number;
  /** The PID in each nested namespace, outermost first; the last is the target's own view. */
  nspids: number[];
  /** Bit mask of caught signals (bit n-1 for signal n). */
  sigCgt: bigint;
  /** One-letter state (R, S, Z ...); empty when absent. */
  state: string;
}

/** Parses the text of /proc/<pid>/status. */
export function parseProcStatus(text: string): ProcStatus {
  const field = (name: string) => text.match(new RegExp(`^${name}:\\s*(.*)$`, "m"))?.[1] ?? "";
  const uids = field("Uid").split(/\s+/).map(Number);
  const nspids = field("NSpid").split(/\s+/).filter((s) => s !== "").map(Number);
  const cgt = field("SigCgt");
  return {
    uid: uids[1] ?? uids[0] ?? -1,
    nspids,
    sigCgt: cgt ? BigInt(`0x${cgt}`) : 0n,
    state: field("State").slice(0, 1),
  };
}

/** True when the status shows SIGQUIT (3) caught, i.e. a JVM signal handler is installed. */
export function catchesSigquit(status: ProcStatus): boolean {
  return (status.sigCgt & (1n << 2n)) !== 0n;
}

/** One process as the attach helper saw it in /proc. */
export interface ProcessInfo {
  pid: number;
  /** Its command line (empty for a zombie or a kernel thread). */
  argv: string[];
  status: ProcStatus;
  /** The real path of its root directory; undefined when unreadable (another user's). */
  root?: string;
}

function describe(c: JvmCandidate): string {
  return `pid ${c.pid} (${c.product}${c.via === "install4j" ? " via install4j launcher" : ""}` +
    `${c.settingsDir ? `, settings ${c.settingsDir}` : ""}, uid ${c.uid}` +
    `${c.javaAgents.some((a) => a.includes("ibg-pilot-agent")) ? ", launched by ibg-pilot" : ""})`;
}

function checkUser(pid: number, targetUid: number, ourUid: number): void {
  if (ourUid !== 0 && targetUid !== ourUid) {
    throw new GatewayError(
      "ATTACH_OTHER_USER",
      `JVM ${pid} belongs to uid ${targetUid}, not to us (uid ${ourUid}); the JVM only accepts ` +
        `attach requests from its own user (or root).`,
      `run ibg-pilot as the user that runs Gateway (e.g. sudo -u '#${targetUid}' ibg-pilot ...).`,
    );
  }
}

/** Every Gateway/TWS JVM among `procs`; with `uid`, only that user's. */
export function gatewayJvmsIn(procs: readonly ProcessInfo[], uid?: number): JvmCandidate[] {
  const out: JvmCandidate[] = [];
  for (const p of procs) {
    const kind = classifyCmdline(p.argv);
    if (!kind || (uid !== undefined && p.status.uid !== uid)) continue;
    out.push({ pid: p.pid, uid: p.status.uid, argv: p.argv, ...kind });
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/**
 * The JVM to attach to, chosen from what the helper saw: with `pid`, that process (`procs` holds
 * it or nothing); it must be a Java VM of ours, and a JVM that is not recognisably Gateway is
 * refused unless `anyJvm` (tests, or a renamed main class). Without `pid`, the only Gateway JVM
 * of user `uid`; of several, the only one whose settings directory is `settingsDir`
 * (TWS_SETTINGS_PATH). Errors list what was found and how to choose.
 */
export function chooseGatewayJvm(
  procs: readonly ProcessInfo[],
  opts: { pid?: number; uid: number; anyJvm?: boolean; settingsDir?: string },
): JvmCandidate {
  if (opts.pid !== undefined) {
    const p = procs.find((x) => x.pid === opts.pid);
    if (!p || p.argv.length === 0 || p.status.state === "Z") {
      throw new GatewayError(
        "ATTACH_NO_JVM",
        `No process ${opts.pid} is running.`,
        "check the PID with 'pgrep -af GWClient', or omit it to pick the running Gateway.",
      );
    }
    if (!isJavaCommand(p.argv)) {
      throw new GatewayError(
        "ATTACH_NO_JVM",
        `Process ${opts.pid} is not a Java VM (${basename(p.argv[0])}).`,
        "pass the PID of Gateway's java process ('pgrep -af GWClient'), not of a launcher script.",
      );
    }
    checkUser(opts.pid, p.status.uid, opts.uid);
    const kind = classifyCmdline(p.argv);
    if (!kind && !opts.anyJvm) {
      const main = javaMainClass(p.argv)?.main ?? "no main class";
      throw new GatewayError(
        "ATTACH_NO_JVM",
        `Process ${opts.pid} is a Java VM but not IB Gateway or TWS (it runs ${main}, not ` +
          `${MAIN_CLASS.gateway} or ${MAIN_CLASS.tws}).`,
        "pass the PID of Gateway's java process ('pgrep -af GWClient'), or omit it.",
      );
    }
    return {
      pid: p.pid,
      uid: p.status.uid,
      argv: p.argv,
      ...(kind ?? { product: "gateway", via: "java", javaAgents: [] }),
    };
  }
  const all = gatewayJvmsIn(procs);
  const mine = all.filter((c) => c.uid === opts.uid || opts.uid === 0);
  if (mine.length === 1) return mine[0];
  if (mine.length === 0) {
    const others = all.length
      ? ` Found only other users' JVMs: ${all.map(describe).join("; ")}.`
      : ` No process runs ${MAIN_CLASS.gateway} or ${MAIN_CLASS.tws}.`;
    throw new GatewayError(
      "ATTACH_NO_JVM",
      `No running Gateway or TWS JVM of uid ${opts.uid}.${others}`,
      "start Gateway first (or use 'ibg-pilot run' to launch it), and run ibg-pilot as the " +
        "user that runs Gateway.",
    );
  }
  const want = opts.settingsDir && resolve(opts.settingsDir);
  const ours = mine.filter((c) => want && c.settingsDir && resolve(c.settingsDir) === want);
  if (ours.length === 1) return ours[0];
  throw new GatewayError(
    "ATTACH_AMBIGUOUS",
    `Several Gateway/TWS JVMs are running: ${mine.map(describe).join("; ")}.`,
    "pass the one to attach to: ibg-pilot run --attach <PID>, or set TWS_SETTINGS_PATH to " +
      "its settings directory.",
  );
}

// ---- the attach helper -------------------------------------------------------------------------

/** The helper's main class inside the agent jar. */
export const HELPER_CLASS = "ibgpilot.agent.Attach";
/** How long one helper run may take (a cold JVM on a loaded machine). */
export const HELPER_DEADLINE_MS = 30_000;

/** How to run the attach helper. */
export interface AttachHelper {
  /** A Java 17+ `java` (Gateway's own JRE, JAVA_PATH, or PATH). */
  java: string;
  /** The agent jar, which holds the helper class. */
  jar: string;
  /**
   * util-linux `setsid` at a path the permission set lists (programs.ts): every program
   * ibg-pilot starts goes through it.
   */
  setsid?: string;
}

/** An {@link AttachHelper} for `java` and `jar`, with the `setsid` the permission set allows. */
export function attachHelper(java: string, jar: string, pathEnv?: string): AttachHelper {
  return {
    java,
    jar,
    setsid: allowedProgram("setsid", pathEnv),
  };
}

/** Bytes the helper wrote as ISO-8859-1 chars, decoded as the UTF-8 they are. */
function latin1ToUtf8(s: string): string {
  return new TextDecoder().decode(Uint8Array.from(s, (c) => c.charCodeAt(0)));
}

/** Runs the helper with `args` (and `stdin`), returning its JSON lines. */
async function runHelper(
  helper: AttachHelper,
  args: string[],
  stdin?: Uint8Array,
  deadlineMs = HELPER_DEADLINE_MS,
): Promise<Record<string, unknown>[]> {
  // A small, quick JVM; no environment, so no secret and no JAVA_TOOL_OPTIONS reach it.
  const javaArgs = ["-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", helper.jar];
  const program = helper.setsid ?? helper.java;
  let child: Deno.ChildProcess;
  try {
    child = spawnVia(helper.setsid, helper.java, [...javaArgs, HELPER_CLASS, ...args], {
      env: {},
      stdin: stdin ? "piped" : "null",
    });
  } catch (e) {
    throw new GatewayError(
      e instanceof Deno.errors.NotCapable ? "PERMISSION_NEEDED" : "ATTACH_FAILED",
      `Cannot start the attach helper (${program} ${helper.setsid ? `${helper.java} ` : ""}` +
        `... ${HELPER_CLASS}): ${(e as Error).message}.`,
      "attach runs a Java 17+ java with ibg-pilot's agent jar: set JAVA_PATH to one, and allow " +
        "running it (docs/permissions.md).",
      { cause: e },
    );
  }
  if (stdin) {
    const w = child.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  let out: Deno.CommandOutput;
  try {
    out = await withDeadline(child.output(), deadlineMs, "HELPER_DEADLINE_MS", "the attach helper");
  } catch (e) {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await child.status.catch(() => {});
    throw new GatewayError(
      "ATTACH_TIMEOUT",
      `The attach helper (${helper.java}) did not finish within ${deadlineMs} ms.`,
      "check that JAVA_PATH (or the java on PATH) is a working Java 17+ runtime.",
      { cause: e },
    );
  }
  const text = new TextDecoder().decode(out.stdout);
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  try {
    return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").slice(0, 3).join(" ");
    throw new GatewayError(
      "ATTACH_FAILED",
      `The attach helper (${helper.java}) failed with exit code ${out.code}: ` +
        `${err || text.slice(0, 200) || "no output"}.`,
      "attach needs Java 17 or newer: set JAVA_PATH to a Java 17+ java (Gateway's own JRE is).",
    );
  }
}

/**
 * Processes as /proc shows them, read by the helper: the given `pids` (absent ones are left
 * out), or every process whose argv[0] is a `java` launcher.
 */
export async function listProcesses(
  helper: AttachHelper,
  pids: number[] = [],
): Promise<ProcessInfo[]> {
  const rows = await runHelper(helper, ["ps", ...pids.map(String)]);
  const out: ProcessInfo[] = [];
  for (const r of rows) {
    if (typeof r.error === "string") {
      throw new GatewayError("ATTACH_FAILED", `The attach helper: ${r.message}.`, "check /proc.");
    }
    if (r.missing || typeof r.cmdline !== "string" || typeof r.status !== "string") continue;
    out.push({
      pid: Number(r.pid),
      argv: parseCmdline(latin1ToUtf8(r.cmdline)),
      status: parseProcStatus(latin1ToUtf8(r.status)),
      root: typeof r.root === "string" ? latin1ToUtf8(r.root) : undefined,
    });
  }
  return out;
}

/** Finds the JVM to attach to: {@link chooseGatewayJvm} over what the helper sees. */
export async function findGatewayJvm(
  opts: { pid?: number; uid: number; helper: AttachHelper; anyJvm?: boolean; settingsDir?: string },
): Promise<JvmCandidate> {
  const procs = await listProcesses(opts.helper, opts.pid === undefined ? [] : [opts.pid]);
  return chooseGatewayJvm(procs, opts);
}

/**
 * The bytes of one attach request, protocol version 1: version, command and exactly three
 * arguments (missing ones empty), each NUL-terminated.
 */
export function encodeAttachRequest(command: string, args: readonly string[]): Uint8Array {
  if (args.length > 3) throw new Error("the attach protocol takes at most 3 arguments");
  const parts = ["1", command, ...args, ...Array(3 - args.length).fill("")];
  if (parts.some((p) => p.includes("\0"))) throw new Error("attach arguments cannot contain NUL");
  return new TextEncoder().encode(parts.map((p) => `${p}\0`).join(""));
}

/** A parsed attach reply. */
export interface AttachReply {
  /** The attach listener's result (0: the command ran). */
  code: number;
  /** For `load`: the agent library's return code (0: agentmain returned normally). */
  agentReturn?: number;
  /** Everything after the first line. */
  message: string;
}

/**
 * Parses an attach reply: a result code line, then the command's output. `load` prints
 * `return code: N` on current HotSpot; older releases print the bare number.
 */
export function parseAttachReply(text: string): AttachReply {
  const nl = text.indexOf("\n");
  const first = (nl < 0 ? text : text.slice(0, nl)).trim();
  const message = nl < 0 ? "" : text.slice(nl + 1).trim();
  const code = /^-?\d+$/.test(first) ? Number(first) : NaN;
  const m = message.match(/^(?:return code:\s*)?(-?\d+)\s*$/m);
  return { code, agentReturn: m ? Number(m[1]) : undefined, message };
}

/** What the instrument library's return codes mean (sun.tools.attach.HotSpotVirtualMachine). */
const AGENT_RETURN: Record<number, string> = {
  100: "the agent jar was not found or has no Agent-Class attribute",
  101: "the agent jar could not be added to the system class path",
  102: "the agent class loaded but agentmain failed (see Gateway's output)",
};

/** Inputs of {@link attachAgent}. */
export interface AttachOptions {
  /** The target JVM's PID as we see it. */
  pid: number;
  /** The agent jar: an absolute path the target can read. */
  agentJar: string;
  /** The agent's argument (our socket path); passed as `<jar>=<options>`. */
  agentOptions?: string;
  /** How to run the attach helper. */
  helper: AttachHelper;
  /** Our uid (default `Deno.uid()`). */
  uid?: number;
  /** How long to wait for the JVM's attach socket after SIGQUIT; default 10000. */
  socketDeadlineMs?: number;
  /** How long to wait for the reply (agentmain runs before it); default 30000. */
  replyDeadlineMs?: number;
}

/** What {@link attachAgent} did. */
export interface AttachResult {
  pid: number;
  /** The PID inside the target's namespace (used in the file names). */
  nspid: number;
  /** The attach socket used. */
  socket: string;
  /** False when the JVM's attach listener was already running (no SIGQUIT sent). */
  triggered: boolean;
  reply: AttachReply;
}

/** HotSpot's temporary directory on Linux (os::get_temp_directory), fixed. */
const HOTSPOT_TMP = "/tmp";

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isSocket === true;
  } catch {
    return false;
  }
}

/**
 * Loads `agentJar` into the running JVM `pid` through HotSpot's attach mechanism and returns once
 * the agent's `agentmain` has returned. Errors: ATTACH_NO_JVM, ATTACH_OTHER_USER, ATTACH_REFUSED
 * (-XX:+DisableAttachMechanism, -Xrs, no SIGQUIT handler, another mount namespace),
 * ATTACH_TIMEOUT, ATTACH_FAILED.
 */
export async function attachAgent(opts: AttachOptions): Promise<AttachResult> {
  const ourUid = opts.uid ?? Deno.uid() ?? 0;
  const [p] = await listProcesses(opts.helper, [opts.pid]);
  if (!p || p.argv.length === 0 || p.status.state === "Z" || !isJavaCommand(p.argv)) {
    throw new GatewayError(
      "ATTACH_NO_JVM",
      `Process ${opts.pid} is ${
        p && p.argv.length && p.status.state !== "Z" ? "not a Java VM" : "not running"
      }.`,
      "pass the PID of Gateway's java process ('pgrep -af GWClient').",
    );
  }
  checkUser(opts.pid, p.status.uid, ourUid);
  const refuse = (why: string, fix: string) =>
    new GatewayError("ATTACH_REFUSED", `JVM ${opts.pid} refuses dynamic attach: ${why}.`, fix);
  if (p.argv.includes("-XX:+DisableAttachMechanism")) {
    throw refuse(
      "it was started with -XX:+DisableAttachMechanism",
      "remove that option from Gateway's .vmoptions and restart Gateway, or let ibg-pilot " +
        "launch Gateway (ibg-pilot run).",
    );
  }
  if (p.argv.includes("-Xrs")) {
    throw refuse(
      "it was started with -Xrs, so SIGQUIT would terminate it",
      "remove -Xrs from Gateway's .vmoptions and restart Gateway, or use 'ibg-pilot run'.",
    );
  }
  if (p.root !== undefined && p.root !== "/") {
    throw refuse(
      `it runs in another mount namespace (root ${p.root}, e.g. a container), whose /tmp is not ` +
        "ours",
      "run ibg-pilot inside the same container as Gateway.",
    );
  }
  const nspid = p.status.nspids[p.status.nspids.length - 1] ?? opts.pid;
  const socket = `${HOTSPOT_TMP}/.java_pid${nspid}`;
  try {
    if (!(await Deno.stat(opts.agentJar)).isFile) throw new Error("not a file");
  } catch {
    throw new GatewayError(
      "ATTACH_FAILED",
      `The agent jar ${opts.agentJar} does not exist.`,
      "pass an existing jar (ibg-pilot writes its own into the runtime directory).",
    );
  }

  /** Starts the JVM's attach listener: the trigger file, then SIGQUIT, then its socket. */
  const startListener = async () => {
    // Never SIGQUIT a process without a handler for it: the default action kills it.
    if (!catchesSigquit(p.status)) {
      throw refuse(
        "it does not handle SIGQUIT (started with -Xrs, or not a HotSpot JVM, or still starting)",
        "wait until Gateway's window is up and retry, or use 'ibg-pilot run'.",
      );
    }
    const trigger = `${HOTSPOT_TMP}/.attach_pid${nspid}`;
    try {
      await Deno.writeFile(trigger, new Uint8Array(), { mode: 0o600 });
    } catch (e) {
      throw new GatewayError(
        "ATTACH_FAILED",
        `Cannot create the attach trigger ${trigger}: ${(e as Error).message}.`,
        "run ibg-pilot as the user that runs Gateway, with write access to /tmp.",
        { cause: e },
      );
    }
    try {
      logger.debug("Sending SIGQUIT to JVM {pid} to start its attach listener", { pid: opts.pid });
      if (await sendSignal(opts.pid, "SIGQUIT") === "no-such-process") {
        throw new GatewayError("ATTACH_NO_JVM", `JVM ${opts.pid} exited.`, "start Gateway again.");
      }
      const socketDeadline = opts.socketDeadlineMs ?? 10_000;
      await pollUntil(() => isSocket(socket), {
        deadlineMs: socketDeadline,
        name: "ATTACH_SOCKET_DEADLINE_MS",
        what: `the attach socket ${socket}`,
      }).catch((e) => {
        if (!(e instanceof DeadlineError)) throw e;
        throw new GatewayError(
          "ATTACH_TIMEOUT",
          `JVM ${opts.pid} did not open its attach socket ${socket} within ${socketDeadline} ms ` +
            `after SIGQUIT (it printed a thread dump instead). Its attach mechanism is disabled ` +
            `or it is not a HotSpot JVM.`,
          "check Gateway's JVM options for -XX:+DisableAttachMechanism, or use 'ibg-pilot run'.",
          { cause: e },
        );
      });
    } finally {
      await Deno.remove(trigger).catch(() => {});
    }
  };

  const request = encodeAttachRequest("load", [
    "instrument",
    "false",
    opts.agentOptions === undefined ? opts.agentJar : `${opts.agentJar}=${opts.agentOptions}`,
  ]);
  const replyDeadline = opts.replyDeadlineMs ?? 30_000;
  const relay = () =>
    runHelper(
      opts.helper,
      ["relay", socket, String(replyDeadline)],
      request,
      replyDeadline + HELPER_DEADLINE_MS,
    );

  let triggered = false;
  if (!(await isSocket(socket))) {
    await startListener();
    triggered = true;
  }
  let rows = await relay();
  if (!triggered && rows[rows.length - 1]?.error === "connect") {
    // A leftover of a JVM that had this PID before (a killed JVM leaves its socket behind), or a
    // socket file someone deleted and recreated: HotSpot rebinds it when triggered again.
    logger.info("nobody answers on {socket}: removing it and starting JVM {pid}'s listener", {
      socket,
      pid: opts.pid,
    });
    await Deno.remove(socket).catch(() => {});
    await startListener();
    triggered = true;
    rows = await relay();
  }
  const row = rows[rows.length - 1] ?? {};
  if (typeof row.reply !== "string") {
    const why = String(row.message ?? "no answer");
    if (row.error === "timeout") {
      throw new GatewayError(
        "ATTACH_TIMEOUT",
        `JVM ${opts.pid} did not answer the load request within ${replyDeadline} ms (the ` +
          `agent's agentmain may be blocked): ${why}.`,
        "look at Gateway's output for the agent's messages; restart Gateway with 'ibg-pilot run'.",
      );
    }
    throw new GatewayError(
      "ATTACH_FAILED",
      `Cannot talk to JVM ${opts.pid}'s attach socket ${socket}: ${why}.`,
      "run ibg-pilot as the user that runs Gateway.",
    );
  }
  const text = row.reply;
  const reply = parseAttachReply(text);
  if (reply.code !== 0) {
    throw new GatewayError(
      "ATTACH_FAILED",
      `JVM ${opts.pid} rejected the load request (result ${
        Number.isNaN(reply.code) ? JSON.stringify(text.slice(0, 80)) : reply.code
      }): ${reply.message || "no message"}.`,
      "check that the JVM is Java 9+ HotSpot and that the agent jar is readable by it.",
    );
  }
  if (reply.agentReturn !== undefined && reply.agentReturn !== 0) {
    throw new GatewayError(
      "ATTACH_FAILED",
      `The agent did not start in JVM ${opts.pid}: return code ${reply.agentReturn}` +
        `${AGENT_RETURN[reply.agentReturn] ? ` (${AGENT_RETURN[reply.agentReturn]})` : ""}.`,
      "check the agent jar's manifest (Agent-Class) and Gateway's output for a stack trace.",
    );
  }
  logger.info("Agent {jar} loaded into JVM {pid}", { jar: opts.agentJar, pid: opts.pid });
  return { pid: opts.pid, nspid, socket, triggered, reply };
}
