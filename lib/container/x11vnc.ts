/**
 * One x11vnc process serving ibg-pilot's own display, as the gnzsnz image ran it (`-forever
 * -shared`, port 5900), with the password kept off every command line: it is written to a 0600
 * file in the private runtime directory, and x11vnc is given `-passwdfile rm:FILE`, which makes it
 * read the file and delete it. `ps` (argv, /proc/<pid>/cmdline) shows only the file's name.
 *
 * Ready means listening: x11vnc prints `PORT=<n>` on stdout once its socket is bound, so the start
 * waits for that line, not for a timer. Supervision (restart with backoff, alerts) is
 * vnc_supervise.ts.
 */

import { join } from "node:path";
import { searchPath } from "../gateway/jre.ts";
import { DeadlineError } from "../util/deadline.ts";
import { log } from "../log.ts";
import { type DaemonExit, spawnDaemon } from "./daemon.ts";
import { errorLine, NamedError } from "../util/errors.ts";

/** How long x11vnc may take to report its port. */
export const X11VNC_START_DEADLINE_MS = 15_000;
/**
 * How long x11vnc may take to exit after SIGTERM before SIGKILL. Short: it holds no state, and
 * with a client connected it sometimes never exits on SIGTERM (seen in the console e2e).
 */
export const X11VNC_STOP_DEADLINE_MS = 2_000;

/** x11vnc could not be started; the message says what to do. */
export class X11vncError extends NamedError {}

/** What to serve. */
export interface X11vncOptions {
  /** The DISPLAY to serve, for example ":3". */
  display: string;
  port: number;
  /** Address to listen on (127.0.0.1 when only the console uses it). */
  host: string;
  /** The VNC password; VNC authentication uses its first 8 characters. */
  password: string;
  /** Private directory (0700) for the short-lived password file. */
  runtimeDir: string;
  /** PATH to find x11vnc and setsid on. */
  pathEnv?: string;
  deadlineMs?: number;
}

/** A running x11vnc this process started. */
export interface X11vnc {
  pid: number;
  port: number;
  host: string;
  exited: Promise<DaemonExit>;
  readonly stopping: boolean;
  /** SIGTERM, SIGKILL after {@link X11VNC_STOP_DEADLINE_MS}; resolves when it has exited. */
  stop(): Promise<DaemonExit>;
}

const FIX = "install x11vnc (apt-get install x11vnc), or unset VNC_SERVER_PASSWORD and " +
  "PILOT_CONSOLE";

/** The x11vnc arguments; the password appears only as a file name. */
export function x11vncArgs(o: { display: string; port: number; host: string; file: string }) {
  return [
    "-display",
    o.display,
    "-rfbport",
    String(o.port),
    "-listen",
    o.host,
    "-forever",
    "-shared",
    "-passwdfile",
    `rm:${o.file}`,
    // No ~/.x11vncrc surprises, no IPv6 socket (as gnzsnz), no reverse DNS of clients.
    "-norc",
    "-noipv6",
    "-nolookup",
  ];
}

/** Starts x11vnc on `display`; resolves once it listens. */
export async function startX11vnc(opts: X11vncOptions): Promise<X11vnc> {
  const logger = log("container", "x11vnc");
  const pathEnv = opts.pathEnv ?? "/usr/local/bin:/usr/bin:/bin";
  if (!searchPath(pathEnv, "x11vnc")) {
    throw new X11vncError(`x11vnc was not found on PATH (${pathEnv}): ${FIX}`);
  }
  const file = join(
    opts.runtimeDir,
    `vnc-passwd-${crypto.getRandomValues(new Uint32Array(2)).join("")}`,
  );
  await Deno.writeTextFile(file, `${opts.password}\n`, { mode: 0o600, createNew: true });
  await Deno.chmod(file, 0o600);
  const removeFile = () => Deno.remove(file).catch(() => {});
  let daemon;
  try {
    daemon = spawnDaemon({
      program: "x11vnc",
      args: x11vncArgs({ ...opts, file }),
      pathEnv,
      logger,
    });
  } catch (e) {
    await removeFile();
    const why = errorLine(e);
    throw new X11vncError(
      e instanceof Deno.errors.NotCapable
        ? `not allowed to run setsid or x11vnc (${why}): x11vnc is started through setsid, ` +
          `which the permission set must allow (docs/permissions.md)`
        : `cannot start x11vnc (${why}): ${FIX}`,
      { cause: e },
    );
  }
  try {
    await daemon.readyLine(
      /^PORT=(\d+)$/m,
      opts.deadlineMs ?? X11VNC_START_DEADLINE_MS,
      "X11VNC_START_DEADLINE_MS",
      "x11vnc reporting its port",
    );
  } catch (e) {
    const end = await daemon.exited;
    throw new X11vncError(
      (e instanceof DeadlineError
        ? e.message
        : `x11vnc exited before it listened (code ${end.code}${
          end.signal ? `, ${end.signal}` : ""
        }).`) +
        ` x11vnc said: ${end.tail.split("\n").slice(-4).join(" | ") || "(nothing)"}. Is port ` +
        `${opts.port} free and display ${opts.display} running? (PILOT_VNC_PORT)`,
      { cause: e },
    );
  } finally {
    // x11vnc removed it after reading; if it never got that far, the password must not linger.
    await removeFile();
  }
  logger.info("x11vnc serving display {display} on {host}:{port} (pid {pid})", {
    display: opts.display,
    host: opts.host,
    port: opts.port,
    pid: daemon.pid,
  });
  const d = daemon;
  return {
    pid: d.pid,
    port: opts.port,
    host: opts.host,
    exited: d.exited,
    get stopping() {
      return d.stopping;
    },
    stop: () => d.stop(X11VNC_STOP_DEADLINE_MS),
  };
}
