/**
 * `ibg-pilot totp`: the current TOTP code for the configured secret (replaces oathtool). The
 * secret comes from TWOFACTOR_CODE, TWOFACTOR_CODE_FILE or standard input, never from argv.
 */

import { ConfigError, loadConfig } from "../config/mod.ts";
import { type TotpKey, totpSecret } from "../config/types.ts";
import { totpAt } from "../totp/mod.ts";
import { parseFlags } from "./args.ts";
import { EXIT, ExitError } from "./exit.ts";

export const HELP = `Usage: ibg-pilot totp [--stdin] [--json]

Prints the current TOTP code for the secret in TWOFACTOR_CODE (or the file named by
TWOFACTOR_CODE_FILE): a base32 secret, or the otpauth://totp/... URI of its QR code. On standard
error: how many seconds the code stays valid.
The secret is never accepted as an argument: other users can read a command line.

Options:
  --stdin     read the secret (or URI) from standard input (first line)
  --json      print {"code": "...", "seconds_left": N}
  -h, --help  this help`;

async function readStdinLine(): Promise<string> {
  const text = await new Response(Deno.stdin.readable).text();
  return text.split(/\r?\n/)[0] ?? "";
}

/** Runs the command; returns the exit code. */
export async function totpCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("totp", args, HELP, {
    stdin: { type: "boolean" },
    json: { type: "boolean" },
  });
  let secret: TotpKey | undefined;
  if (values.stdin) {
    const parsed = totpSecret.parse(await readStdinLine());
    if (!parsed.ok) {
      throw new ExitError(EXIT.USAGE, `standard input: not valid; expected ${parsed.expected}`);
    }
    secret = parsed.value;
  } else {
    const env = Deno.env.toObject();
    try {
      // Only the one setting matters here; other settings' problems are not this command's.
      const only = Object.fromEntries(
        Object.entries(env).filter(([k]) => k === "TWOFACTOR_CODE" || k === "TWOFACTOR_CODE_FILE"),
      );
      secret = loadConfig({ env: only }).values.TWOFACTOR_CODE;
    } catch (e) {
      if (e instanceof ConfigError) throw new ExitError(EXIT.USAGE, e.message);
      throw e;
    }
    if (!secret) {
      throw new ExitError(
        EXIT.USAGE,
        "no TOTP secret: set TWOFACTOR_CODE or TWOFACTOR_CODE_FILE, or pipe it in with --stdin",
      );
    }
  }
  const now = Date.now();
  const { code, remainingMs } = totpAt(secret, now);
  const secondsLeft = Math.ceil(remainingMs / 1000);
  if (values.json) console.log(JSON.stringify({ code, seconds_left: secondsLeft }));
  else {
    console.log(code);
    console.error(`valid for ${secondsLeft} more second${secondsLeft === 1 ? "" : "s"}`);
  }
  return 0;
}
