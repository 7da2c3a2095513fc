/**
 * Installs the gateway simulator the way IB Gateway's offline installer lays itself out
 * (sources.md IBC 4.3, sources.md ecosystem 1.2), so discovery, vmoptions parsing, JRE lookup and the
 * launcher are exercised exactly as on a real install:
 *
 * ```
 * <root>/ibgateway/<version>/
 *   jars/jts4launch-<NNNN>.jar       the simulator (Main: ibgateway.GWClient)
 *   jars/twslaunch-<NNNN>.jar, locales.jar, jackson-core-2.12.3.jar   tiny valid jars
 *   ibgateway.vmoptions              -Xmx768m and the usual -D lines
 *   ibgateway                        install4j-style launcher (launcher.sh)
 *   .install4j/inst_jre.cfg          the real JRE home (from `java` on PATH)
 *   .install4j/i4jparams.conf        with a -DjxBrowserKey= entry
 *   .install4j/i4jruntime.jar        a tiny valid jar
 * ```
 *
 * With `product: "tws"` it lays out Trader Workstation as IBKR's TWS installer does (IBC's
 * ibcstart.sh looks for `<TWS_PATH>/<ver>`, ver in the compact form, e.g. `~/Jts/1045`): the same
 * files in `<root>/<NNNN>/`, with `tws` (launcher, main class `jclient.LoginFrame`) and
 * `tws.vmoptions`.
 *
 * For people: `deno run -A tests/gateway-sim/install.ts <root> [version] [tws]`.
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildJava } from "../../tools/build_java.ts";

/** Where an installed simulator lives. */
export interface SimInstall {
  /** `TWS_PATH`: the root that holds `ibgateway/<version>`. */
  twsPath: string;
  /** `<twsPath>/ibgateway/<version>`. */
  programDir: string;
  /** The version folder name, e.g. `10.45.1j`. */
  version: string;
  /** Which product this install is. */
  product: "gateway" | "tws";
  /** The executable install4j-style launcher, `<programDir>/ibgateway` (TWS: `tws`). */
  launcher: string;
  /** `<programDir>/jars`. */
  jarsDir: string;
}

/** The default version: a 10.45 build, like the one sources.md peers A4 reports. */
export const DEFAULT_SIM_VERSION = "10.45.1j";

/** `10.45.1j` -> `1045`, the compact number Gateway puts in jar names. */
export function compactVersion(version: string): string {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`version "${version}" is not like 10.45.1j`);
  return `${m[1]}${m[2]}`;
}

