/**
 * The Gateway JVM as a child process: spawned in its own session and process group, its output
 * appended to a log file, and stopped with a ladder that tries Gateway's own close path before
 * any signal (a killed JVM strands the IBKR session slot for hours, sources.md peers A8).
 *
 * Process group: `Deno.Command` cannot call setsid(2) in the child, so we spawn through
 * util-linux `setsid` (present on Debian/Ubuntu, also in BusyBox). Deno's child is not a group
 * leader, so `setsid` calls setsid(2) and execs java in place: the PID we hold is the JVM's and it
 * leads its own group. Why it matters: a Ctrl-C in the terminal (or `docker run -it`) goes to the
 * foreground process group; sharing ours, the JVM would die at once with the session slot held.
 * In its own group only ibg-pilot gets the signal and runs the ladder. Without `setsid` at a path
 * the permission set lists (programs.ts; or with `processGroup: "inherit"`, which the `controller`
 * set refuses) the JVM shares our group and signals go to its PID only.
 *
 * Output: stdout and stderr are piped through this process into the log file (Deno cannot hand a
 * file descriptor to a child without a shell), which also lets callers watch Gateway's lines.
 */

import { alert, log } from "../log.ts";
import { GatewayError, isGatewayError } from "./errors.ts";
import type { JavaCommand } from "./command.ts";
import { settlesWithin, withDeadline } from "../util/deadline.ts";
import { canReadProc, readProcStat, sendSignal } from "./signals.ts";
import { allowedProgram, spawnVia, withoutLoaderVariables } from "./programs.ts";

const logger = log("gateway");

/** How the JVM ended. */
export interface ProcessExit {
  /** Exit code (128 + signal number when killed by a signal). */
  code: number;
  /** The signal that ended it, if any. */
  signal: Deno.Signal | null;
}

/** Inputs of {@link spawnGateway}. */
export interface SpawnOptions {
  /** From `buildJavaCommand`. */
  command: JavaCommand;
  /** The complete child environment (from `gatewayEnv`); nothing else is inherited. */
  env: Record<string, string>;
  /** Working directory: the settings directory, like IBC. */
  cwd: string;
  /** The file stdout and stderr are appended to (created 0600). */
  logFile: string;
  /** `auto` (default): own group when `setsid` is found; `setsid`: required; `inherit`: ours. */
  processGroup?: "auto" | "setsid" | "inherit";
  /** Path of `setsid`; default: searched on `pathEnv`, then /usr/bin and /bin. */
  setsidPath?: string;
  /** PATH used to find `setsid`. */
  pathEnv?: string;
  /** A log file larger than this is moved to `<logFile>.1` before appending; default 20 MiB. */
  rotateBytes?: number;
  /** Called with every complete output line (stdout and stderr), e.g. to watch for events. */
  onLine?: (line: string) => void;
}

/** The ladder's steps; see {@link GatewayProcess.stop}. */
export interface StopOptions {
  /**
   * Gateway's own close path (the session posts WINDOW_CLOSING / File > Close through the agent
   * and confirms). Resolves true when the close was initiated; false or a rejection skips to
   * SIGTERM. Its own run time counts against `graceMs`.
   */
  closeGracefully?: () => Promise<boolean>;
  /** How long the JVM may take to exit after the graceful close; default 30000. */
  graceMs?: number;
  /** How long after SIGTERM before SIGKILL; default 15000. */
  termMs?: number;
  /** How long after SIGKILL before giving up; default 5000. */
  killMs?: number;
  /** Why we are stopping (in the alert), e.g. `shutdown`, `relaunch`. */
  reason?: string;
  /**
   * Gateway holds no IBKR session (it never finished logging in): signals are safe, so there is
   * nothing to warn about (no ALERT_JVM_UNCLEAN_SHUTDOWN).
   */
  noSession?: boolean;
}

/** How the ladder ended. */
export interface StopResult {
  /** `graceful`: exited after the close path; `sigterm`/`sigkill`: we had to signal. */
  mode: "already-exited" | "graceful" | "exited" | "sigterm" | "sigkill";
  exit: ProcessExit;
  /** Why the graceful step did not suffice (absent when it did). */
  gracefulFailure?: string;
}

