/** `ibg-pilot config`: the effective settings and where each came from, secrets as `***`. */

import { describeConfig } from "../config/mod.ts";
import { parseFlags, SETTING_OPTIONS, settingOverrides } from "./args.ts";
import { loadForCommand } from "./context.ts";
import { loadDialogRules } from "./dialog_rules.ts";

export const HELP = `Usage: ibg-pilot config [--json] [--all] [--set NAME=VALUE ...]

Validates the configuration (environment, NAME_FILE secrets, flags) and prints the effective
settings with their source: default, env, file or flag. Secrets are shown as ***.
Exits 2 listing every problem when the configuration is invalid, a PILOT_DIALOG_RULES file
included (docs/dialogs.md). A variable of the gnzsnz
image, ibg-controller or IBGA that ibg-pilot does not use gives one warning line saying what to
use instead; their aliases (IB_USERNAME, TOTP_KEY ...) are read (docs/from-peers.md).

Options:
  --json              one JSON object instead of a table
  --all               include settings that are unset
  --set NAME=VALUE    override a (non-secret) setting; repeatable
  --mode MODE         same as --set TRADING_MODE=MODE
  --tws-path PATH     same as --set TWS_PATH=PATH
  --log-level LEVEL   same as --set LOG_LEVEL=LEVEL
  --log-format FMT    same as --set LOG_FORMAT=FMT
  -h, --help          this help

All settings: docs/configuration.md`;

/** Runs the command; returns the exit code. */
export async function configCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("config", args, HELP, {
    ...SETTING_OPTIONS,
    json: { type: "boolean" },
    all: { type: "boolean" },
  });
  const loaded = loadForCommand(settingOverrides(values));
  await loadDialogRules(loaded.values.PILOT_DIALOG_RULES);
  const rows = describeConfig(loaded).filter((r) => values.all || r.value !== null);
  if (values.json) {
    const out: Record<string, { value: string | null; source: string | null }> = {};
    for (const r of rows) out[r.name] = { value: r.value, source: r.source };
    console.log(JSON.stringify(out, null, 2));
  } else {
    const width = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) {
      console.log(`${r.name.padEnd(width)}  ${r.value ?? "(unset)"}  [${r.source ?? "unset"}]`);
    }
  }
  return 0;
}
