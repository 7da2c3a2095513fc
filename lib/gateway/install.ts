/**
 * Finds an IB Gateway (or TWS) install on disk: the program directory for the requested version,
 * its jars, install4j's runtime jar, the `.vmoptions` file and the jxBrowser licence key. Owns the
 * version naming rules: IBKR's installer uses compact names (`1045`), the gnzsnz image full ones
 * (`10.45.1j`), and both may be asked for either way.
 *
 * Nothing here reads the environment: the caller passes TWS_PATH, GATEWAY_OR_TWS and
 * TWS_MAJOR_VRSN in as {@link InstallOptions}.
 */

import { join } from "node:path";
import { GatewayError } from "./errors.ts";
import { isDir, isFile, listDir, readTextOrUndefined } from "../util/fsutil.ts";

/** Which IBKR product to run. A TWS install contains Gateway and vice versa (sources.md IBC 4.3). */
export type Product = "gateway" | "tws";

/** Main class of each product's JVM. */
export const MAIN_CLASS: Readonly<Record<Product, string>> = {
  gateway: "ibgateway.GWClient",
  tws: "jclient.LoginFrame",
};

/** Where to look and for what. */
export interface InstallOptions {
  /** TWS_PATH: the install root; default `<home>/Jts`. */
  twsPath?: string;
  /** The user's home, used only for the `~/Jts` default. */
  home?: string;
  /** GATEWAY_OR_TWS; default `gateway`. */
  product?: Product;
  /** TWS_MAJOR_VRSN: `1045` or `10.45.1j`; unset means the newest installed version. */
  majorVersion?: string;
  /** Versions not to pick when `majorVersion` is unset (rolled back: lib/installer/versions.ts). */
  skipVersions?: readonly string[];
}

/** A usable install, everything the command builder needs. */
export interface GatewayInstall {
  /** The product asked for; decides the main class. */
  product: Product;
  /** The product whose directory layout held the jars (differs after the fallback). */
  foundAs: Product;
  /** The install root (TWS_PATH). */
  twsPath: string;
  /** The version directory's name, e.g. `1045` or `10.45.1j`. */
  version: string;
  /** `<twsPath>/ibgateway/<version>` or `<twsPath>/<version>`. */
  programDir: string;
  /** Every `<programDir>/jars/*.jar`, sorted by name (stable classpath across runs). */
  jars: string[];
  /** install4j's runtime jar, last on the classpath like IBC. */
  i4jRuntimeJar: string;
  /** `ibgateway.vmoptions` or `tws.vmoptions`. */
  vmoptionsFile: string;
  /** From `.install4j/i4jparams.conf`; without it passkey (WebAuthn) 2FA cannot render. */
  jxBrowserKey?: string;
  /** `ibgateway.GWClient` or `jclient.LoginFrame`. */
  mainClass: string;
  /** install4j's own launcher scripts present in the program dir (`ibgateway`, `tws`). */
  launchers: string[];
}

/** One element of a parsed version: numbers compare numerically, letters alphabetically. */
export type VersionPart = number | string;

/**
 * True for names that look like an install version: compact digits (`1045`, `981`) or dotted
 * (`10.45.1j`, `10.19`). Excludes `ibgateway`, `jts.ini`, the 40-letter user directories, etc.
 */
export function isVersionName(name: string): boolean {
  return /^\d{3,}$/.test(name) || /^\d+(\.\d+)+[a-z]*$/i.test(name);
}

/**
 * The install version a Gateway command line runs from: the version directory holding its
 * `jars/` (`.../ibgateway/1045/jars/...`), or undefined when its class path names none.
 */
export function installVersionOf(argv: string[]): string | undefined {
  for (const arg of argv) {
    for (const m of arg.matchAll(/([^/:=\s]+)\/jars(?:\/|$|:)/g)) {
      if (isVersionName(m[1])) return m[1];
    }
  }
  return undefined;
}

/**
 * Parses a version name into comparable parts. Compact names put the minor version in the last
 * two digits (`1045` is 10.45, `981` is 9.81), so they compare correctly against dotted names.
 */
