/**
 * ibg-pilot's own X server for headless hosts: starts `Xvfb` (found on PATH) on a display it
 * picks itself, hands back the DISPLAY value for Gateway's JVM, reports an unexpected exit, and
 * ends it when asked (after every session has logged out: Gateway's clean close needs the display).
 *
 * Display choice: `-displayfd 1` makes Xvfb pick the first free display and write its number to
 * our pipe once it accepts clients. No polling for a socket, no race with a stale
 * `/tmp/.X1-lock` left by a previous container run (gnzsnz deletes that lock by hand), and no
 * collision with another X server. `-nolisten tcp`: only local clients.
 *
 * Process group: spawned through `setsid` when present (as Gateway's JVM is, lib/gateway/
 * process.ts), so a Ctrl-C in a terminal or `tini -g` does not end Xvfb before Gateway has
 * logged out; only we end it. `setsid` is also what the `controller` permission set may run:
 * Xvfb itself is not in its list.
 */

import { searchPath } from "../gateway/jre.ts";
import { allowedProgram } from "../gateway/programs.ts";
import { settlesWithin, withDeadline } from "../gateway/deadline.ts";
import { log } from "../log.ts";

/** How long Xvfb may take to report its display. */
export const XVFB_START_DEADLINE_MS = 15_000;
/** How long Xvfb may take to exit after SIGTERM before SIGKILL. */
export const XVFB_STOP_DEADLINE_MS = 5_000;
/** Lines of Xvfb's stderr kept for error messages. */
const TAIL_LINES = 20;

/** A screen geometry Xvfb accepts: WIDTHxHEIGHTxDEPTH. */
export const SCREEN_PATTERN = /^[1-9]\d{2,4}x[1-9]\d{2,4}x(8|15|16|24|32)$/;

/** How Xvfb ended. */
export interface XvfbExit {
  code: number;
  signal: Deno.Signal | null;
  /** The last lines Xvfb wrote to stderr. */
  tail: string;
}

/** A running Xvfb this process started. */
export interface XvfbServer {
  /** The DISPLAY value, for example ":0". */
  display: string;
  pid: number;
  /** Settles when Xvfb exits, for whatever reason. */
  exited: Promise<XvfbExit>;
  /** True once {@link stop} was called (an exit after it is expected). */
  readonly stopping: boolean;
  /** SIGTERM, SIGKILL after {@link XVFB_STOP_DEADLINE_MS}; resolves when it has exited. */
  stop(): Promise<XvfbExit>;
}

/** Options of {@link startXvfb}. */
export interface XvfbOptions {
  /** WIDTHxHEIGHTxDEPTH; default 1280x1024x24. */
  screen?: string;
  /** PATH to find `Xvfb` and `setsid` on. */
  pathEnv?: string;
  /** Start deadline in ms; default {@link XVFB_START_DEADLINE_MS}. */
  deadlineMs?: number;
}

/** Xvfb could not be started; the message says what to do. */
export class XvfbError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "XvfbError";
  }
}

const FIX =
  "install Xvfb (apt-get install xvfb), or set DISPLAY to a running X server and PILOT_XVFB=no";

/** Starts Xvfb; resolves once it accepts clients. */
export async function startXvfb(opts: XvfbOptions = {}): Promise<XvfbServer> {
  const logger = log("container", "xvfb");
  const screen = opts.screen ?? "1280x1024x24";
  if (!SCREEN_PATTERN.test(screen)) {
    throw new XvfbError(
      `PILOT_XVFB_SCREEN=${JSON.stringify(screen)} is not WIDTHxHEIGHTxDEPTH ` +
        `(for example 1280x1024x24)`,
    );
  }
  const pathEnv = opts.pathEnv ?? "/usr/local/bin:/usr/bin:/bin";
  if (!searchPath(pathEnv, "Xvfb")) {
    throw new XvfbError(`Xvfb was not found on PATH (${pathEnv}): ${FIX}`);
  }
  // The permission set may run only setsid (lib/gateway/programs.ts), which then execs Xvfb.
  const setsid = allowedProgram("setsid", pathEnv);
  const xargs = ["-displayfd", "1", "-nolisten", "tcp", "-screen", "0", screen];
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(setsid ?? "Xvfb", {
      args: setsid ? ["Xvfb", ...xargs] : xargs,
      // Xvfb needs nothing from our environment, and it must not inherit secrets.
      env: { PATH: pathEnv },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new XvfbError(
      e instanceof Deno.errors.NotCapable
        ? `not allowed to run ${setsid ?? "Xvfb"} (${why}): Xvfb is started through setsid, ` +
          `which the permission set must allow (docs/permissions.md); install util-linux if ` +
          `setsid is missing`
        : `cannot start Xvfb (${why}): ${FIX}`,
      { cause: e },
    );
  }

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
        logger.debug("Xvfb: {line}", { line });
      }
    }
    if (partial.trim()) tail.push(partial);
  })().catch(() => {});

  let stopping = false;
  const exited: Promise<XvfbExit> = child.status.then(async (s) => {
    // The last stderr lines explain an early exit; a stuck pipe must not hold the report.
    await settlesWithin(stderrDone, 1_000);
    return { code: s.code, signal: s.signal, tail: tail.join("\n") };
  });

  const deadline = opts.deadlineMs ?? XVFB_START_DEADLINE_MS;
  const reader = child.stdout.getReader();
  let text = "";
  try {
    text = await withDeadline(
      (async () => {
        let out = "";
        while (!out.includes("\n")) {
          const { value, done } = await reader.read();
          if (done) break;
          out += new TextDecoder().decode(value);
        }
        return out;
      })(),
      deadline,
      "XVFB_START_DEADLINE_MS",
      "Xvfb reporting its display number",
    );
  } catch (e) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    const end = await exited;
    throw new XvfbError(`${(e as Error).message} Xvfb said: ${end.tail || "(nothing)"}`, {
      cause: e,
    });
  } finally {
    reader.releaseLock();
  }
  child.stdout.cancel().catch(() => {});
  const number = text.trim();
  if (!/^\d+$/.test(number)) {
    const end = await exited;
    throw new XvfbError(
      `Xvfb exited before it accepted clients (code ${end.code}${
        end.signal ? `, ${end.signal}` : ""
      }). Xvfb said: ${end.tail || "(nothing)"}`,
    );
  }
  const display = `:${number}`;
  logger.info("Xvfb started on display {display} (pid {pid}, screen {screen})", {
    display,
    pid: child.pid,
    screen,
  });

  let stopped: Promise<XvfbExit> | undefined;
  return {
    display,
    pid: child.pid,
    exited,
    get stopping() {
      return stopping;
    },
    stop() {
      stopping = true;
      stopped ??= (async () => {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
        if (!(await settlesWithin(exited, XVFB_STOP_DEADLINE_MS))) {
          logger.warn("Xvfb {pid} did not exit within {ms} ms of SIGTERM: SIGKILL", {
            pid: child.pid,
            ms: XVFB_STOP_DEADLINE_MS,
          });
          try {
            child.kill("SIGKILL");
          } catch { /* already gone */ }
        }
        const end = await exited;
        logger.info("Xvfb on display {display} ended", { display });
        return end;
      })();
      return stopped;
    },
  };
}
