/**
 * `ibg-pilot run --attach [PID]`: finds a Gateway JVM that is already running (by its
 * /proc/<pid>/cmdline) and loads our agent into it through HotSpot's dynamic attach mechanism,
 * spoken directly in TypeScript (no jcmd, no JDK tools needed on a JRE-only desktop).
 *
 * The handshake (HotSpot on Linux): create `.attach_pid<pid>` in the target's working directory
 * (or its /tmp), send SIGQUIT; the JVM sees the file, starts its Attach Listener and creates the
 * socket `/tmp/.java_pid<pid>`. We connect and write the protocol version `1`, the command `load`
 * and three arguments `instrument`, `false`, `<jar>=<options>`, each NUL-terminated; the JVM
 * answers a result code line, then the agent's return code, and closes. `<pid>` is the PID as the
 * target sees it (its innermost PID namespace), and its /tmp is reached through /proc/<pid>/root,
 * so a Gateway in a container can be attached from the host.
 *
 * Safety: SIGQUIT terminates a process that does not handle it (a non-JVM, a JVM started with
 * -Xrs, or one still starting), so we only send it after /proc/<pid>/status shows SIGQUIT caught.
 */

import { basename, join } from "node:path";
import { log } from "../log.ts";
import { GatewayError } from "./errors.ts";
import { DeadlineError, pollUntil, withDeadline } from "./deadline.ts";
import { requireProc, sendSignal } from "./signals.ts";
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
 * restarter (`-Dinstall4j.alternativeLogfile`, peers.md A3) lives for a second and is skipped.
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
}

/** Parses the text of /proc/<pid>/status. */
export function parseProcStatus(text: string): ProcStatus {
  const field = (name: string) => text.match(new RegExp(`^${name}:\\s*(.*)$`, "m"))?.[1] ?? "";
  const uids = field("Uid").split(/\s+/).map(Number);
  const nspids = field("NSpid").split(/\s+/).filter((s) => s !== "").map(Number);
  const cgt = field("SigCgt");
  return { uid: uids[1] ?? uids[0] ?? -1, nspids, sigCgt: cgt ? BigInt(`0x${cgt}`) : 0n };
}

/** True when the status shows SIGQUIT (3) caught, i.e. a JVM signal handler is installed. */
export function catchesSigquit(status: ProcStatus): boolean {
  return (status.sigCgt & (1n << 2n)) !== 0n;
}

function readStatus(pid: number, procDir: string): ProcStatus | undefined {
  try {
    return parseProcStatus(Deno.readTextFileSync(join(procDir, String(pid), "status")));
  } catch {
    return undefined;
  }
}

function readCmdline(pid: number, procDir: string): string[] | undefined {
  try {
    return parseCmdline(Deno.readTextFileSync(join(procDir, String(pid), "cmdline")));
  } catch {
    return undefined;
  }
}

/**
 * Every Gateway/TWS JVM visible in /proc. With `uid`, only that user's (root sees every user's
 * through `uid: undefined`).
 */
export function listGatewayJvms(opts: { uid?: number; procDir?: string } = {}): JvmCandidate[] {
  const procDir = opts.procDir ?? "/proc";
  if (procDir === "/proc") requireProc("Finding Gateway JVMs");
  const out: JvmCandidate[] = [];
  for (const entry of Deno.readDirSync(procDir)) {
    if (!/^\d+$/.test(entry.name)) continue;
    const pid = Number(entry.name);
    const argv = readCmdline(pid, procDir);
    const kind = argv && classifyCmdline(argv);
    if (!argv || !kind) continue;
    const status = readStatus(pid, procDir);
    if (!status) continue;
    if (opts.uid !== undefined && status.uid !== opts.uid) continue;
    out.push({ pid, uid: status.uid, argv, ...kind });
  }
  return out.sort((a, b) => a.pid - b.pid);
}

function describe(c: JvmCandidate): string {
  return `pid ${c.pid} (${c.product}${c.via === "install4j" ? " via install4j launcher" : ""}` +
    `${c.settingsDir ? `, settings ${c.settingsDir}` : ""}, uid ${c.uid})`;
}

/**
 * The JVM to attach to: `pid` when given (it must be a JVM of ours; a Java process that is not
 * Gateway is accepted with a warning, e.g. the simulator under another main class), else the
 * only Gateway JVM of user `uid`. Errors list what was found.
 */
