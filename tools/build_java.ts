/**
 * Builds the project's two Java artefacts with plain `javac --release 17` and `jar` (no Maven or
 * Gradle): the agent jar that ibg-pilot embeds, and the gateway simulator's jar for the tests.
 *
 * Usage: `deno run -A tools/build_java.ts agent|sim [--force]`. A target is skipped when its jar
 * is newer than every source file, so `deno task check` and the tests can call this cheaply.
 */

import { dirname, join, relative } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const root = dirname(dirname(fromFileUrl(import.meta.url)));

/** One Java artefact: where its sources are and what jar (and manifest) it becomes. */
export interface JavaTarget {
  /** Source root, relative to the repository. */
  src: string;
  /** Scratch directory for classes, relative to the repository. */
  classes: string;
  /** The jar to produce, relative to the repository. */
  jar: string;
  /** Manifest main attributes. */
  manifest: Record<string, string>;
}

/** The targets this repository builds. */
export const TARGETS: Record<string, JavaTarget> = {
  agent: {
    src: "agent/src",
    classes: "agent/build/classes",
    jar: "lib/ui/agent/ibg-pilot-agent.jar",
    manifest: {
      "Premain-Class": "ibgpilot.agent.Agent",
      "Agent-Class": "ibgpilot.agent.Agent",
      "Can-Redefine-Classes": "false",
    },
  },
  sim: {
    src: "tests/gateway-sim/src",
    classes: "tests/gateway-sim/build/classes",
    jar: "tests/gateway-sim/build/gateway-sim.jar",
    manifest: { "Main-Class": "ibgateway.GWClient" },
  },
};

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) walk(path, out);
    else out.push(path);
  }
  return out;
}

function mtime(path: string): number {
  try {
    return Deno.statSync(path).mtime?.getTime() ?? 0;
  } catch {
    return 0;
  }
}

async function exec(cmd: string, args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`${cmd} failed (exit ${out.code}):\n${text}`);
  }
}

/**
 * Builds one target unless its jar is up to date. Returns the absolute jar path.
 * Throws with javac's own message when the sources do not compile.
 */
export async function buildJava(name: string, force = false): Promise<string> {
  const target = TARGETS[name];
  if (!target) throw new Error(`unknown Java target "${name}"; use one of ${Object.keys(TARGETS)}`);
  const src = join(root, target.src);
  const jar = join(root, target.jar);
  const sources = walk(src);
  const javaFiles = sources.filter((f) => f.endsWith(".java"));
  if (javaFiles.length === 0) throw new Error(`no Java sources under ${target.src}`);
  const newest = Math.max(...sources.map(mtime), mtime(fromFileUrl(import.meta.url)));
  if (!force && mtime(jar) > newest) return jar;

  const classes = join(root, target.classes);
  await Deno.remove(classes, { recursive: true }).catch(() => {});
  await Deno.mkdir(classes, { recursive: true });
  await Deno.mkdir(dirname(jar), { recursive: true });
  await exec("javac", [
    "--release",
    "17",
    "-encoding",
    "UTF-8",
    "-Xlint:-options",
    "-d",
    classes,
    ...javaFiles.map((f) => relative(root, f)),
  ], root);
  // Non-Java files under src (resources) travel into the jar beside the classes.
  for (const file of sources.filter((f) => !f.endsWith(".java"))) {
    const dest = join(classes, relative(src, file));
    await Deno.mkdir(dirname(dest), { recursive: true });
    await Deno.copyFile(file, dest);
  }
  const manifestPath = join(dirname(classes), "MANIFEST.MF");
  const lines = Object.entries(target.manifest).map(([k, v]) => `${k}: ${v}`);
  await Deno.writeTextFile(manifestPath, lines.join("\n") + "\n");
  const tmpJar = `${jar}.tmp`;
  await exec(
    "jar",
    ["--create", "--file", tmpJar, "--manifest", manifestPath, "-C", classes, "."],
    root,
  );
  await Deno.rename(tmpJar, jar);
  return jar;
}

if (import.meta.main) {
  const names = Deno.args.filter((a) => !a.startsWith("--"));
  const force = Deno.args.includes("--force");
  for (const name of names.length ? names : Object.keys(TARGETS)) {
    const jar = await buildJava(name, force);
    console.error(`built ${relative(root, jar)}`);
  }
}