/** The JRE home behind `java` on PATH (readlink -f, minus /bin/java). */
export async function javaHomeFromPath(): Promise<string> {
  const out = await new Deno.Command("bash", {
    args: ["-c", 'readlink -f "$(command -v java)"'],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const java = new TextDecoder().decode(out.stdout).trim();
  if (!out.success || !java.endsWith("/bin/java")) {
    throw new Error(
      "no `java` on PATH: install a JDK 17 (the simulator and its launcher need one)",
    );
  }
  return java.slice(0, -"/bin/java".length);
}

// ---- a minimal jar writer (stored entries), so no `jar` process is needed for the small jars --

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A valid zip/jar with the given files stored uncompressed. */
export function tinyJar(files: Record<string, string>): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const n = enc.encode(name);
    const data = enc.encode(text);
    const crc = crc32(data);
    const local = new Uint8Array(30 + n.length + data.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 10, true);
    lv.setUint16(8, 0, true); // stored
    lv.setUint16(12, 0x21, true); // 1980-01-01
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, n.length, true);
    local.set(n, 30);
    local.set(data, 30 + n.length);
    const central = new Uint8Array(46 + n.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 10, true);
    cv.setUint16(14, 0x21, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, n.length, true);
    cv.setUint32(42, offset, true);
    central.set(n, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const centralSize = centrals.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, centrals.length, true);
  ev.setUint16(10, centrals.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + centralSize + 22);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function manifest(extra = ""): string {
  return `Manifest-Version: 1.0\r\nCreated-By: install4j\r\n${extra}\r\n`;
}

// ---- the install ----------------------------------------------------------------------------

/**
 * Builds the simulator jar if needed and lays out a realistic IB Gateway install under
 * `opts.root`. Idempotent: running it again refreshes the files.
 */
export async function installSimGateway(
  opts: { root: string; version?: string; product?: "gateway" | "tws" },
): Promise<SimInstall> {
  const version = opts.version ?? DEFAULT_SIM_VERSION;
  const nnnn = compactVersion(version);
  const simJar = await buildJava("sim");
  const twsPath = opts.root;
  const product = opts.product ?? "gateway";
  const tws = product === "tws";
  const programDir = tws ? join(twsPath, nnnn) : join(twsPath, "ibgateway", version);
  const launcherName = tws ? "tws" : "ibgateway";
  const jarsDir = join(programDir, "jars");
  const i4j = join(programDir, ".install4j");
  await Deno.mkdir(jarsDir, { recursive: true });
  await Deno.mkdir(i4j, { recursive: true });

  await Deno.copyFile(simJar, join(jarsDir, `jts4launch-${nnnn}.jar`));
  await Deno.writeFile(
    join(jarsDir, `twslaunch-${nnnn}.jar`),
    tinyJar({ "META-INF/MANIFEST.MF": manifest(`Implementation-Version: ${version}\r\n`) }),
  );
  await Deno.writeFile(
    join(jarsDir, "locales.jar"),
    tinyJar({
      "META-INF/MANIFEST.MF": manifest(),
      "locales/en.properties": "login.title=IBKR Gateway\n",
    }),
  );
  await Deno.writeFile(
    join(jarsDir, "jackson-core-2.12.3.jar"),
    tinyJar({ "META-INF/MANIFEST.MF": manifest("Bundle-Version: 2.12.3\r\n") }),
  );
  await Deno.writeFile(
    join(i4j, "i4jruntime.jar"),
    tinyJar({ "META-INF/MANIFEST.MF": manifest("Implementation-Title: install4j runtime\r\n") }),
  );

  const javaHome = await javaHomeFromPath();
  await Deno.writeTextFile(join(i4j, "inst_jre.cfg"), `${javaHome}\n`);
  await Deno.writeTextFile(
    join(i4j, "i4jparams.conf"),
    [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<config version="10.0.4" applicationId="5916-7207-4937-1438" applicationName="${
        tws ? "Trader Workstation" : "IB Gateway"
      } ${version}">`,
      `  <general mediaName="${launcherName}-${version}-standalone-linux-x64" jreVersion="17.0.10" />`,
      tws
        ? `  <launcher id="tws" name="Trader Workstation" file="tws" mainClass="jclient.LoginFrame"`
        : `  <launcher id="ibgateway" name="IB Gateway" file="ibgateway" mainClass="ibgateway.GWClient"`,
      `    vmParameters="-DjtsConfigDir=\${installer:jtsConfigDir} -DjxBrowserKey=SIM.JXB.KEY.6P0P2L8S4K -Dinstaller.uuid=sim" />`,
      `  <variables>`,
      `    <variable name="jtsConfigDir" value="\${installer:sys.userHome}/Jts" />`,
      `  </variables>`,
      `</config>`,
      ``,
    ].join("\n"),
  );
  await Deno.writeTextFile(
    join(programDir, `${launcherName}.vmoptions`),
    [
      "# Enter one VM parameter per line",
      "# For example, to adjust the maximum memory usage to 512 MB, uncomment the following line:",
      "# -Xmx512m",
      "# To include another file, uncomment the following line:",
      "# -include-options [path to other .vmoption file]",
      "",
      "-Xmx768m",
      "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=200",
      "-XX:ParallelGCThreads=20",
      "-XX:ConcGCThreads=5",
      "-XX:InitiatingHeapOccupancyPercent=70",
      "-Dinstaller.uuid=a5b1f3c2-9e4d-4f7a-8c21-sim0000000001",
      `-DvmOptionsPath=${join(programDir, `${launcherName}.vmoptions`)}`,
      "-Dsun.awt.nopixfmt=true",
      "-Dsun.java2d.noddraw=true",
      "-Dswing.boldMetal=false",
      "-Dsun.locale.formatasdefault=true",
      "",
    ].join("\n"),
  );
  const launcher = join(programDir, launcherName);
  const script = await Deno.readTextFile(
    join(dirname(fileURLToPath(import.meta.url)), "launcher.sh"),
  );
  await Deno.writeTextFile(launcher, script);
  await Deno.chmod(launcher, 0o755);
  return { twsPath, programDir, version, product, launcher, jarsDir };
}

if (import.meta.main) {
  const [root, version, product] = Deno.args;
  if (!root) {
    console.error("usage: deno run -A tests/gateway-sim/install.ts <root> [version]");
    Deno.exit(2);
  }
  const install = await installSimGateway({
    root,
    version,
    product: product === "tws" ? "tws" : "gateway",
  });
  console.log(JSON.stringify(install, null, 2));
}