export function findGatewayJvm(
  opts: { pid?: number; uid: number; procDir?: string },
): JvmCandidate {
  const procDir = opts.procDir ?? "/proc";
  if (procDir === "/proc") requireProc("Finding Gateway JVMs");
  if (opts.pid !== undefined) {
    const argv = readCmdline(opts.pid, procDir);
    const status = readStatus(opts.pid, procDir);
    if (!argv || !status || argv.length === 0) {
      throw new GatewayError(
        "ATTACH_NO_JVM",
        `No process ${opts.pid} (or it has already exited).`,
        "check the PID with 'pgrep -af GWClient', or omit it to pick the running Gateway.",
      );
    }
    if (!isJavaCommand(argv)) {
      throw new GatewayError(
        "ATTACH_NO_JVM",
        `Process ${opts.pid} is not a Java VM (${basename(argv[0])}).`,
        "pass the PID of Gateway's java process ('pgrep -af GWClient'), not of a launcher script.",
      );
    }
    checkUser(opts.pid, status.uid, opts.uid);
    const kind = classifyCmdline(argv);
    if (!kind) {
      logger.warn("Process {pid} is a JVM but not recognisably Gateway; attaching anyway", {
        pid: opts.pid,
      });
    }
    return {
      pid: opts.pid,
      uid: status.uid,
      argv,
      ...(kind ?? { product: "gateway", via: "java", javaAgents: [] }),
    };
  }
  const all = listGatewayJvms({ procDir });
  const mine = all.filter((c) => c.uid === opts.uid);
  if (mine.length === 1) return mine[0];
  if (mine.length === 0) {
    const others = all.length
      ? ` Found only other users' JVMs: ${all.map(describe).join("; ")}.`
      : " No process runs ibgateway.GWClient or jclient.LoginFrame.";
    throw new GatewayError(
      "ATTACH_NO_JVM",
      `No running Gateway or TWS JVM of uid ${opts.uid}.${others}`,
      "start Gateway first (or use 'ibg-pilot run' to launch it), and run ibg-pilot as the " +
        "user that runs Gateway.",
    );
  }
  throw new GatewayError(
    "ATTACH_AMBIGUOUS",
    `Several Gateway/TWS JVMs are running: ${mine.map(describe).join("; ")}.`,
    "pass the one to attach to: ibg-pilot run --attach <PID>.",
  );
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
  /** The agent jar: an absolute path valid inside the target's file system. */
  agentJar: string;
  /** The agent's argument (our socket path); passed as `<jar>=<options>`. */
  agentOptions?: string;
  /** Our uid (default `Deno.uid()`). */
  uid?: number;
  /** How long to wait for the JVM's attach socket after SIGQUIT; default 10000. */
  socketDeadlineMs?: number;
  /** How long to wait for the reply (agentmain runs before it); default 30000. */
  replyDeadlineMs?: number;
  /** For tests: where /proc is. */
  procDir?: string;
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

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isSocket === true;
  } catch {
    return false;
  }
}

