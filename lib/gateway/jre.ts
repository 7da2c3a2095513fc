/**
 * Finds the `java` executable that runs Gateway, in a fixed order, and says which source won and
 * why every earlier one was skipped (so `doctor` can explain a surprising choice). Also reads a
 * JRE's major version from its `release` file without running it.
 *
 * Order: JAVA_PATH; `.install4j/pref_jre.cfg`; `.install4j/inst_jre.cfg` (install4j's record of
 * the JRE it installed with); a bundled `<programDir>/jre`; `/usr/local/i4j_jres/<id>/[<ver>/]`
 * (where some installers put their JRE); `java` on PATH; `$JAVA_HOME/bin/java`.
 */

import { basename, delimiter, dirname, join } from "node:path";
import { GatewayError } from "./errors.ts";
import { compareVersions } from "./install.ts";
import { isDir, isExecutable, listDir, readTextOrUndefined } from "../util/fsutil.ts";

/** Where the chosen `java` came from. */
export type JreSource =
  | "JAVA_PATH"
  | "pref_jre.cfg"
  | "inst_jre.cfg"
  | "bundled jre"
  | "i4j_jres"
  | "PATH"
  | "JAVA_HOME";

/** Inputs of {@link findJava}; the environment values are passed in, never read here. */
export interface JreOptions {
  /** The Gateway program directory (`GatewayInstall.programDir`). */
  programDir: string;
  /** JAVA_PATH: a `java` executable, or a directory holding `java` or `bin/java`. */
  javaPath?: string;
  /** The PATH value to search for `java`. */
  pathEnv?: string;
  /** JAVA_HOME. */
  javaHome?: string;
  /** Where install4j registers shared JREs; default `/usr/local/i4j_jres`. */
  i4jJresDir?: string;
}

/** One source that was tried and skipped. */
export interface JreAttempt {
  source: JreSource;
  /** The path examined (or the source's description when there was no path). */
  path: string;
  /** Why it was not used. */
  reason: string;
}

/** The chosen `java`. */
export interface JavaExecutable {
  /** Absolute path of the `java` executable. */
  path: string;
  /** Which source won. */
  source: JreSource;
  /** Every earlier source and why it was skipped. */
  skipped: JreAttempt[];
}

/** The default directory of install4j's shared JREs. */
export const I4J_JRES_DIR = "/usr/local/i4j_jres";

/** The java executable inside a JRE home. */
function javaIn(home: string): string {
  return join(home, "bin", "java");
}

/** Reads the JRE home on the first non-empty line of an install4j `*_jre.cfg` file. */
export function parseJreCfg(text: string): string | undefined {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== "");
  return line || undefined;
}

/** Resolves JAVA_PATH: the executable itself, or a directory with `java` or `bin/java`. */
function resolveJavaPath(javaPath: string): string | undefined {
  if (isExecutable(javaPath)) return javaPath;
  return [join(javaPath, "java"), javaIn(javaPath)].find(isExecutable);
}

/** Every `java` under install4j's shared JRE directory, newest JRE version first. */
export function listI4jJres(dir = I4J_JRES_DIR): string[] {
  const found: { java: string; version: string }[] = [];
  for (const id of listDir(dir)) {
    const idDir = join(dir, id.name);
    if (!isDir(idDir)) continue;
    if (isExecutable(javaIn(idDir))) found.push({ java: javaIn(idDir), version: id.name });
    for (const ver of listDir(idDir)) {
      const home = join(idDir, ver.name);
      if (isExecutable(javaIn(home))) found.push({ java: javaIn(home), version: ver.name });
    }
  }
  // Version directory names look like `17.0.16.0.101-zulu` or `1.8.0_202`.
  const key = (v: string) => v.replace(/[^0-9.]+/g, ".").replace(/^\.+|\.+$/g, "") || "0";
  return found.sort((a, b) => compareVersions(key(b.version), key(a.version))).map((f) => f.java);
}

