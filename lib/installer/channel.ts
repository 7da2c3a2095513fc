/**
 * IBKR's installer channels: where `version.json` and the offline installers live under a base
 * URL (IBKR's own layout, so a mirror or a test server only changes the base), which installer
 * fits this machine, and reading the JSONP `version.json` (`<name>_callback({...})`, whose
 * `buildVersion` names the current build).
 */

import { InstallError } from "./errors.ts";

/** IBKR's two release channels. */
export type Channel = "stable" | "latest";

/** The installer suffix of an architecture: aarch64 is `arm`, everything else `x64`. */
export function installerArch(arch: string = Deno.build.arch): "x64" | "arm" {
  return arch === "aarch64" || arch === "arm64" ? "arm" : "x64";
}

function trimSlash(base: string): string {
  return base.replace(/\/+$/, "");
}

/** `<base>/tws/<channel>-standalone/version.json`. */
export function versionJsonUrl(base: string, channel: Channel): string {
  return `${trimSlash(base)}/tws/${channel}-standalone/version.json`;
}

/** `<base>/ibgateway/<channel>-standalone/ibgateway-<channel>-standalone-linux-<arch>.sh`. */
export function installerUrl(base: string, channel: Channel, arch = installerArch()): string {
  return `${trimSlash(base)}/ibgateway/${channel}-standalone/` +
    `ibgateway-${channel}-standalone-linux-${arch}.sh`;
}

/**
 * The `buildVersion` of a channel's `version.json`: JSONP (`twsstable_callback({...});`) or
 * plain JSON. Throws CHANNEL_UNREADABLE naming the URL when it is neither or has no version.
 */
export function parseVersionJson(text: string, url: string): string {
  const body = text.trim().replace(/^[\w$.]+\s*\(\s*/, "").replace(/\s*\)\s*;?\s*$/, "");
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw new InstallError(
      "CHANNEL_UNREADABLE",
      `${url} is not IBKR's version.json (neither JSONP nor JSON): ${
        JSON.stringify(text.slice(0, 80))
      }.`,
      "check PILOT_GATEWAY_DOWNLOAD_URL: it is the base that holds tws/<channel>-standalone/version.json " +
        "(default https://download2.interactivebrokers.com/installers).",
    );
  }
  const v = (data as { buildVersion?: unknown } | null)?.buildVersion;
  if (typeof v !== "string" || !/^\d+(\.\d+)+[a-z]*$/i.test(v.trim())) {
    throw new InstallError(
      "CHANNEL_UNREADABLE",
      `${url} has no usable buildVersion (got ${JSON.stringify(v)}).`,
      "check PILOT_GATEWAY_DOWNLOAD_URL, or pin an installer with PILOT_GATEWAY_INSTALLER_URL and --version.",
    );
  }
  return v.trim();
}

/**
 * The version in an installer's file name, as the gnzsnz mirror names them
 * (`ibgateway-10.45.1j-standalone-linux-x64.sh`), or undefined (IBKR's channel names).
 */
export function versionFromInstallerName(url: string): string | undefined {
  const name = url.split(/[?#]/)[0].split("/").pop() ?? "";
  return /^ibgateway-(\d+(?:\.\d+)+[a-z]*)-standalone/i.exec(name)?.[1];
}
