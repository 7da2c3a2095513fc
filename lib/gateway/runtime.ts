/**
 * ibg-pilot's private runtime directory (mode 0700, owned by us): the agent jar written at start
 * and one agent socket per trading mode. A 0700 directory is what keeps other local users off
 * the agent socket, whatever mode the socket file itself gets.
 *
 * Also owns the "one ibg-pilot per socket" rule: a socket path where a live agent answers means
 * another ibg-pilot (or its Gateway) is running, and we refuse to start; a path nobody answers
 * on is a leftover of a crash and is removed.
 */

import { join } from "node:path";
import { log } from "../log.ts";
import { GatewayError } from "./errors.ts";
import { withDeadline } from "../util/deadline.ts";

const logger = log("gateway");

/** Inputs of {@link defaultRuntimeDir}. */
export interface RuntimeDirOptions {
  /** An explicit directory from the settings; wins over everything. */
  dir?: string;
  /** XDG_RUNTIME_DIR, when set. */
  xdgRuntimeDir?: string;
  /** Our uid (`Deno.uid()`), for the /tmp fallback name. */
  uid: number;
}

/** `dir`, else `$XDG_RUNTIME_DIR/ibg-pilot`, else `/tmp/ibg-pilot-<uid>`. */
export function defaultRuntimeDir(opts: RuntimeDirOptions): string {
  if (opts.dir) return opts.dir;
  if (opts.xdgRuntimeDir) return join(opts.xdgRuntimeDir, "ibg-pilot");
  return `/tmp/ibg-pilot-${opts.uid}`;
}

/**
 * Creates the runtime directory (0700) or checks an existing one: it must be a real directory
 * (not a symlink another user planted in /tmp), owned by `uid`, and not accessible to others
 * (a directory we own with wider permissions is tightened to 0700).
 */
export async function ensureRuntimeDir(path: string, uid: number): Promise<string> {
  const bad = (problem: string, fix: string, cause?: unknown) =>
    new GatewayError("RUNTIME_DIR_INVALID", `Runtime directory ${path}: ${problem}.`, fix, {
      cause,
    });
  try {
    await Deno.mkdir(path, { recursive: true, mode: 0o700 });
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) {
      throw bad(
        `cannot create it (${(e as Error).message})`,
        "set the runtime directory to a " +
          "writable path, or set XDG_RUNTIME_DIR.",
        e,
      );
    }
  }
  const st = await Deno.lstat(path);
  if (st.isSymlink || !st.isDirectory) {
    throw bad(
      "exists but is not a directory (a symlink is refused: someone else may control it)",
      `remove ${path}, or configure another runtime directory.`,
    );
  }
  if (st.uid !== null && st.uid !== uid) {
    throw bad(
      `belongs to uid ${st.uid}, not to us (uid ${uid})`,
      `remove it as its owner, or configure another runtime directory.`,
    );
  }
  if (((st.mode ?? 0) & 0o077) !== 0) {
    await Deno.chmod(path, 0o700);
    logger.warn("Tightened runtime directory {path} to mode 0700", { path });
  }
  return path;
}

/** The longest Unix socket path Linux accepts (sun_path is 108 bytes, NUL included). */
export const MAX_SOCKET_PATH = 107;

/** The agent socket of one trading mode inside the runtime directory. */
export function agentSocketPath(runtimeDir: string, mode: "live" | "paper"): string {
  const path = join(runtimeDir, `agent-${mode}.sock`);
  if (new TextEncoder().encode(path).length > MAX_SOCKET_PATH) {
    throw new GatewayError(
      "SOCKET_PATH_INVALID",
      `The agent socket path ${path} is longer than ${MAX_SOCKET_PATH} bytes (the Unix limit).`,
      "configure a shorter runtime directory, e.g. /tmp/ibg-pilot.",
    );
  }
  return path;
}

/** How long to wait for a connection attempt to an existing socket path. */
const SOCKET_PROBE_DEADLINE_MS = 1_000;

/** Whether something accepts connections on a Unix socket path. */
export async function socketAnswers(path: string): Promise<boolean> {
  try {
    const conn = await withDeadline(
      Deno.connect({ transport: "unix", path }),
      SOCKET_PROBE_DEADLINE_MS,
      "SOCKET_PROBE_DEADLINE_MS",
      `a connection to ${path}`,
    );
    conn.close();
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) {
      throw new GatewayError(
        "PERMISSION_NEEDED",
        `Not allowed to probe the socket ${path}: ${(e as Error).message}.`,
        "Unix socket connections need --allow-read, --allow-write and --allow-net for the path.",
        { cause: e },
      );
    }
    // A listener that accepts too slowly is still a live listener.
    return (e as Error).name === "DeadlineError";
  }
}

/**
 * Makes `path` free for a new agent socket: nothing there is fine; a socket nobody answers on is
 * removed (a crashed run's leftover); a socket that answers means another ibg-pilot is running
 * and is refused; anything that is not a socket is refused rather than deleted.
 */
export async function claimSocketPath(path: string): Promise<"free" | "removed-stale"> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "free";
    throw e;
  }
  if (!st.isSocket) {
    throw new GatewayError(
      "SOCKET_PATH_INVALID",
      `${path} exists and is not a socket; refusing to delete it.`,
      `move the file away, or configure another runtime directory.`,
    );
  }
  if (await socketAnswers(path)) {
    throw new GatewayError(
      "SOCKET_IN_USE",
      `An agent already answers on ${path}: another ibg-pilot (or its Gateway) is running for ` +
        `this trading mode.`,
      "stop the other ibg-pilot first (ibg-pilot send STOP), or give this one its own runtime " +
        "directory; two Gateways for one user fight over IBKR's single session slot.",
    );
  }
  await Deno.remove(path).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  logger.info("Removed stale agent socket {path}", { path });
  return "removed-stale";
}
