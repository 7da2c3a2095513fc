/**
 * `ibg-pilot run`: validates the configuration and runs the supervised session(s).
 */

import { COMMON_OPTIONS, parseFlags, SETTING_OPTIONS, settingOverrides } from "./args.ts";
import { loadForCommand } from "./context.ts";
import { EXIT, ExitError } from "./exit.ts";

export const HELP = `Usage: ibg-pilot run [--attach [PID]] [--set NAME=VALUE ...]

Launches IB Gateway with ibg-pilot's agent loaded, logs in (credentials, trading mode, TOTP or
push second factor), answers Gateway's dialogs, applies API settings, proves readiness with a
real API handshake and keeps Gateway alive. This is the default command.

Options:
  --attach [PID]      attach to a Gateway that is already running (desktop use)
  --set NAME=VALUE    override a (non-secret) setting; repeatable
  --mode MODE         same as --set TRADING_MODE=MODE (live, paper, both)
  --tws-path PATH     same as --set TWS_PATH=PATH
  --log-level LEVEL   same as --set LOG_LEVEL=LEVEL
  --log-format FMT    same as --set LOG_FORMAT=FMT (text, json)
  -h, --help          this help

Settings: docs/configuration.md. Exit codes: docs/cli.md.`;

/** Runs the command; resolves to the exit code. */
export function runCommand(args: string[]): number {
  const { values } = parseFlags("run", args, {
    ...COMMON_OPTIONS,
    ...SETTING_OPTIONS,
    attach: { type: "boolean" },
  }, true);
  if (values.help) {
    console.log(HELP);
    return EXIT.OK;
  }
  loadForCommand(settingOverrides(values));
  throw new ExitError(EXIT.UNAVAILABLE, "run: the session supervisor is not available yet");
}
