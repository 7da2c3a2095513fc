/**
 * Fake Gateway install trees for the launcher's unit tests: just the files discovery looks at,
 * in a fresh temp directory per test.
 */

import { dirname, join } from "node:path";

/** Writes `text` to `path`, creating parent directories. */
export function put(path: string, text = "", mode?: number): string {
  Deno.mkdirSync(dirname(path), { recursive: true });
  Deno.writeTextFileSync(path, text, mode === undefined ? undefined : { mode });
  if (mode !== undefined) Deno.chmodSync(path, mode);
  return path;
}

/** Creates an executable stub `java` (a shell script) at `<home>/bin/java`; returns its path. */
export function fakeJre(home: string, release?: string): string {
  if (release) put(join(home, "release"), `JAVA_VERSION="${release}"\n`);
  return put(join(home, "bin", "java"), "#!/bin/sh\nexit 0\n", 0o755);
}

/** Options of {@link fakeInstall}. */
export interface FakeInstallOptions {
  product?: "gateway" | "tws";
  jars?: string[];
  vmoptions?: string | null;
  i4jRuntime?: boolean;
  i4jParams?: string;
  launcher?: boolean;
}

/**
 * Creates a program directory `<twsPath>/ibgateway/<version>` (or `<twsPath>/<version>` for TWS)
 * with jars, i4jruntime.jar, a vmoptions file and i4jparams.conf; returns the program dir.
 */
export function fakeInstall(
  twsPath: string,
  version: string,
  opts: FakeInstallOptions = {},
): string {
  const product = opts.product ?? "gateway";
  const prog = product === "gateway" ? join(twsPath, "ibgateway", version) : join(twsPath, version);
  for (const jar of opts.jars ?? ["twslaunch-1045.jar", "jts4launch-1045.jar", "locales.jar"]) {
    put(join(prog, "jars", jar), "PK");
  }
  if (opts.i4jRuntime !== false) put(join(prog, ".install4j", "i4jruntime.jar"), "PK");
  if (opts.vmoptions !== null) {
    put(
      join(prog, product === "gateway" ? "ibgateway.vmoptions" : "tws.vmoptions"),
      opts.vmoptions ?? "-Xmx768m\n-XX:+UseG1GC\n# comment\n\n-Dsun.java2d.noddraw=true\n",
    );
  }
  if (opts.i4jParams !== undefined) put(join(prog, ".install4j", "i4jparams.conf"), opts.i4jParams);
  if (opts.launcher) {
    put(join(prog, product === "gateway" ? "ibgateway" : "tws"), "#!/bin/sh\n", 0o755);
  }
  return prog;
}

/** A fresh temp directory, removed by the returned disposer. */
export function tempDir(prefix = "ibg-gw-test-"): { path: string } & Disposable {
  const path = Deno.makeTempDirSync({ prefix });
  return {
    path,
    [Symbol.dispose]() {
      try {
        Deno.removeSync(path, { recursive: true });
      } catch { /* already gone */ }
    },
  };
}