/** A running Gateway JVM started by {@link spawnGateway}. */
export interface GatewayProcess {
  /** The JVM's PID (also its process group id when `ownGroup`). */
  readonly pid: number;
  /** True when the JVM leads its own process group (signals go to the whole group). */
  readonly ownGroup: boolean;
  /** Where its output goes. */
  readonly logFile: string;
  /** Resolves when the JVM has exited (never rejects). */
  readonly exited: Promise<ProcessExit>;
  /** The exit, once known. */
  exitStatus(): ProcessExit | undefined;
  /** Sends a signal to the JVM's group (or the JVM alone when it shares ours). */
  signal(signal: Deno.Signal): Promise<void>;
  /**
   * Resolves `ready`'s value when it wins the race against the JVM's exit and the deadline.
   * A JVM that exits first gives JVM_EXITED_AT_START with the tail of its log; the deadline gives
   * JVM_START_TIMEOUT. The JVM is left running on timeout: stop it with {@link stop}.
   */
  awaitStartup<T>(ready: Promise<T>, deadlineMs: number, what?: string): Promise<T>;
  /** The last `maxBytes` of the log file (after an exit, once the output pipes have drained). */
  logTail(maxBytes?: number): Promise<string>;
  /**
   * Stops the JVM: Gateway's own close path, wait `graceMs`; SIGTERM to the group, wait `termMs`;
   * SIGKILL, wait `killMs`. Emits ALERT_JVM_UNCLEAN_SHUTDOWN whenever it had to signal. Calling
   * it again returns the same promise.
   */
  stop(opts?: StopOptions): Promise<StopResult>;
}

/** What the unclean-shutdown alert tells operators. */
export const UNCLEAN_IMPLICATION =
  "Gateway did not log out through its own close path; IBKR may hold this user's session slot " +
  "for hours (next logins silently time out). Log in with IBKR Mobile to release it.";

/** How long to wait for setsid(2) to take effect after spawn (it happens before exec). */
const SETSID_DEADLINE_MS = 2_000;
/** How long to let the output pipes drain after exit before reading the log tail. */
const DRAIN_DEADLINE_MS = 1_000;

function findSetsid(opts: SpawnOptions): string | undefined {
  // Only a path the permission set lists may be spawned (programs.ts says why).
  return opts.setsidPath ?? allowedProgram("setsid", opts.pathEnv);
}

async function openLog(path: string, rotateBytes: number): Promise<Deno.FsFile> {
  try {
    const st = await Deno.stat(path);
    if (st.size > rotateBytes) await Deno.rename(path, `${path}.1`);
  } catch { /* no log yet */ }
  try {
    return await Deno.open(path, { append: true, create: true, mode: 0o600 });
  } catch (e) {
    throw new GatewayError(
      "SPAWN_FAILED",
      `Cannot open Gateway's log file ${path}: ${(e as Error).message}.`,
      "make the settings (or runtime) directory writable by this user.",
      { cause: e },
    );
  }
}

async function readTail(path: string, maxBytes: number): Promise<string> {
  try {
    using f = await Deno.open(path, { read: true });
    const size = (await f.stat()).size;
    const start = Math.max(0, size - maxBytes);
    await f.seek(start, Deno.SeekMode.Start);
    const buf = new Uint8Array(size - start);
    let read = 0;
    while (read < buf.length) {
      const n = await f.read(buf.subarray(read));
      if (n === null) break;
      read += n;
    }
    const text = new TextDecoder().decode(buf.subarray(0, read));
    return start > 0 ? text.slice(text.indexOf("\n") + 1) : text;
  } catch {
    return "";
  }
}

/** Copies one output stream to the log file, splitting lines for `onLine`. */
async function pump(
  stream: ReadableStream<Uint8Array>,
  file: Deno.FsFile,
  onLine?: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let partial = "";
  for await (const chunk of stream) {
    try {
      await file.write(chunk);
    } catch { /* a full disk must not block the JVM's pipe: keep draining */ }
    if (onLine) {
      partial += decoder.decode(chunk, { stream: true });
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        try {
          onLine(line.replace(/\r$/, ""));
        } catch { /* a broken listener must not stop the pump */ }
      }
    }
  }
  if (onLine && partial) onLine(partial);
}

/**
 * Starts the JVM. Resolves once it is spawned (and, with setsid, leads its own group); it may
 * still die during start-up: race that with {@link GatewayProcess.awaitStartup}.
 */
