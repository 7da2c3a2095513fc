/**
 * `ibg-pilot run`: validates the configuration and runs the supervised session(s).
 */

import { modesOf } from "../config/mod.ts";
import { parseFlagsAndOperands, SETTING_OPTIONS, settingOverrides } from "./args.ts";
import { loadForCommand } from "./context.ts";
import { EXIT, ExitError } from "./exit.ts";
import { type AttachRequest, prepareGatewayFiles, runPilot } from "../app/mod.ts";
import { apiPortFor } from "../config/ports.ts";
import { ContainerError, planContainer } from "../container/mod.ts";
import { consoleProblems } from "../console/config.ts";
import { isGatewayError } from "../gateway/mod.ts";
import { InstallError } from "../installer/errors.ts";
import { loadDialogRules } from "./dialog_rules.ts";
import { errorText } from "../util/errors.ts";

export const HELP = `Usage: ibg-pilot run [--set NAME=VALUE ...]
       ibg-pilot run --attach [PID] [--close-gateway] [--set NAME=VALUE ...]

Launches IB Gateway with ibg-pilot's agent loaded, logs in (credentials, trading mode, TOTP or
push second factor), answers Gateway's dialogs, applies API settings, proves readiness with a
real API handshake and keeps Gateway alive. This is the default command.

Without DISPLAY (a container) it starts its own Xvfb and relays the outside API ports
(4003 -> live, 4004 -> paper) to Gateway only while the session is ready; SIGTERM logs out
first and ends Xvfb last. See docs/container.md (PILOT_XVFB, PILOT_API_FORWARD).

With --attach it does not launch Gateway: it loads its agent into a Gateway you already
run (the JVM with PID, or the only Gateway/TWS JVM of your user), then logs in if the login
window shows, or is READY at once if the API already answers. TRADING_MODE must be live or
paper. It never restarts that Gateway: when Gateway exits, ibg-pilot exits 1. SIGTERM, Ctrl-C
and STOP detach and leave Gateway running (the agent stays loaded, idle); with
--close-gateway they close Gateway through its own File > Close path instead (never a signal).
See docs/gateway-launch.md#attach.

Options:
  --attach [PID]      attach to a running Gateway JVM instead of launching one
  --close-gateway     with --attach: SIGTERM/STOP closes Gateway instead of detaching
  --set NAME=VALUE    override a (non-secret) setting; repeatable
  --mode MODE         same as --set TRADING_MODE=MODE (live, paper, both)
  --tws-path PATH     same as --set TWS_PATH=PATH
  --log-level LEVEL   same as --set LOG_LEVEL=LEVEL
  --log-format FMT    same as --set LOG_FORMAT=FMT (text, json)
  -h, --help          this help

Settings: docs/configuration.md. Exit codes: docs/cli.md.`;

/** Runs the command; resolves to the exit code. */
export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlagsAndOperands("run", args, HELP, {
    ...SETTING_OPTIONS,
    attach: { type: "boolean" },
    "close-gateway": { type: "boolean" },
  });
  const attach = values.attach ? attachRequest(positionals, values["close-gateway"]) : undefined;
  if (!values.attach && positionals.length) {
    throw new ExitError(
      EXIT.USAGE,
      `unexpected argument '${positionals[0]}' for 'run' (a PID goes after --attach).\n` +
        "See: ibg-pilot run --help",
    );
  }
  if (!values.attach && values["close-gateway"]) {
    throw new ExitError(
      EXIT.USAGE,
      "--close-gateway only applies with --attach (a Gateway ibg-pilot launched is always " +
        "closed on SIGTERM/STOP).\nSee: ibg-pilot run --help",
    );
  }
  const loaded = loadForCommand(settingOverrides(values));
  const c = loaded.values;
  const problems: string[] = [];
  if (attach && c.TRADING_MODE === "both") {
    problems.push(
      "TRADING_MODE=both cannot be used with --attach: one Gateway runs one mode; set " +
        "TRADING_MODE to live or paper (the mode the running Gateway logs in with)",
    );
  }
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
  const env = Deno.env.toObject();
  const modes = modesOf(c);
  // An attached Gateway has its own display and network: no container duties (attach_host.ts).
  const container = [
    ...(attach ? [] : planContainer(c, env, [...modes], (m) => apiPortFor(c, m)).problems),
    ...consoleProblems(c),
  ];
  if (container.length) {
    throw new ExitError(
      EXIT.USAGE,
      `cannot run here:\n  ${container.join("\n  ")}\nNothing was started.`,
    );
  }
  const rules = await loadDialogRules(c.PILOT_DIALOG_RULES);
  // PILOT_GATEWAY_INSTALL, GATEWAY_WARM_STATE and the upgrader (docs/install.md, warm-state.md).
  const files = attach ? undefined : await prepareGatewayFiles(c, modes).catch((e) => {
    if (e instanceof InstallError) throw new ExitError(EXIT.FAILURE, `install: ${e.message}`);
    throw new ExitError(EXIT.USAGE, `${errorText(e)}\nNothing was started.`);
  });
  return await runPilot(c, env, { attach, rules }).finally(() => files?.stop()).catch((e) => {
    // Xvfb or a forward port could not start: one clear line, not a stack trace.
    if (e instanceof ContainerError) throw new ExitError(EXIT.FAILURE, e.message);
    // --attach found no JVM to attach to (a wrong PID, no Gateway, several): bad input.
    if (
      isGatewayError(e, "ATTACH_NO_JVM") || isGatewayError(e, "ATTACH_AMBIGUOUS") ||
      isGatewayError(e, "ATTACH_OTHER_USER")
    ) {
      throw new ExitError(EXIT.USAGE, `run --attach: ${e.message}\nNothing was started.`);
    }
    if (isGatewayError(e)) throw new ExitError(EXIT.FAILURE, `run --attach: ${e.message}`);
    throw e;
  });
}

/** `--attach [PID]`: the PID when given, as a positive whole number. */
function attachRequest(positionals: string[], closeGatewayOnStop = false): AttachRequest {
  if (positionals.length > 1) {
    throw new ExitError(
      EXIT.USAGE,
      `--attach takes at most one PID, got ${positionals.length} arguments ` +
        `(${positionals.join(" ")}).\nSee: ibg-pilot run --help`,
    );
  }
  const [raw] = positionals;
  if (raw === undefined) return { closeGatewayOnStop };
  if (!/^[1-9]\d{0,9}$/.test(raw)) {
    throw new ExitError(
      EXIT.USAGE,
      `--attach takes the PID of Gateway's java process (a positive whole number), got ` +
        `'${raw}'. Find it with: pgrep -af GWClient\nSee: ibg-pilot run --help`,
    );
  }
  return { pid: Number(raw), closeGatewayOnStop };
}
