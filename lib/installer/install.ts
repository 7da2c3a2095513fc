/**
 * Installs one IB Gateway version under TWS_PATH the way the gnzsnz image does (install4j's
 * unattended `sh <installer> -q -dir <TWS_PATH>/ibgateway/<version>`), but safely: the installer
 * runs into a hidden work folder beside the versions, and only a complete install is renamed to
 * `ibgateway/<version>`. Discovery ignores the work folder (not a version name), so a failed or
 * interrupted install never leaves a half version it would pick; an existing version is never
 * touched. Also fixes `.install4j/inst_jre.cfg` when the install has its own `jre`.
 */

import { join } from "node:path";
import { listInstalledVersions, productRoot } from "../gateway/install.ts";
import { isDir, isFile, listDir } from "../util/fsutil.ts";
import { allowedProgram, spawnVia } from "../gateway/programs.ts";
import { sendSignal } from "../gateway/signals.ts";
import {
  type Channel,
  installerUrl,
  parseVersionJson,
  versionFromInstallerName,
  versionJsonUrl,
} from "./channel.ts";
import { download, fetchText } from "./download.ts";
import { InstallError } from "./errors.ts";
import type { Progress } from "./progress.ts";

/** What to install and from where (from the settings and the `install` command's flags). */
export interface InstallRequest {
  /** TWS_PATH. */
  twsPath: string;
  channel: Channel;
  /** The version wanted (`--version`); unset: the channel's current build. */
  version?: string;
  /** PILOT_GATEWAY_DOWNLOAD_URL: the base of IBKR's layout. */
  downloadUrl: string;
  /** PILOT_GATEWAY_INSTALLER_URL: one pinned installer instead of the channel's. */
  installerUrl?: string;
  /** PILOT_GATEWAY_INSTALLER_SHA256. */
  sha256?: string;
  /** PILOT_GATEWAY_DOWNLOAD_TIMEOUT in ms: no data for this long stops a download. */
  stallMs: number;
  /** How long the installer may run; default 10 minutes. */
  installerTimeoutMs?: number;
  /** A progress reporter for a download of `label`. */
  progress?: (label: string) => Progress;
  /** Where lines about what happens go. */
  say?: (line: string) => void;
}

/** The version to install and the installer's URL. */
export interface InstallTarget {
  version: string;
  url: string;
}

/** What {@link installGateway} did. */
export interface InstallResult extends InstallTarget {
  /** `<twsPath>/ibgateway/<version>`. */
  programDir: string;
  /** False when that version was installed already (nothing was downloaded). */
  installed: boolean;
  /** The installer's SHA-256 (to pin it with PILOT_GATEWAY_INSTALLER_SHA256). */
  sha256?: string;
}

/** Decides version and URL: a pinned installer, or the channel's version.json. */
export async function resolveTarget(req: InstallRequest): Promise<InstallTarget> {
  if (req.installerUrl) {
    const version = req.version ?? versionFromInstallerName(req.installerUrl);
    if (!version) {
      throw new InstallError(
        "VERSION_UNKNOWN",
        `Cannot tell which version ${req.installerUrl} installs (its name is not like ` +
          "ibgateway-10.45.1j-standalone-linux-x64.sh).",
        "name the version: ibg-pilot install --version 10.45.1j, or set TWS_MAJOR_VRSN.",
      );
    }
    return { version, url: req.installerUrl };
  }
  const jsonUrl = versionJsonUrl(req.downloadUrl, req.channel);
  const current = parseVersionJson(await fetchText(jsonUrl, req.stallMs), jsonUrl);
  if (req.version && req.version !== current) {
    throw new InstallError(
      "VERSION_UNAVAILABLE",
      `IBKR's ${req.channel} channel offers ${current}, not ${req.version}; IBKR keeps no older builds.`,
      `install ${current} (drop --version), try the other channel, or pin a mirror's installer ` +
        "with PILOT_GATEWAY_INSTALLER_URL and PILOT_GATEWAY_INSTALLER_SHA256 (the gnzsnz " +
        "image's releases keep every build).",
    );
  }
  return { version: current, url: installerUrl(req.downloadUrl, req.channel) };
}

