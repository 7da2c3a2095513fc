/**
 * Runs ibg-pilot the way users do (`deno task start`: `deno run -P=controller ... main.ts`), under
 * the one permission set from deno.json and the same runtime flags, with a controlled environment.
 */

import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

/** The repository root. */
export const ROOT = dirname(dirname(dirname(fromFileUrl(import.meta.url))));

/** Result of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The minimal environment a CLI test starts from (no inherited secrets). */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const keep = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"];
  const env: Record<string, string> = {};
  for (const k of keep) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

/** The `net` entries of the controller permission set in deno.json. */
export function controllerNet(): string[] {
  const meta = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  return meta.permissions.controller.net as string[];
}

/**
 * Argv prefix that runs ibg-pilot under its permission set. `extraUnixSockets` adds exactly
 * those Unix sockets (a test's private agent socket) to the set's `net` list; a flag replaces
 * the set's list, so the set's entries are repeated.
 */
export function pilotArgs(args: string[], opts: { extraUnixSockets?: string[] } = {}): string[] {
  const extra = opts.extraUnixSockets ?? [];
  const net = extra.length
    ? [`--allow-net=${[...controllerNet(), ...extra.map((p) => `unix:${p}`)].join(",")}`]
    : [];
  return [
    "run",
    "-P=controller",
    "--no-prompt",
    ...net,
    "--no-code-cache",
    "--v8-flags=--lite-mode",
    "--quiet",
    join(ROOT, "main.ts"),
    ...args,
  ];
}

/** Runs ibg-pilot to completion. */
export async function runCli(
  args: string[],
  env: Record<string, string> = baseEnv(),
  stdin?: string,
  opts: { extraUnixSockets?: string[] } = {},
): Promise<CliResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: pilotArgs(args, opts),
    cwd: ROOT,
    env,
    clearEnv: true,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
