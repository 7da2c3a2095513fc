/** `ibg-pilot export-state DIR`: the settings directory's state, for GATEWAY_WARM_STATE elsewhere. */

import { parseFlagsAndOperands, SETTING_OPTIONS, settingOverrides } from "./args.ts";
import { loadForCommand } from "./context.ts";
import { EXIT, usageError } from "./exit.ts";
import { exportState } from "../state/mod.ts";
import { settingsDirFor } from "../app/host.ts";
import { modesOf } from "../config/mod.ts";

export const HELP = `Usage: ibg-pilot export-state DIR [--set NAME=VALUE ...]

Copies Gateway's state from the settings directory (TWS_SETTINGS_PATH, default TWS_PATH) into
DIR: jts.ini and the per-user folders with Gateway's settings and its autorestart token; not
the programs nor the logs. Files are written 0600 and folders 0700 (the token stands for a
logged-in session: keep DIR private), with their modification times. With TRADING_MODE=both,
DIR gets live/ and paper/. Works while a session runs or after it stopped.

On the new host, GATEWAY_WARM_STATE=DIR copies the files that are missing into its settings
directory before the first launch, so Gateway may resume without 2FA until the weekly reset.
See docs/warm-state.md.

Options:
  --set NAME=VALUE    override a (non-secret) setting; repeatable
  --mode MODE         same as --set TRADING_MODE=MODE
  --tws-path PATH     same as --set TWS_PATH=PATH
  -h, --help          this help`;

/** Runs the command; resolves to the exit code. */
export async function exportStateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlagsAndOperands("export-state", args, HELP, {
    ...SETTING_OPTIONS,
  });
  if (positionals.length !== 1) {
    throw usageError("export-state takes one folder: ibg-pilot export-state DIR");
  }
  const c = loadForCommand(settingOverrides(values)).values;
  const modes = modesOf(c);
  const out = await exportState(
    modes.map((mode) => ({ mode, settingsDir: settingsDirFor(c, mode) })),
    positionals[0],
  );
  for (const e of out) {
    console.log(`exported ${e.files.length} file(s) from ${e.settingsDir} to ${e.target}`);
    for (const f of e.files) console.log(`  ${f}`);
  }
  return EXIT.OK;
}
