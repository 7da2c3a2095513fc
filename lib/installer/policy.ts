/**
 * From the settings to an install: the request the `install` command and PILOT_GATEWAY_INSTALL
 * share, the progress shown while downloading, and what `run` does before it launches Gateway
 * (never, missing, upgrade).
 */

import type { Config } from "../config/mod.ts";
import { listInstalledVersions } from "../gateway/install.ts";
import { log } from "../log.ts";
import type { Channel } from "./channel.ts";
import { installGateway, type InstallRequest, type InstallResult } from "./install.ts";
import { progress } from "./progress.ts";
import { errorText } from "../util/errors.ts";

const logger = log("install");

/** The install request of the settings, with the `install` command's flags on top. */
export function installRequest(
  config: Config,
  flags: { channel?: Channel; version?: string } = {},
): InstallRequest {
  const pinned = config.PILOT_GATEWAY_INSTALLER_URL;
  return {
    twsPath: config.TWS_PATH!,
    channel: flags.channel ?? config.PILOT_GATEWAY_CHANNEL,
    // A pinned installer may take its version's name from TWS_MAJOR_VRSN; a channel has its own.
    version: flags.version ?? (pinned ? config.TWS_MAJOR_VRSN : undefined),
    downloadUrl: config.PILOT_GATEWAY_DOWNLOAD_URL,
    installerUrl: pinned,
    sha256: config.PILOT_GATEWAY_INSTALLER_SHA256,
    stallMs: (config.PILOT_GATEWAY_DOWNLOAD_TIMEOUT) * 1000,
    progress: (label) =>
      progress({
        label,
        tty: Deno.stderr.isTerminal(),
        write: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
        logLine: (line) => logger.info(line),
      }),
    say: (line) => logger.info(line),
  };
}

/**
 * PILOT_GATEWAY_INSTALL before `run` launches Gateway: `missing` installs the channel's build
 * when TWS_PATH has none (a failure is fatal: there is nothing to run); `upgrade` also installs a
 * newer channel build (a failure is a warning: the installed version keeps running).
 */
export async function installBeforeRun(config: Config): Promise<InstallResult | undefined> {
  const policy = config.PILOT_GATEWAY_INSTALL;
  if (policy === "never") return undefined;
  if (policy === "upgrade" && config.TWS_MAJOR_VRSN) {
    logger.warn(
      "PILOT_GATEWAY_INSTALL=upgrade installs the channel's new builds, but TWS_MAJOR_VRSN={version} " +
        "pins the version that runs (the gnzsnz image sets it): unset TWS_MAJOR_VRSN to follow the channel",
      { version: config.TWS_MAJOR_VRSN },
    );
  }
  const installed = listInstalledVersions(config.TWS_PATH!, "gateway");
  if (policy === "missing" && installed.length > 0) return undefined;
  try {
    return await installGateway(installRequest(config));
  } catch (e) {
    if (installed.length === 0) throw e;
    logger.warn(
      "PILOT_GATEWAY_INSTALL=upgrade: {error} Gateway {version} stays in use.",
      { error: errorText(e), version: installed[0] },
    );
    return undefined;
  }
}
