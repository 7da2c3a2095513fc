/**
 * Signals by PID and reading /proc, within Deno's permission model (measured on Deno 2.9.6):
 *
 * - `Deno.kill` needs an unscoped `--allow-run` (`--allow-run=java` is not enough) for any PID but
 *   our own; when it is refused we fall back to running `kill(1)` at a path the permission set
 *   lists (programs.ts).
 * - Everything under /proc (like /sys and /dev) needs `--allow-all`: `--allow-read` alone, even
 *   `--allow-read=/proc`, is refused. {@link canReadProc} tells callers whether to rely on it.
 */

import { GatewayError } from "./errors.ts";
import { allowedProgram } from "./programs.ts";

/** How a signal was delivered. */
export type SignalOutcome = "sent" | "no-such-process";

/**
 * Sends `signal` to `pid` (negative: a process group). Resolves `no-such-process` when nothing
 * has that PID; throws a {@link GatewayError} PERMISSION_NEEDED when neither `Deno.kill` nor the
 * `kill` command is allowed, and rethrows other failures (EPERM: not our process).
 */
export async function sendSignal(pid: number, signal: Deno.Signal): Promise<SignalOutcome> {
  try {
    Deno.kill(pid, signal);
    return "sent";
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "no-such-process";
    if (!(e instanceof Deno.errors.NotCapable)) throw e;
  }
  let out: Deno.CommandOutput;
  try {
    out = await runKill(["-s", signal.replace(/^SIG/, ""), "--", String(pid)]);
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.NotFound) {
      throw new GatewayError(
        "PERMISSION_NEEDED",
        `Cannot send ${signal} to ${pid}: Deno.kill needs --allow-run (unscoped) and the kill ` +
          `command is ${
            e instanceof Deno.errors.NotFound ? "not installed" : "not allowed"
          } (the permission set allows /usr/bin/kill and /bin/kill).`,
        "install procps (apt-get install procps), or run ibg-pilot with --allow-run.",
        { cause: e },
      );
    }
    throw e;
  }
  if (out.success) return "sent";
  const err = new TextDecoder().decode(out.stderr);
  if (/no such process/i.test(err)) return "no-such-process";
  throw new Error(`kill -s ${signal} ${pid} failed: ${err.trim()}`);
}

/**
 * kill(pid, 0): true while a process with that PID exists (also when it is another user's), for
 * processes we did not start (an attached Gateway) and so cannot await. `Deno.kill` takes the
 * number 0 (measured, Deno 2.9.6, though its type says a signal name); when it is refused, the
 * `kill -0` command answers instead.
 */
export async function processExists(pid: number): Promise<boolean> {
  try {
    Deno.kill(pid, 0 as unknown as Deno.Signal);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    if (e instanceof Deno.errors.PermissionDenied) return true;
    if (!(e instanceof Deno.errors.NotCapable)) throw e;
  }
  const out = await runKill(["-0", "--", String(pid)]);
  if (out.success) return true;
  return !/no such process/i.test(new TextDecoder().decode(out.stderr));
}

/**
 * Runs procps `kill` at the path the permission set allows (programs.ts), with an empty
 * environment: a scoped run permission refuses children that inherit LD_* variables. Throws
 * NotFound when it is not installed there.
 */
async function runKill(args: string[]): Promise<Deno.CommandOutput> {
  const kill = allowedProgram("kill", Deno.env.get("PATH"));
  if (!kill) throw new Deno.errors.NotFound("kill was not found at /usr/bin/kill or /bin/kill");
  return await new Deno.Command(kill, { args, clearEnv: true, stdout: "null", stderr: "piped" })
    .output();
}

let procReadable: boolean | undefined;

/** True when this process may read /proc (Deno grants it only with --allow-all). Cached. */
export function canReadProc(): boolean {
  if (procReadable === undefined) {
    try {
      Deno.readTextFileSync("/proc/self/stat");
      procReadable = true;
    } catch {
      procReadable = false; // NotCapable, or no /proc at all (not Linux)
    }
  }
  return procReadable;
}

/** Fields of /proc/<pid>/stat that matter here. */
export interface ProcStat {
  /** One-letter state: R, S, D, Z (zombie), T, X (dead) ... */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Start time in clock ticks after boot: with the PID, identifies a process across reuse. */
  startTime: number;
}

/** Parses the text of /proc/<pid>/stat (the command name may contain spaces and parentheses). */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const f = text.slice(close + 2).trim().split(/\s+/);
  // Fields after the name start at field 3 (state); starttime is field 22.
  if (f.length < 20) return undefined;
  return {
    state: f[0],
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    session: Number(f[3]),
    startTime: Number(f[19]),
  };
}

/** /proc/<pid>/stat of a process, or undefined when it does not exist. */
export function readProcStat(pid: number, procDir = "/proc"): ProcStat | undefined {
  try {
    return parseProcStat(Deno.readTextFileSync(`${procDir}/${pid}/stat`));
  } catch {
    return undefined;
  }
}

/** True when `pid` exists and is not a zombie. */
export function isAlive(pid: number, procDir = "/proc"): boolean {
  const st = readProcStat(pid, procDir);
  return st !== undefined && st.state !== "Z" && st.state !== "X";
}
