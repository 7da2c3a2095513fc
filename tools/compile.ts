/**
 * `deno task compile`: the single ibg-pilot binary, agent jar embedded, for linux x64 and arm64,
 * under exactly the permission set and runtime flags `deno task start` and the tests run with
 * (PERMISSION_FLAGS, MEMORY_FLAGS; tests/deploy/compile_test.ts proves the binary carries both).
 *
 * Usage: deno task compile [--target linux-x64|linux-arm64|amd64|arm64]... [--output PATH]
 *   no --target: both, as dist/ibg-pilot-linux-x64 and dist/ibg-pilot-linux-arm64;
 *   one --target with --output: that one file (the Dockerfile's builder stage does this).
 *
 * Network: `deno compile` downloads Deno's runtime for each target (denort)
 * from dl.deno.land the first time; npm packages come from the npm registry unless cached.
 * DENORT_BIN (Deno's own variable) points it at a local runtime instead.
 */

import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { buildJava } from "./build_java.ts";
import { buildConsole } from "./build_console.ts";

const root = dirname(dirname(fromFileUrl(import.meta.url)));

/**
 * The permission flags of the binary, the same as `deno task start` uses: the `controller` set
 * from deno.json, and never a prompt (a missing permission is an error, not a question).
 */
export const PERMISSION_FLAGS: readonly string[] = ["-P=controller", "--no-prompt"];

/**
 * Runtime flags for a long-lived controller that idles between short bursts of UI work, also the
 * same for `deno task start`, the tests and the binary. V8's lite mode drops the optimizing
 * compilers and allocates feedback lazily; without the V8 code cache, only the functions that run
 * are compiled, instead of every function any earlier run compiled. Measured with
 * `deno task bench footprint` (RSS at READY, same code): 70.2 MB without them, 63.5 MB with them;
 * the login takes as long (`deno task bench login`: 1042 against 1017 ms to READY).
 */
export const MEMORY_FLAGS: readonly string[] = ["--no-code-cache", "--v8-flags=--lite-mode"];

/** Our target names (and Docker's TARGETARCH names) to Deno's compile targets. */
export const TARGETS: Readonly<Record<string, string>> = {
  "linux-x64": "x86_64-unknown-linux-gnu",
  "linux-arm64": "aarch64-unknown-linux-gnu",
};
const ALIASES: Readonly<Record<string, string>> = {
  amd64: "linux-x64",
  x64: "linux-x64",
  x86_64: "linux-x64",
  arm64: "linux-arm64",
  aarch64: "linux-arm64",
};

/** Resolves a target name or alias; throws naming the accepted ones. */
export function resolveTarget(name: string): string {
  const t = ALIASES[name] ?? name;
  if (!TARGETS[t]) {
    throw new Error(
      `unknown --target ${JSON.stringify(name)}: use one of ${
        [...Object.keys(TARGETS), ...Object.keys(ALIASES)].join(", ")
      }`,
    );
  }
  return t;
}

/** The `deno compile` argv for one target. */
export function compileArgs(target: string, output: string, exclude: string[] = []): string[] {
  return [
    "compile",
    ...PERMISSION_FLAGS,
    ...MEMORY_FLAGS,
    "--target",
    TARGETS[resolveTarget(target)],
    ...exclude.flatMap((p) => ["--exclude", p]),
    "--output",
    output,
    join(root, "main.ts"),
  ];
}

async function run(args: string[], what: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`${what} failed (deno ${args.join(" ")})`);
  return new TextDecoder().decode(out.stdout);
}

/** `deno info --json main.ts`, the parts we read. */
export interface DenoInfo {
  modules: { kind?: string; npmPackage?: string }[];
  npmPackages: Record<
    string,
    { dependencies?: string[]; optionalDependencies?: string[]; localPath?: string }
  >;
}

/** `deno info --json main.ts`: main.ts's module graph and the npm resolution with local paths. */
export async function mainInfo(): Promise<DenoInfo> {
  return JSON.parse(await run(["info", "--json", join(root, "main.ts")], "deno info"));
}

/**
 * npm packages main.ts can reach: the packages its module graph imports and everything they
 * depend on. `deno compile` embeds every package of the resolution (the test-only ones too:
 * ajv, kubernetes-models, dockerfile-utils... measured 23.86 MB of embedded files against
 * 13.37 MB without them), so the rest are excluded by directory.
 */
export function reachablePackages(info: DenoInfo): Set<string> {
  const seen = new Set<string>();
  const stack = info.modules.flatMap((m) => m.kind === "npm" && m.npmPackage ? [m.npmPackage] : []);
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const p = info.npmPackages[id];
    if (p) stack.push(...(p.dependencies ?? []), ...(p.optionalDependencies ?? []));
  }
  return seen;
}

/**
 * Paths `deno compile` must leave out of the binary:
 * - every npm package main.ts cannot reach (test-only dependencies; see reachablePackages);
 * - bintrees' tests (prom-client -> tdigest -> bintrees ships `test/perf/100k`, 2 MB of numbers
 *   without an extension; Deno 2.9.6's compile parses it as one 100k-deep expression and dies
 *   with "tokio-runtime-worker has overflowed its stack": measured; RUST_MIN_STACK does not
 *   help, cf. denoland/deno#36746).
 */
export async function npmExcludes(): Promise<string[]> {
  const info = await mainInfo();
  const reachable = reachablePackages(info);
  const keep = new Set(
    [...reachable].flatMap((id) => info.npmPackages[id]?.localPath ?? []),
  );
  const unreachable = Object.entries(info.npmPackages).flatMap(([id, p]) =>
    !reachable.has(id) && p.localPath && !keep.has(p.localPath) ? [p.localPath] : []
  );
  const bintreesTests = [...reachable].flatMap((id) => {
    const path = info.npmPackages[id]?.localPath;
    return id.startsWith("bintrees@") && path ? [join(path, "test")] : [];
  });
  return [...new Set([...unreachable, ...bintreesTests])].sort();
}

/** Builds the agent jar, caches dependencies, and compiles each target. Returns the outputs. */
export async function compile(targets: string[], output?: string): Promise<string[]> {
  if (output && targets.length !== 1) throw new Error("--output needs exactly one --target");
  await buildJava("agent");
  await buildConsole();
  await run(["cache", join(root, "main.ts")], "deno cache");
  const exclude = await npmExcludes();
  const outputs: string[] = [];
  for (const t of targets) {
    const out = output ?? join(root, "dist", `ibg-pilot-${resolveTarget(t)}`);
    await run(compileArgs(t, out, exclude), `deno compile for ${t}`);
    outputs.push(out);
  }
  return outputs;
}

if (import.meta.main) {
  const targets: string[] = [];
  let output: string | undefined;
  const args = [...Deno.args];
  while (args.length) {
    const a = args.shift()!;
    if (a === "--target") targets.push(args.shift() ?? "");
    else if (a === "--output") output = args.shift();
    else if (a === "-h" || a === "--help") {
      console.log("Usage: deno task compile [--target linux-x64|linux-arm64]... [--output PATH]");
      Deno.exit(0);
    } else {
      console.error(`compile: unknown argument ${a}; see deno task compile --help`);
      Deno.exit(2);
    }
  }
  try {
    for (const t of targets) resolveTarget(t);
    const outs = await compile(targets.length ? targets : Object.keys(TARGETS), output);
    for (const o of outs) console.log(`built ${o}`);
  } catch (e) {
    console.error(`compile: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