/** The first executable `java` on a PATH string. */
export function searchPath(pathEnv: string | undefined, name = "java"): string | undefined {
  if (!pathEnv) return undefined;
  for (const dir of pathEnv.split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Finds the `java` for the install in `opts.programDir`. An explicit JAVA_PATH that does not
 * lead to an executable is an error (a user's explicit choice never silently falls through).
 */
export function findJava(opts: JreOptions): JavaExecutable {
  const skipped: JreAttempt[] = [];
  const win = (path: string, source: JreSource): JavaExecutable => ({ path, source, skipped });

  if (opts.javaPath) {
    const java = resolveJavaPath(opts.javaPath);
    if (java) return win(java, "JAVA_PATH");
    throw new GatewayError(
      "JRE_NOT_FOUND",
      `JAVA_PATH ${opts.javaPath} is neither a java executable nor a directory holding java or ` +
        `bin/java.`,
      "point JAVA_PATH at a Java 17+ java executable or JRE home, or unset it to use the JRE " +
        "Gateway was installed with.",
    );
  }
  skipped.push({ source: "JAVA_PATH", path: "JAVA_PATH", reason: "not set" });

  for (const cfg of ["pref_jre.cfg", "inst_jre.cfg"] as const) {
    const file = join(opts.programDir, ".install4j", cfg);
    const text = readTextOrUndefined(file);
    const home = text === undefined ? undefined : parseJreCfg(text);
    if (home === undefined) {
      skipped.push({ source: cfg, path: file, reason: text === undefined ? "no file" : "empty" });
      continue;
    }
    if (isExecutable(javaIn(home))) return win(javaIn(home), cfg);
    skipped.push({ source: cfg, path: javaIn(home), reason: "names a JRE without bin/java" });
  }

  const bundled = javaIn(join(opts.programDir, "jre"));
  if (isExecutable(bundled)) return win(bundled, "bundled jre");
  skipped.push({ source: "bundled jre", path: bundled, reason: "not present" });

  const i4jDir = opts.i4jJresDir ?? I4J_JRES_DIR;
  const shared = listI4jJres(i4jDir);
  if (shared.length > 0) return win(shared[0], "i4j_jres");
  skipped.push({ source: "i4j_jres", path: join(i4jDir, "*", "[*/]bin", "java"), reason: "none" });

  const onPath = searchPath(opts.pathEnv);
  if (onPath) return win(onPath, "PATH");
  skipped.push({ source: "PATH", path: opts.pathEnv ?? "", reason: "no java on PATH" });

  if (opts.javaHome) {
    if (isExecutable(javaIn(opts.javaHome))) return win(javaIn(opts.javaHome), "JAVA_HOME");
    skipped.push({ source: "JAVA_HOME", path: javaIn(opts.javaHome), reason: "not executable" });
  } else skipped.push({ source: "JAVA_HOME", path: "JAVA_HOME", reason: "not set" });

  throw new GatewayError(
    "JRE_NOT_FOUND",
    `No Java runtime for the install at ${opts.programDir}; tried: ` +
      skipped.map((s) => `${s.source} ${s.path} (${s.reason})`).join("; ") + ".",
    "set JAVA_PATH to a Java 17+ java executable, or reinstall Gateway with IBKR's offline " +
      "installer (it bundles its JRE), or install a JRE (e.g. apt-get install openjdk-17-jre).",
  );
}

/**
 * The major version of the JRE that `javaExe` belongs to, read from the JRE's `release` file
 * (`JAVA_VERSION="17.0.15"` -> 17, `"1.8.0_202"` -> 8); undefined when unknown. Reading the file
 * avoids spawning a JVM just to decide on the module flags.
 */
export function readJavaMajor(javaExe: string): number | undefined {
  let real = javaExe;
  try {
    real = Deno.realPathSync(javaExe);
  } catch { /* keep the given path */ }
  if (basename(dirname(real)) !== "bin") return undefined;
  const home = dirname(dirname(real));
  // A JDK 8 layout keeps the JRE in <jdk>/jre/bin/java; the release file sits in <jdk>.
  const text = readTextOrUndefined(join(home, "release")) ??
    readTextOrUndefined(join(dirname(home), "release"));
  const m = text?.match(/^JAVA_VERSION="?([0-9._]+)/m);
  if (!m) return undefined;
  const parts = m[1].split(/[._]/).map(Number);
  return parts[0] === 1 ? parts[1] : parts[0];
}
