/**
 * The programs ibg-pilot starts itself, and how to start them inside the `controller` permission
 * set. Its `run` list names exact paths (measured on Deno 2.9.6):
 *
 * - Deno compares the path it is asked to spawn with the list literally: with `/usr/bin/setsid`
 *   listed, spawning `/bin/setsid` is refused even where `/bin` is a symlink to `/usr/bin`. A bare
 *   name is resolved on the child's PATH first. So every spawn asks {@link allowedProgram} for the
 *   listed path that exists, instead of searching PATH.
 * - With a scoped `run`, Deno refuses to spawn a child whose environment holds any `LD_*` or
 *   `DYLD_*` variable (case-insensitive); {@link withoutLoaderVariables} drops them first.
 * - `Deno.kill` needs an unscoped `run` for any PID but our own, so signals go through `kill`.
 *
 * Gateway's JVM and Xvfb are started through `setsid` (their own process group), so neither java
 * nor Xvfb is in the list; `setsid` can start any program it is given, which docs/permissions.md
 * states plainly.
 */

import { dirname } from "node:path";
import { isExecutable } from "../util/fsutil.ts";
import { searchPath } from "./jre.ts";

/**
 * The programs ibg-pilot may start, by name, with the paths the `controller` set allows: the
 * Debian/Ubuntu locations with and without merged /usr. tests/deploy checks this table against
 * deno.json, so the two cannot drift apart.
 */
export const ALLOWED_PROGRAMS: Readonly<Record<"setsid" | "kill", readonly string[]>> = {
  /** util-linux: starts Gateway's JVM (and Xvfb) in their own session and process group. */
  setsid: ["/usr/bin/setsid", "/bin/setsid"],
  /** procps: signals a process group, which `Deno.kill` may not under a scoped `run`. */
  kill: ["/usr/bin/kill", "/bin/kill"],
};

/** A program ibg-pilot starts itself. */
export type AllowedProgram = keyof typeof ALLOWED_PROGRAMS;

/** True when this process may run any program (`-A` or an unscoped `--allow-run`). */
export function runUnscoped(): boolean {
  return Deno.permissions.querySync({ name: "run" }).state === "granted";
}

/** True when this process may run `command` (an absolute path or a name on our PATH). */
export function mayRun(command: string): boolean {
  return Deno.permissions.querySync({ name: "run", command }).state === "granted";
}

/**
 * The path to spawn `name` by: the first of its {@link ALLOWED_PROGRAMS} paths that exists and
 * may be run; with an unscoped `run` (tests, `-A`), else the first on `pathEnv`. Undefined when
 * neither gives one: the program is not installed where the permission set allows it.
 */
export function allowedProgram(name: AllowedProgram, pathEnv?: string): string | undefined {
  const paths = ALLOWED_PROGRAMS[name].filter(mayRun);
  const seen = paths.find(isExecutable);
  if (seen) return seen;
  if (runUnscoped()) return searchPath(pathEnv, name);
  // The set may run /bin/kill without reading /bin (not in its read list): on a system without
  // merged /usr the program is there but cannot be stat'ed, so offer the first path we could not
  // look at; spawning it reports NotFound when it is really missing.
  return paths.find((p) => !canStat(dirname(p)));
}

function canStat(dir: string): boolean {
  return Deno.permissions.querySync({ name: "read", path: dir }).state === "granted";
}

/**
 * Starts `program` with exactly `env` (nothing inherited) and its output piped; through `setsid`
 * when given, so that it leads its own session and process group.
 */
export function spawnVia(
  setsid: string | undefined,
  program: string,
  args: readonly string[],
  opts: { env: Record<string, string>; cwd?: string; stdin?: "null" | "piped" },
): Deno.ChildProcess {
  return new Deno.Command(setsid ?? program, {
    args: setsid ? [program, ...args] : [...args],
    cwd: opts.cwd,
    env: opts.env,
    clearEnv: true,
    stdin: opts.stdin ?? "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** The dynamic-loader variables Deno refuses to pass to a child under a scoped `run`. */
export function isLoaderVariable(name: string): boolean {
  return /^(LD_|DYLD_)/i.test(name);
}

/**
 * `env` without the dynamic-loader variables when this process runs under a scoped `run`
 * (unchanged otherwise), and the names it dropped so the caller can say so.
 */
export function withoutLoaderVariables(
  env: Readonly<Record<string, string>>,
): { env: Record<string, string>; dropped: string[] } {
  if (runUnscoped()) return { env: { ...env }, dropped: [] };
  const kept: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (isLoaderVariable(k)) dropped.push(k);
    else kept[k] = v;
  }
  return { env: kept, dropped };
}
