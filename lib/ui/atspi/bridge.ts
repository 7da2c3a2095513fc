/**
 * Owns the Java side of the AT-SPI channel: the options that load the ATK bridge
 * (java-atk-wrapper) into Gateway's JVM, and the option that keeps it out. The launcher
 * (lib/gateway/command.ts) adds the bridge ONLY when the AT-SPI channel is chosen: with it
 * loaded, Gateway's login has deadlocked in the field (AtkWrapper property listener vs the EDT,
 * sources.md peers A8). No system file is changed; everything is on the JVM's command line.
 */

/** Options that load the bridge. */
export interface BridgeOptions {
  ok: true;
  /** Entries to append to the JVM's class path (the bridge jar). */
  classpath: string[];
  /** `-D` options, in order. */
  props: string[];
  /** The JNI library found, for diagnostics. */
  library: string;
}

/** The bridge cannot be loaded on this machine, and what to do about it. */
export interface BridgeUnavailable {
  ok: false;
  error: string;
  fix: string;
}

/** Where distributions install the bridge jar. */
export const JAR_CANDIDATES = [
  "/usr/share/java/java-atk-wrapper.jar",
  "/usr/lib64/java-atk-wrapper/java-atk-wrapper.jar",
  "/usr/lib/java-atk-wrapper/java-atk-wrapper.jar",
];

/** Debian multiarch triplets by Deno's architecture name. */
const MULTIARCH: Record<string, string[]> = {
  x86_64: ["x86_64-linux-gnu"],
  aarch64: ["aarch64-linux-gnu"],
};

/** Directories searched for `libatk-wrapper.so`, most specific first. */
export function libraryDirCandidates(arch: string = Deno.build.arch): string[] {
  const triplets = MULTIARCH[arch] ?? [];
  return [
    ...triplets.map((t) => `/usr/lib/${t}/jni`),
    "/usr/lib/jni",
    "/usr/lib64/java-atk-wrapper",
    "/usr/lib/java-atk-wrapper",
    ...Object.values(MULTIARCH).flat().filter((t) => !triplets.includes(t)).map((t) =>
      `/usr/lib/${t}/jni`
    ),
  ];
}

function fileExists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * The JVM options that load the ATK bridge, or why they cannot be built and how to fix it.
 * Side-effect free apart from looking for two files (injectable for tests).
 */
export function atkBridgeJavaOptions(
  opts: { exists?: (path: string) => boolean; arch?: string } = {},
): BridgeOptions | BridgeUnavailable {
  const exists = opts.exists ?? fileExists;
  const jar = JAR_CANDIDATES.find(exists);
  const dir = libraryDirCandidates(opts.arch).find((d) => exists(`${d}/libatk-wrapper.so`));
  const pkg = "apt-get install libatk-wrapper-java libatk-wrapper-java-jni " +
    "(Fedora: dnf install java-atk-wrapper)";
  if (!jar) {
    return {
      ok: false,
      error: `the ATK bridge jar is not installed (looked in ${JAR_CANDIDATES.join(", ")})`,
      fix: pkg,
    };
  }
  if (!dir) {
    return {
      ok: false,
      error: `the ATK bridge's JNI library libatk-wrapper.so is not installed (looked in ${
        libraryDirCandidates(opts.arch).join(", ")
      })`,
      fix: pkg,
    };
  }
  return {
    ok: true,
    classpath: [jar],
    props: [
      "-Djavax.accessibility.assistive_technologies=org.GNOME.Accessibility.AtkWrapper",
      `-Djava.library.path=${dir}`,
    ],
    library: `${dir}/libatk-wrapper.so`,
  };
}