export function parseVersion(name: string): VersionPart[] {
  if (/^\d{3,}$/.test(name)) return [Number(name.slice(0, -2)), Number(name.slice(-2))];
  return (name.match(/\d+|[a-z]+/gi) ?? []).map((t) => (/^\d+$/.test(t) ? Number(t) : t));
}

/**
 * Compares two version names numerically (`10.50.1d` > `10.45.1j` > `1045` > `1019`); a strict
 * prefix is older. Returns a negative number, zero or a positive number, like a sort comparator.
 */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === "number" && typeof y === "number") {
      if (x !== y) return x - y;
    } else if (typeof x === "number") return 1; // 10.45.1 vs 10.45.j: digits rank above letters
    else if (typeof y === "number") return -1;
    else if (x.toLowerCase() !== y.toLowerCase()) return x.toLowerCase() < y.toLowerCase() ? -1 : 1;
  }
  return 0;
}

/** The compact form IBKR's installer uses for a version name: `10.45.1j` -> `1045`. */
export function compactVersion(name: string): string {
  if (/^\d+$/.test(name)) return name;
  const parts = parseVersion(name).filter((p) => typeof p === "number") as number[];
  if (parts.length < 2) return name;
  return `${parts[0]}${String(parts[1]).padStart(2, "0")}`;
}

/** The directory holding one product's version directories. */
export function productRoot(twsPath: string, product: Product): string {
  return product === "gateway" ? join(twsPath, "ibgateway") : twsPath;
}

/** Version directories of one product that hold a `jars/` folder, newest first. */
export function listInstalledVersions(twsPath: string, product: Product): string[] {
  const root = productRoot(twsPath, product);
  return listDir(root)
    .filter((e) => isVersionName(e.name) && isDir(join(root, e.name, "jars")))
    .map((e) => e.name)
    .sort((a, b) => compareVersions(b, a));
}

/**
 * The installed version directory of `product` matching `wanted` (exact name first, then any
 * name with the same compact form, newest first), or the newest when `wanted` is unset.
 */
export function matchVersion(
  twsPath: string,
  product: Product,
  wanted: string | undefined,
  skip: readonly string[] = [],
): string | undefined {
  const installed = listInstalledVersions(twsPath, product);
  if (wanted === undefined || wanted === "") return installed.find((v) => !skip.includes(v));
  if (installed.includes(wanted)) return wanted;
  const compact = compactVersion(wanted);
  return installed.find((v) => compactVersion(v) === compact);
}

/**
 * Reads the jxBrowser licence key from the text of `.install4j/i4jparams.conf`: what follows
 * `DjxBrowserKey=` up to the next quote or whitespace (the file is XML-ish, the key sits inside
 * an attribute value).
 */
