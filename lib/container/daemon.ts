/**
 * A helper process that ibg-pilot keeps beside Gateway (Xvfb, x11vnc): spawned through `setsid`
 * (its own process group, so a Ctrl-C in a terminal or `tini -g` does not end it before Gateway
 * has logged out; and `setsid` is what the `controller` permission set may run), with an empty
 * environment but PATH (it must not inherit secrets), stderr kept as a short tail for error
 * messages, a wait for the line on stdout that says it is ready, and a stop that escalates from
 * SIGTERM to SIGKILL.
 */

import { allowedProgram, spawnVia } from "../gateway/programs.ts";
import { settlesWithin, withDeadline } from "../util/deadline.ts";
import type { Logger } from "../log.ts";

/** Lines of stderr kept for error messages. */
const TAIL_LINES = 20;

/** How a daemon ended. */
export interface DaemonExit {
  code: number;
  signal: Deno.Signal | null;
  /** The last lines it wrote to stderr. */
  tail: string;
}

/** What to start. */
export interface DaemonSpec {
  /** Program name, looked up on `pathEnv` by setsid. */
  program: string;
  args: string[];
  pathEnv: string;
  /** Where its stderr lines go (debug level). */
  logger: Logger;
}

/** A spawned daemon. */
export interface Daemon {
  pid: number;
  /** True when it was started through setsid. */
  viaSetsid: boolean;
  /** Settles when it exits, for whatever reason. */
  exited: Promise<DaemonExit>;
  /** True once {@link stop} was called (an exit after it is expected). */
  readonly stopping: boolean;
  /**
   * Reads stdout until `pattern` matches what it wrote, then drains the rest. Rejects with a
   * DeadlineError named `deadlineName` after `deadlineMs` (the daemon is then SIGKILLed), or with
   * an Error when stdout ends first (it exited). Call once.
   */
  readyLine(
    pattern: RegExp,
    deadlineMs: number,
    deadlineName: string,
    what: string,
  ): Promise<RegExpExecArray>;
  /** SIGTERM, SIGKILL after `deadlineMs`; resolves when it has exited. */
  stop(deadlineMs: number): Promise<DaemonExit>;
}

/** Spawns the daemon; throws what `Deno.Command.spawn` throws (callers name the fix). */
export function spawnDaemon(spec: DaemonSpec): Daemon {
  const setsid = allowedProgram("setsid", spec.pathEnv);
  const child = spawnVia(setsid, spec.program, spec.args, { env: { PATH: spec.pathEnv } });

  const tail: string[] = [];
  const stderrDone = (async () => {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const chunk of child.stderr) {
      partial += decoder.decode(chunk, { stream: true });
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        spec.logger.debug("{program}: {line}", { program: spec.program, line });
      }
    }
    if (partial.trim()) tail.push(partial);
  })().catch(() => {});

  let stopping = false;
  const exited: Promise<DaemonExit> = child.status.then(async (s) => {
    // The last stderr lines explain an early exit; a stuck pipe must not hold the report.
    await settlesWithin(stderrDone, 1_000);
    return { code: s.code, signal: s.signal, tail: tail.join("\n") };
  });
  const kill = (sig: Deno.Signal) => {
    try {
      child.kill(sig);
    } catch { /* already gone */ }
  };

  let stopped: Promise<DaemonExit> | undefined;
  return {
    pid: child.pid,
    viaSetsid: setsid !== undefined,
    exited,
    get stopping() {
      return stopping;
    },
    async readyLine(pattern, deadlineMs, deadlineName, what) {
      const reader = child.stdout.getReader();
      let text = "";
      let match: RegExpExecArray | null = null;
      try {
        await withDeadline(
          (async () => {
            const decoder = new TextDecoder();
            while (!(match = pattern.exec(text))) {
              const { value, done } = await reader.read();
              if (done) return;
              text += decoder.decode(value, { stream: true });
            }
          })(),
          deadlineMs,
          deadlineName,
          what,
        );
      } catch (e) {
        kill("SIGKILL");
        throw e;
      } finally {
        reader.releaseLock();
      }
      // Keep draining: a daemon blocked on a full stdout pipe stops serving.
      child.stdout.pipeTo(new WritableStream()).catch(() => {});
      if (!match) throw new Error(`${spec.program} closed its output before ${what}`);
      return match;
    },
    stop(deadlineMs) {
      stopping = true;
      stopped ??= (async () => {
        kill("SIGTERM");
        if (!(await settlesWithin(exited, deadlineMs))) {
          spec.logger.warn("{program} {pid} did not exit within {ms} ms of SIGTERM: SIGKILL", {
            program: spec.program,
            pid: child.pid,
            ms: deadlineMs,
          });
          kill("SIGKILL");
        }
        return await exited;
      })();
      return stopped;
    },
  };
}
