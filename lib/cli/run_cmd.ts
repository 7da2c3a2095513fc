/**
 * `ibg-pilot run`: validates the configuration and runs the supervised session(s).
 */

import { COMMON_OPTIONS, parseFlags, SETTING_OPTIONS, settingOverrides } from "./args.ts";
import { loadForCommand } from "./context.ts";
import { EXIT, ExitError } from "./exit.ts";
import { runPilot } from "../session/run.ts";

export const HELP = `Usage: ibg-pilot run [--set NAME=VALUE ...]

Launches IB Gateway with ibg-pilot's agent loaded, logs in (credentials, trading mode, TOTP or
push second factor), answers Gateway's dialogs, applies API settings, proves readiness with a
real API handshake and keeps Gateway alive. This is the default command.

Options:
  --attach            attach to a Gateway that is already running (not available in this
                      build yet: exits 3)
  --set NAME=VALUE    override a (non-secret) setting; repeatable
  --mode MODE         same as --set TRADING_MODE=MODE (live, paper, both)
  --tws-path PATH     same as --set TWS_PATH=PATH
  --log-level LEVEL   same as --set LOG_LEVEL=LEVEL
  --log-format FMT    same as --set LOG_FORMAT=FMT (text, json)
  -h, --help          this help

Settings: docs/configuration.md. Exit codes: docs/cli.md.`;

/** Runs the command; resolves to the exit code. */
export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("run", args, {
    ...COMMON_OPTIONS,
    ...SETTING_OPTIONS,
    attach: { type: "boolean" },
  }, true);
  if (values.help) {
    console.log(HELP);
    return EXIT.OK;
  }
  if (values.attach) {
    throw new ExitError(EXIT.UNAVAILABLE, "run --attach: not available in this build yet");
  }
  const loaded = loadForCommand(settingOverrides(values));
  const c = loaded.values;
  const problems: string[] = [];
  const paperUser = c.TWS_USERID_PAPER ?? c.TWS_USERID;
  const paperPw = c.TWS_USERID_PAPER ? c.TWS_PASSWORD_PAPER : c.TWS_PASSWORD;
  if (c.TRADING_MODE !== "paper" && (!c.TWS_USERID || !c.TWS_PASSWORD)) {
    problems.push("live trading needs TWS_USERID and TWS_PASSWORD (or TWS_PASSWORD_FILE)");
  }
  if (c.TRADING_MODE !== "live" && (!paperUser || !paperPw)) {
    problems.push(
      "paper trading needs TWS_USERID_PAPER and TWS_PASSWORD_PAPER, or TWS_USERID and TWS_PASSWORD",
    );
  }
  if (problems.length) {
    throw new ExitError(
      EXIT.USAGE,
      `cannot log in:\n  ${problems.join("\n  ")}\nNothing was started.`,
    );
  }
  return await runPilot(c, Deno.env.toObject());
}