export function parseJxBrowserKey(text: string): string | undefined {
  const m = text.match(/DjxBrowserKey=([^"'\s<>]+)/);
  return m ? m[1] : undefined;
}

function defaultTwsPath(opts: InstallOptions): string {
  if (opts.twsPath) return opts.twsPath;
  if (opts.home) return join(opts.home, "Jts");
  throw new GatewayError(
    "INSTALL_NOT_FOUND",
    "No install root: TWS_PATH is not set and the home directory is unknown.",
    "set TWS_PATH to the folder that holds ibgateway/<version>/ (usually ~/Jts).",
  );
}

const OTHER: Record<Product, Product> = { gateway: "tws", tws: "gateway" };
const PRODUCT_NAME: Record<Product, string> = { gateway: "IB Gateway", tws: "TWS" };

/**
 * Finds the install described by `opts`, following IBC's rules: the requested product's version
 * directory, else the other product's (a TWS install contains Gateway). Throws one
 * {@link GatewayError} naming what was missing, where it was looked for, and the fix.
 */
export function findInstall(opts: InstallOptions): GatewayInstall {
  const product = opts.product ?? "gateway";
  const twsPath = defaultTwsPath(opts);
  const wanted = opts.majorVersion?.trim() || undefined;
  const installer = `install ${PRODUCT_NAME[product]} with IBKR's offline installer ` +
    `(it creates ${join(productRoot(twsPath, product), "<version>")})`;

  if (!isDir(twsPath)) {
    throw new GatewayError(
      "INSTALL_NOT_FOUND",
      `No ${PRODUCT_NAME[product]} install: TWS_PATH ${twsPath} is not a directory.`,
      `set TWS_PATH to the folder that holds ibgateway/<version>/ (default ~/Jts), or ${installer}.`,
    );
  }

  let foundAs: Product = product;
  let version = matchVersion(twsPath, product, wanted, opts.skipVersions);
  if (version === undefined) {
    const other = matchVersion(twsPath, OTHER[product], wanted);
    if (other !== undefined) {
      foundAs = OTHER[product];
      version = other;
    }
  }
  if (version === undefined) {
    const seen = [
      ...listInstalledVersions(twsPath, product).map((v) => join(productRoot(twsPath, product), v)),
      ...listInstalledVersions(twsPath, OTHER[product]).map((v) =>
        join(productRoot(twsPath, OTHER[product]), v)
      ),
    ];
    const where = `${join(productRoot(twsPath, product), wanted ?? "<version>", "jars")} (and ` +
      `${join(productRoot(twsPath, OTHER[product]), wanted ?? "<version>", "jars")})`;
    if (wanted && seen.length > 0) {
      throw new GatewayError(
        "INSTALL_NOT_FOUND",
        `${PRODUCT_NAME[product]} version ${wanted} is not installed: looked for ${where}; ` +
          `installed: ${seen.join(", ")}.`,
        `set TWS_MAJOR_VRSN to one of the installed versions (or unset it to use the newest), ` +
          `or ${installer}.`,
      );
    }
    throw new GatewayError(
      "INSTALL_NOT_FOUND",
      `No ${PRODUCT_NAME[product]} install under ${twsPath}: looked for ${where}.`,
      `${installer}, or set TWS_PATH to the folder that holds it.`,
    );
  }

  const programDir = join(productRoot(twsPath, foundAs), version);
  const incomplete = (what: string, path: string) =>
    new GatewayError(
      "INSTALL_INCOMPLETE",
      `The ${PRODUCT_NAME[foundAs]} install at ${programDir} is incomplete: ${what} (${path}).`,
      `reinstall ${PRODUCT_NAME[product]} with IBKR's offline installer into ${programDir}.`,
    );

  const jarsDir = join(programDir, "jars");
  const jars = listDir(jarsDir)
    .filter((e) => e.name.endsWith(".jar") && isFile(join(jarsDir, e.name)))
    .map((e) => join(jarsDir, e.name))
    .sort();
  if (jars.length === 0) throw incomplete("no .jar files in jars/", jarsDir);

  const i4jRuntimeJar = [
    join(programDir, ".install4j", "i4jruntime.jar"),
    join(programDir, "i4jruntime.jar"),
  ].find(isFile);
  if (!i4jRuntimeJar) {
    throw incomplete(
      "install4j's runtime jar is missing",
      join(programDir, ".install4j", "i4jruntime.jar"),
    );
  }

  // Each product's directory carries its own options file; prefer the requested product's.
  const vmNames = product === "gateway"
    ? ["ibgateway.vmoptions", "tws.vmoptions"]
    : ["tws.vmoptions", "ibgateway.vmoptions"];
  const vmoptionsFile = vmNames.map((n) => join(programDir, n)).find(isFile);
  if (!vmoptionsFile) {
    throw incomplete("the JVM options file is missing", join(programDir, vmNames[0]));
  }

  const params = readTextOrUndefined(join(programDir, ".install4j", "i4jparams.conf"));
  const jxBrowserKey = params === undefined ? undefined : parseJxBrowserKey(params);

  const launchers = ["ibgateway", "tws"].map((n) => join(programDir, n)).filter(isFile);

  return {
    product,
    foundAs,
    twsPath,
    version,
    programDir,
    jars,
    i4jRuntimeJar,
    vmoptionsFile,
    jxBrowserKey,
    mainClass: MAIN_CLASS[product],
    launchers,
  };
}
