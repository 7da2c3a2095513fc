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
 * Process group, environment, stderr tail and stop: lib/container/daemon.ts (as for x11vnc).
 */

import { searchPath } from "../gateway/jre.ts";
import { DeadlineError } from "../util/deadline.ts";
import { log } from "../log.ts";
import { type Daemon, type DaemonExit, spawnDaemon } from "./daemon.ts";
import { errorLine, NamedError } from "../util/errors.ts";

/** How long Xvfb may take to report its display. */
export const XVFB_START_DEADLINE_MS = 15_000;
/** How long Xvfb may take to exit after SIGTERM before SIGKILL. */
export const XVFB_STOP_DEADLINE_MS = 5_000;

/** A screen geometry Xvfb accepts: WIDTHxHEIGHTxDEPTH. */
export const SCREEN_PATTERN = /^[1-9]\d{2,4}x[1-9]\d{2,4}x(8|15|16|24|32)$/;

/** How Xvfb ended. */
export type XvfbExit = DaemonExit;

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
export class XvfbError extends NamedError {}

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
  let daemon: Daemon;
  try {
    daemon = spawnDaemon({
      program: "Xvfb",
      args: ["-displayfd", "1", "-nolisten", "tcp", "-screen", "0", screen],
      pathEnv,
      logger,
    });
  } catch (e) {
    const why = errorLine(e);
    throw new XvfbError(
      e instanceof Deno.errors.NotCapable
        ? `not allowed to run setsid or Xvfb (${why}): Xvfb is started through setsid, ` +
          `which the permission set must allow (docs/permissions.md); install util-linux if ` +
          `setsid is missing`
        : `cannot start Xvfb (${why}): ${FIX}`,
      { cause: e },
    );
  }
  const exited = daemon.exited;

  let number: string;
  try {
    const m = await daemon.readyLine(
      /^(\d+)\n/,
      opts.deadlineMs ?? XVFB_START_DEADLINE_MS,
      "XVFB_START_DEADLINE_MS",
      "Xvfb reporting its display number",
    );
    number = m[1];
  } catch (e) {
    const end = await exited;
    throw new XvfbError(
      e instanceof DeadlineError
        ? `${e.message} Xvfb said: ${end.tail || "(nothing)"}`
        : `Xvfb exited before it accepted clients (code ${end.code}${
          end.signal ? `, ${end.signal}` : ""
        }). Xvfb said: ${end.tail || "(nothing)"}`,
      { cause: e },
    );
  }
  const display = `:${number}`;
  logger.info("Xvfb started on display {display} (pid {pid}, screen {screen})", {
    display,
    pid: daemon.pid,
    screen,
  });

  let stopped: Promise<XvfbExit> | undefined;
  return {
    display,
    pid: daemon.pid,
    exited,
    get stopping() {
      return daemon.stopping;
    },
    stop() {
      stopped ??= daemon.stop(XVFB_STOP_DEADLINE_MS).then((end) => {
        logger.info("Xvfb on display {display} ended", { display });
        return end;
      });
      return stopped;
    },
  };
}
