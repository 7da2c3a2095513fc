/** `ibg-pilot install`: installs IB Gateway from IBKR's channel (or a pinned installer). */

import { parseFlags, SETTING_OPTIONS, settingOverrides } from "./args.ts";
import { loadForCommand } from "./context.ts";
import { EXIT, ExitError, usageError } from "./exit.ts";
import { InstallError, installGateway, installRequest } from "../installer/mod.ts";

export const HELP =
  `Usage: ibg-pilot install [--channel stable|latest] [--version V] [--set NAME=VALUE ...]

Downloads IBKR's offline installer for this machine (x64 or arm) and installs IB Gateway
unattended into TWS_PATH/ibgateway/<version>, the layout the gnzsnz image uses. The version is
the channel's current build (IBKR's version.json); IBKR keeps no older builds, so another
version needs a pinned installer: PILOT_GATEWAY_INSTALLER_URL (a mirror, or file:///path) with
PILOT_GATEWAY_INSTALLER_SHA256. The installer runs into a hidden work folder that is renamed
into place only when complete: a failed download (HTTP error, stall, short file, wrong
checksum) or install leaves nothing behind and every installed version untouched. A version
that is installed already is left alone.

Progress: a bar on a terminal, a log line every few seconds otherwise.

Options:
  --channel C         stable or latest (default: PILOT_GATEWAY_CHANNEL, stable)
  --version V         the version expected (10.45.1j); with a pinned installer, its name
  --set NAME=VALUE    override a (non-secret) setting; repeatable
  --tws-path PATH     same as --set TWS_PATH=PATH
  -h, --help          this help

Settings: PILOT_GATEWAY_* in docs/configuration.md; docs/install.md.
Exit codes: 0 installed or already installed, 1 download or install failed, 2 usage.`;

/** Runs the command; resolves to the exit code. */
export async function installCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("install", args, HELP, {
    ...SETTING_OPTIONS,
    channel: { type: "string" },
    version: { type: "string" },
  });
  const channel = values.channel;
  if (channel !== undefined && channel !== "stable" && channel !== "latest") {
    throw usageError(`--channel must be stable or latest, got ${JSON.stringify(channel)}`);
  }
  const version = values.version?.trim();
  if (version !== undefined && !/^\d+(\.\d+)+[a-z]*$/i.test(version)) {
    throw usageError(`--version must look like 10.45.1j, got ${JSON.stringify(values.version)}`);
  }
  const loaded = loadForCommand(settingOverrides(values));
  try {
    const r = await installGateway(installRequest(loaded.values, { channel, version }));
    console.log(
      r.installed
        ? `installed IB Gateway ${r.version} in ${r.programDir}`
        : `IB Gateway ${r.version} is already installed in ${r.programDir}`,
    );
    return EXIT.OK;
  } catch (e) {
    if (e instanceof InstallError) throw new ExitError(EXIT.FAILURE, `install: ${e.message}`);
    throw e;
  }
}