async function readAll(conn: Deno.Conn): Promise<string> {
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(4096);
  while (true) {
    const n = await conn.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  const all = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  return new TextDecoder().decode(all);
}

/**
 * Loads `agentJar` into the running JVM `pid` through HotSpot's attach mechanism and returns once
 * the agent's `agentmain` has returned. Errors: ATTACH_NO_JVM, ATTACH_OTHER_USER, ATTACH_REFUSED
 * (-XX:+DisableAttachMechanism, -Xrs, no SIGQUIT handler), ATTACH_TIMEOUT, ATTACH_FAILED.
 */
export async function attachAgent(opts: AttachOptions): Promise<AttachResult> {
  const procDir = opts.procDir ?? "/proc";
  if (procDir === "/proc") requireProc("Attaching to a running JVM");
  const pidDir = join(procDir, String(opts.pid));
  const ourUid = opts.uid ?? Deno.uid() ?? 0;
  const argv = readCmdline(opts.pid, procDir);
  const status = readStatus(opts.pid, procDir);
  if (!argv || !status || !isJavaCommand(argv)) {
    throw new GatewayError(
      "ATTACH_NO_JVM",
      `Process ${opts.pid} is ${argv && status ? "not a Java VM" : "not running"}.`,
      "pass the PID of Gateway's java process ('pgrep -af GWClient').",
    );
  }
  checkUser(opts.pid, status.uid, ourUid);
  const refuse = (why: string, fix: string) =>
    new GatewayError("ATTACH_REFUSED", `JVM ${opts.pid} refuses dynamic attach: ${why}.`, fix);
  if (argv.includes("-XX:+DisableAttachMechanism")) {
    throw refuse(
      "it was started with -XX:+DisableAttachMechanism",
      "remove that option from Gateway's .vmoptions and restart Gateway, or let ibg-pilot " +
        "launch Gateway (ibg-pilot run).",
    );
  }
  if (argv.includes("-Xrs")) {
    throw refuse(
      "it was started with -Xrs, so SIGQUIT would terminate it",
      "remove -Xrs from Gateway's .vmoptions and restart Gateway, or use 'ibg-pilot run'.",
    );
  }
  const nspid = status.nspids[status.nspids.length - 1] ?? opts.pid;

  // The target's /tmp: our /tmp when it shares our mount namespace, else through its root.
  let root = "";
  try {
    const real = await Deno.realPath(join(pidDir, "root"));
    if (real !== "/") root = join(pidDir, "root");
  } catch { /* unreadable root link: assume ours */ }
  const tmp = `${root}/tmp`;
  const socket = `${tmp}/.java_pid${nspid}`;

  const jarSeen = `${root}${opts.agentJar}`;
  try {
    if (!(await Deno.stat(jarSeen)).isFile) throw new Error("not a file");
  } catch {
    throw new GatewayError(
      "ATTACH_FAILED",
      `The agent jar ${opts.agentJar} is not visible to JVM ${opts.pid} (looked at ${jarSeen}).`,
      "put the jar on a path the Gateway process can read (inside its container, if any).",
    );
  }

  let triggered = false;
  let attachFile: string | undefined;
  try {
    if (!(await isSocket(socket))) {
      triggered = true;
      // HotSpot looks in its working directory first, then in /tmp.
      for (const dir of [join(pidDir, "cwd"), tmp]) {
        const path = join(dir, `.attach_pid${nspid}`);
        try {
          await Deno.writeFile(path, new Uint8Array(), { mode: 0o600 });
          attachFile = path;
          break;
        } catch { /* not writable: try the next place */ }
      }
      if (!attachFile) {
        throw new GatewayError(
          "ATTACH_FAILED",
          `Cannot create .attach_pid${nspid} in JVM ${opts.pid}'s working directory or ${tmp}.`,
          "run ibg-pilot as the user that runs Gateway.",
        );
      }
      // Never SIGQUIT a process without a handler for it: the default action kills it.
      try {
        await pollUntil(() => {
          const s = readStatus(opts.pid, procDir);
          if (!s) throw new GatewayError("ATTACH_NO_JVM", `JVM ${opts.pid} exited.`, "start it.");
          return catchesSigquit(s);
        }, { deadlineMs: 5_000, name: "SIGQUIT_HANDLER_DEADLINE_MS", what: "a SIGQUIT handler" });
      } catch (e) {
        if (e instanceof DeadlineError) {
          throw refuse(
            "it does not handle SIGQUIT (started with -Xrs, or not a HotSpot JVM, or still " +
              "starting)",
            "wait until Gateway's window is up and retry, or use 'ibg-pilot run'.",
          );
        }
        throw e;
      }
      logger.debug("Sending SIGQUIT to JVM {pid} to start its attach listener", { pid: opts.pid });
      await sendSignal(opts.pid, "SIGQUIT");
      const socketDeadline = opts.socketDeadlineMs ?? 10_000;
      try {
        await pollUntil(() => isSocket(socket), {
          deadlineMs: socketDeadline,
          name: "ATTACH_SOCKET_DEADLINE_MS",
          what: `the attach socket ${socket}`,
        });
      } catch (e) {
        if (!(e instanceof DeadlineError)) throw e;
        throw new GatewayError(
          "ATTACH_TIMEOUT",
          `JVM ${opts.pid} did not open its attach socket ${socket} within ${socketDeadline} ms ` +
            `after SIGQUIT (it printed a thread dump instead). Its attach mechanism is disabled ` +
            `or it is not a HotSpot JVM.`,
          "check Gateway's JVM options for -XX:+DisableAttachMechanism, or use 'ibg-pilot run'.",
          { cause: e },
        );
      }
    }

    const conn = await Deno.connect({ transport: "unix", path: socket }).catch((e) => {
      if (e instanceof Deno.errors.NotCapable) {
        throw new GatewayError(
          "PERMISSION_NEEDED",
          `Not allowed to connect to ${socket}: ${(e as Error).message}.`,
          "attach needs --allow-net (unscoped: the socket name contains the PID), --allow-read " +
            "and --allow-write for /tmp.",
          { cause: e },
        );
      }
      throw new GatewayError(
        "ATTACH_FAILED",
        `Cannot connect to JVM ${opts.pid}'s attach socket ${socket}: ${(e as Error).message}.`,
        "run ibg-pilot as the user that runs Gateway.",
        { cause: e },
      );
    });
    const request = encodeAttachRequest("load", [
      "instrument",
      "false",
      opts.agentOptions === undefined ? opts.agentJar : `${opts.agentJar}=${opts.agentOptions}`,
    ]);
    let text: string;
    try {
      let written = 0;
      while (written < request.length) written += await conn.write(request.subarray(written));
      const replyDeadline = opts.replyDeadlineMs ?? 30_000;
      text = await withDeadline(
        readAll(conn),
        replyDeadline,
        "ATTACH_REPLY_DEADLINE_MS",
        `JVM ${opts.pid}'s attach reply`,
      ).catch((e) => {
        if (!(e instanceof DeadlineError)) throw e;
        throw new GatewayError(
          "ATTACH_TIMEOUT",
          `JVM ${opts.pid} did not answer the load request within ${replyDeadline} ms (the ` +
            `agent's agentmain may be blocked).`,
          "look at Gateway's output for the agent's messages; restart Gateway with 'ibg-pilot run'.",
          { cause: e },
        );
      });
    } finally {
      try {
        conn.close();
      } catch { /* already closed by the JVM */ }
    }
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
  } finally {
    if (attachFile) await Deno.remove(attachFile).catch(() => {});
  }
}