export async function spawnGateway(opts: SpawnOptions): Promise<GatewayProcess> {
  const mode = opts.processGroup ?? "auto";
  const setsid = mode === "inherit" ? undefined : findSetsid(opts);
  if (mode === "setsid" && !setsid) {
    throw new GatewayError(
      "SPAWN_FAILED",
      "`setsid` (util-linux) was not found at /usr/bin/setsid or /bin/setsid.",
      "install util-linux (apt-get install util-linux), or set the process group mode to inherit.",
    );
  }
  // A scoped run permission refuses children with LD_*/DYLD_* variables (programs.ts).
  const { env, dropped } = withoutLoaderVariables(opts.env);
  if (dropped.length) {
    logger.warn(
      "Not passing {names} to Gateway's JVM: the permission set refuses dynamic-loader " +
        "variables for child processes (docs/permissions.md)",
      { names: dropped.join(", ") },
    );
  }
  const file = await openLog(opts.logFile, opts.rotateBytes ?? 20 * 1024 * 1024);
  const header =
    `\n--- ibg-pilot: starting ${opts.command.command} at ${new Date().toISOString()}` +
    ` (process group: ${setsid ? "own" : "shared"}) ---\n`;
  await file.write(new TextEncoder().encode(header));

  const program = setsid ?? opts.command.command;
  let child: Deno.ChildProcess;
  try {
    child = spawnVia(setsid, opts.command.command, opts.command.args, { env, cwd: opts.cwd });
  } catch (e) {
    file.close();
    if (e instanceof Deno.errors.NotCapable) {
      // Under the controller set the JVM may only be started through setsid.
      throw new GatewayError(
        "PERMISSION_NEEDED",
        `Not allowed to run ${program}: ${(e as Error).message}.`,
        setsid
          ? `allow it: --allow-run=${program}.`
          : "the permission set starts Gateway's JVM only through setsid: install util-linux " +
            "(/usr/bin/setsid) and keep the process group mode at auto (docs/permissions.md).",
        { cause: e },
      );
    }
    throw new GatewayError(
      "SPAWN_FAILED",
      `Cannot start ${program} in ${opts.cwd}: ${(e as Error).message}.`,
      "check that the java executable exists and the settings directory exists and is writable.",
      { cause: e },
    );
  }
  const pid = child.pid;

  const pumps = Promise.all([
    pump(child.stdout, file, opts.onLine),
    pump(child.stderr, file, opts.onLine),
  ]).catch(() => {}).finally(() => file.close());

  let exit: ProcessExit | undefined;
  const exited = child.status.then((s) => {
    exit = { code: s.code, signal: s.signal };
    logger.info("Gateway JVM {pid} exited with code {code}{signal}", {
      pid,
      code: s.code,
      signal: s.signal ? ` (${s.signal})` : "",
    });
    return exit;
  });

  // setsid(2) runs in the child before it execs java; wait until the group is ours so group
  // signals cannot miss. A child that already died is caught by awaitStartup.
  let ownGroup = false;
  if (setsid && !canReadProc()) {
    // Cannot verify without /proc (-A). Deno's child is never a group leader, so setsid does not
    // fork and this PID becomes the group leader; a group signal sent before that happens fails
    // with ESRCH and falls back to the PID.
    ownGroup = true;
  } else if (setsid) {
    try {
      await withDeadline(
        (async () => {
          while (!exit) {
            const st = readProcStat(pid);
            if (st && st.pgrp === pid) return;
            await settlesWithin(exited, 5);
          }
        })(),
        SETSID_DEADLINE_MS,
        "SETSID_DEADLINE_MS",
        "the JVM becoming its own process group leader",
      );
      ownGroup = !exit;
    } catch {
      logger.warn("Gateway JVM {pid} did not lead its own process group; signalling its PID only", {
        pid,
      });
    }
  }
  logger.info("Gateway JVM started: pid {pid}, own process group {ownGroup}, log {logFile}", {
    pid,
    ownGroup,
    logFile: opts.logFile,
  });

  const signal = async (sig: Deno.Signal): Promise<void> => {
    if (exit) return;
    if (ownGroup) {
      try {
        if ((await sendSignal(-pid, sig)) === "sent") return;
      } catch (e) {
        if (!isGatewayError(e, "PERMISSION_NEEDED")) throw e;
        // Without unscoped --allow-run (or --allow-run=kill) only the JVM itself can be signalled;
        // helpers it started (JxBrowser's Chromium) may then outlive it.
        logger.warn("Signalling only the JVM, not its process group: {error}", {
          error: (e as Error).message,
        });
      }
    }
    // Same group (or the group is gone): the child handle needs only the scoped run permission.
    try {
      child.kill(sig);
    } catch { /* already exited */ }
  };

  const logTail = async (maxBytes = 4096): Promise<string> => {
    // After exit, let the pipes drain so the last lines are in the file; a live JVM keeps them
    // open, so waiting would only delay.
    if (exit) await settlesWithin(pumps, DRAIN_DEADLINE_MS);
    return (await readTail(opts.logFile, maxBytes)).trimEnd();
  };

  let stopping: Promise<StopResult> | undefined;

  const stop = (s: StopOptions = {}): Promise<StopResult> => {
    stopping ??= (async (): Promise<StopResult> => {
      if (exit) return { mode: "already-exited", exit };
      const graceMs = s.graceMs ?? 30_000;
      const termMs = s.termMs ?? 15_000;
      const killMs = s.killMs ?? 5_000;
      const reason = s.reason ?? "stop";
      let gracefulFailure: string | undefined;

      if (s.closeGracefully) {
        const start = Date.now();
        let initiated = false;
        try {
          initiated = await withDeadline(
            s.closeGracefully(),
            graceMs,
            "graceMs",
            "Gateway's close path",
          );
          if (!initiated) gracefulFailure = "the close path was not available";
        } catch (e) {
          gracefulFailure = `the close path failed: ${(e as Error).message}`;
        }
        if (initiated) {
          const left = graceMs - (Date.now() - start);
          if (await settlesWithin(exited, left)) {
            logger.info("Gateway JVM {pid} closed cleanly ({reason})", { pid, reason });
            return { mode: "graceful", exit: exit! };
          }
          gracefulFailure = `still running ${graceMs} ms after the close path`;
        }
      } else {
        gracefulFailure = s.noSession
          ? "not logged in: nothing to log out of"
          : "no close path was available (agent not connected)";
      }
      if (exit) return { mode: "exited", exit, gracefulFailure };

      const unclean = (m: "sigterm" | "sigkill") =>
        s.noSession
          ? logger.info("Gateway JVM {pid} ended by {m}; it held no IBKR session", { pid, m })
          : alert("ALERT_JVM_UNCLEAN_SHUTDOWN", {
            mode: m,
            pid,
            reason: `${reason}: ${gracefulFailure}`,
            implication: UNCLEAN_IMPLICATION,
          });

      logger.warn("Sending SIGTERM to Gateway JVM {pid}: {why}", { pid, why: gracefulFailure });
      await signal("SIGTERM");
      if (await settlesWithin(exited, termMs)) {
        unclean("sigterm");
        return { mode: "sigterm", exit: exit!, gracefulFailure };
      }
      logger.warn("Sending SIGKILL to Gateway JVM {pid}: no exit {termMs} ms after SIGTERM", {
        pid,
        termMs,
      });
      await signal("SIGKILL");
      if (await settlesWithin(exited, killMs)) {
        unclean("sigkill");
        return { mode: "sigkill", exit: exit!, gracefulFailure };
      }
      unclean("sigkill");
      throw new GatewayError(
        "JVM_UNKILLABLE",
        `Gateway JVM ${pid} did not exit ${killMs} ms after SIGKILL (stuck in the kernel?).`,
        `inspect it with 'cat /proc/${pid}/stack' and reboot the host or container if it stays.`,
      );
    })();
    return stopping;
  };

  const awaitStartup = async <T>(
    ready: Promise<T>,
    deadlineMs: number,
    what = "the agent's hello",
  ): Promise<T> => {
    const died = exited.then(async (x) => {
      const tail = await logTail(3000);
      throw new GatewayError(
        "JVM_EXITED_AT_START",
        `Gateway's JVM (pid ${pid}) exited with code ${x.code}${
          x.signal ? ` (${x.signal})` : ""
        } before ${what}. Last lines of ${opts.logFile}:\n${tail || "(empty)"}\n`,
        "read the log lines above; common causes: a wrong JAVA_PATH or Java version, no DISPLAY " +
          "(start Xvfb), or an incomplete install (reinstall Gateway).",
      );
    });
    try {
      return await withDeadline(Promise.race([ready, died]), deadlineMs, "deadlineMs", what);
    } catch (e) {
      if (e instanceof GatewayError) throw e;
      if ((e as Error).name === "DeadlineError") {
        throw new GatewayError(
          "JVM_START_TIMEOUT",
          `Gateway's JVM (pid ${pid}) is running but ${what} did not arrive within ${deadlineMs} ms.` +
            ` Last lines of ${opts.logFile}:\n${(await logTail(2000)) || "(empty)"}\n`,
          "check that the agent jar loads (see the log), and that DISPLAY points at a running X " +
            "server.",
          { cause: e },
        );
      }
      throw e;
    } finally {
      died.catch(() => {}); // the race's loser must not surface as an unhandled rejection
    }
  };

  return {
    pid,
    get ownGroup() {
      return ownGroup;
    },
    logFile: opts.logFile,
    exited,
    exitStatus: () => exit,
    signal,
    awaitStartup,
    logTail,
    stop,
  };
}
