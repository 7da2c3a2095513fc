/**
 * Flag parsing for every subcommand, on node:util parseArgs: unknown flags and bad values are
 * usage errors (exit 2) that name the flag and point at `--help`, with a "did you mean" hint.
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { EXIT, ExitError, usageError } from "./exit.ts";
import { errorText } from "../util/errors.ts";

/** Flag definitions as node:util takes them. */
export type Options = NonNullable<ParseArgsConfig["options"]>;

/** The flags every subcommand understands. */
const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

/** Flags that override settings (`run`, `config`, ...). */
export const SETTING_OPTIONS = {
  set: { type: "string", multiple: true },
  mode: { type: "string" },
  "tws-path": { type: "string" },
  "log-level": { type: "string" },
  "log-format": { type: "string" },
} as const satisfies Options;

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate within a small edit distance, for "did you mean" hints. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = distance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) [best, bestD] = [c, dist];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * Parses `args` for subcommand `command`, which also takes `--help`; throws a usage error naming
 * the bad flag. With `--help` it prints `help` and ends the command with exit 0.
 */
export function parseFlags<O extends Options>(
  command: string,
  args: string[],
  help: string,
  commandOptions: O,
) {
  return parseCommand(command, args, help, commandOptions, false);
}

/** {@link parseFlags} for a command that also takes operands (`send STOP`). */
export function parseFlagsAndOperands<O extends Options>(
  command: string,
  args: string[],
  help: string,
  commandOptions: O,
) {
  return parseCommand(command, args, help, commandOptions, true);
}

function parseCommand<O extends Options>(
  command: string,
  args: string[],
  help: string,
  commandOptions: O,
  allowPositionals: boolean,
) {
  const options = { ...COMMON_OPTIONS, ...commandOptions };
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    const msg = errorText(e);
    const flag = /'(--?[\w-]+)/.exec(msg)?.[1];
    let hint = "";
    if (flag && /Unknown option/.test(msg)) {
      const guess = closest(flag.replace(/^-+/, ""), Object.keys(options));
      hint = guess ? ` (did you mean --${guess}?)` : "";
    }
    const what = /Unexpected argument/.test(msg)
      ? `unexpected argument for '${command}'`
      : flag
      ? `bad flag ${flag} for '${command}'${hint}`
      : msg;
    throw usageError(`${what}: ${msg.split("\n")[0]}\nSee: ibg-pilot ${command} --help`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    throw new ExitError(EXIT.OK, "");
  }
  return parsed;
}

/** Turns the setting flags into `NAME=VALUE` overrides for the config loader. */
export function settingOverrides(values: {
  set?: string[];
  mode?: string;
  "tws-path"?: string;
  "log-level"?: string;
  "log-format"?: string;
}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values.set ?? []) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw usageError(`--set takes NAME=VALUE, got ${JSON.stringify(item)}`);
    out[item.slice(0, eq).trim().toUpperCase()] = item.slice(eq + 1);
  }
  if (values.mode !== undefined) out.TRADING_MODE = values.mode;
  if (values["tws-path"] !== undefined) out.TWS_PATH = values["tws-path"];
  if (values["log-level"] !== undefined) out.LOG_LEVEL = values["log-level"];
  if (values["log-format"] !== undefined) out.LOG_FORMAT = values["log-format"];
  return out;
}