/** Installs the requested version unless it is there already; see the module header. */
export async function installGateway(req: InstallRequest): Promise<InstallResult> {
  const say = req.say ?? (() => {});
  const target = await resolveTarget(req);
  const root = productRoot(req.twsPath, "gateway");
  const programDir = join(root, target.version);
  if (listInstalledVersions(req.twsPath, "gateway").includes(target.version)) {
    say(`IB Gateway ${target.version} is already installed in ${programDir}`);
    return { ...target, programDir, installed: false };
  }
  if (isDir(programDir) || isFile(programDir)) {
    throw new InstallError(
      "INSTALL_FAILED",
      `${programDir} exists but holds no install (no jars/).`,
      `remove or rename ${programDir}, then install again.`,
    );
  }
  await Deno.mkdir(root, { recursive: true });
  const work = await Deno.makeTempDir({ dir: root, prefix: ".ibg-pilot-install-" });
  try {
    const installer = join(work, "installer.sh");
    const label = target.url.split("/").pop() ?? "installer";
    say(`downloading IB Gateway ${target.version} from ${target.url}`);
    const got = await download({
      url: target.url,
      dest: installer,
      stallMs: req.stallMs,
      sha256: req.sha256,
      progress: req.progress?.(label),
    });
    say(`installer SHA-256 ${got.sha256} (${got.bytes} bytes)`);
    const staged = join(work, target.version);
    await runInstaller(installer, staged, join(work, "installer.log"), req.installerTimeoutMs);
    await fixInstJreCfg(staged, programDir);
    await Deno.rename(staged, programDir);
    say(`installed IB Gateway ${target.version} in ${programDir}`);
    return { ...target, programDir, installed: true, sha256: got.sha256 };
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** install4j's unattended install into `dir`, in its own process group, with a deadline. */
async function runInstaller(
  installer: string,
  dir: string,
  logFile: string,
  timeoutMs = 10 * 60_000,
): Promise<void> {
  const setsid = allowedProgram("setsid");
  if (!setsid) {
    throw new InstallError(
      "INSTALLER_FAILED",
      "`setsid` (util-linux) was not found at /usr/bin/setsid or /bin/setsid; the installer is run through it.",
      "install util-linux (apt-get install util-linux).",
    );
  }
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
  };
  const child = spawnVia(setsid, "/bin/sh", [installer, "-q", "-dir", dir], { env });
  // At the deadline the installer's whole process group is killed.
  const deadline = AbortSignal.timeout(timeoutMs);
  deadline.onabort = () => void sendSignal(-child.pid, "SIGKILL").catch(() => {});
  const out = await child.output().finally(() => (deadline.onabort = null));
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  await Deno.writeTextFile(logFile, text).catch(() => {});
  const tail = text.trim().split("\n").slice(-5).join(" | ");
  if (deadline.aborted) {
    throw new InstallError(
      "INSTALLER_FAILED",
      `The installer did not finish within ${timeoutMs / 1000} s and was stopped.`,
      "check free disk space and that the file is IBKR's Linux offline installer.",
    );
  }
  const jars = join(dir, "jars");
  const hasJars = listDir(jars).some((e) => e.name.endsWith(".jar"));
  if (!out.success || !hasJars) {
    throw new InstallError(
      "INSTALLER_FAILED",
      `The installer ${out.success ? "finished but left no jars/" : `exited with ${out.code}`}` +
        `${tail ? `: ${tail}` : ""}.`,
      "check that PILOT_GATEWAY_INSTALLER_URL (or the channel) gives IBKR's Linux offline " +
        "installer for this machine's architecture, and that TWS_PATH has free space.",
    );
  }
}

/**
 * install4j records the JRE it installed with in `.install4j/inst_jre.cfg`; with a bundled `jre`
 * that path is the work folder's, so it is pointed at the final place (the gnzsnz image does the
 * same after installing under /root). Any other mention of the work folder is rewritten too.
 */
export async function fixInstJreCfg(staged: string, finalDir: string): Promise<void> {
  const cfg = join(staged, ".install4j", "inst_jre.cfg");
  if (isDir(join(staged, "jre"))) {
    await Deno.mkdir(join(staged, ".install4j"), { recursive: true });
    await Deno.writeTextFile(cfg, `${join(finalDir, "jre")}\n`);
    return;
  }
  if (!isFile(cfg)) return;
  const text = await Deno.readTextFile(cfg);
  if (text.includes(staged)) await Deno.writeTextFile(cfg, text.replaceAll(staged, finalDir));
}
