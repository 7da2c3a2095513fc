/**
 * `ibg-pilot convert-ibc FILE`: prints the ibg-pilot settings equivalent to an IBC config.ini
 * (table and rules: lib/ibc/, docs/from-ibc.md). Output on stdout; every warning on stderr.
 */

import { convertIbcConfig, formatVars, type OutputFormat } from "../ibc/convert.ts";
import { decodeLatin1, PropertiesError } from "../ibc/properties.ts";
import { parseFlagsAndOperands } from "./args.ts";
import { EXIT, usageError } from "./exit.ts";
import { errorText } from "../util/errors.ts";

export const HELP =
  `Usage: ibg-pilot convert-ibc CONFIG.INI [--format env|docker|compose] [--include-secrets]

Reads an IBC config.ini (as IBC does: java.util.Properties rules, ISO-8859-1) and prints the
equivalent ibg-pilot environment variables. Every IBC setting is either mapped, not needed, or
unsupported with a workaround (docs/from-ibc.md); unknown keys and invalid values are reported
on standard error with their line number. Use - to read standard input.

Options:
  --format FMT        env (KEY=value lines, the default), docker (-e flags) or
                      compose (an environment: block)
  --include-secrets   also copy IbPassword (by default secrets are left out: use
                      TWS_PASSWORD_FILE)
  -h, --help          this help`;

const FORMATS = ["env", "docker", "compose"];

/** Runs the command; resolves to the exit code. */
export async function convertCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlagsAndOperands("convert-ibc", args, HELP, {
    format: { type: "string" },
    "include-secrets": { type: "boolean" },
  });
  if (positionals.length !== 1) {
    throw usageError(
      "convert-ibc takes one file: ibg-pilot convert-ibc /path/to/config.ini\n" +
        "See: ibg-pilot convert-ibc --help",
    );
  }
  const format = (values.format ?? "env").toLowerCase();
  if (!FORMATS.includes(format)) {
    throw usageError(`--format must be env, docker or compose, got ${JSON.stringify(format)}`);
  }
  const file = positionals[0];
  let bytes: Uint8Array;
  try {
    bytes = file === "-"
      ? new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer())
      : await Deno.readFile(file);
  } catch (e) {
    const why = errorText(e).split("\n")[0];
    throw usageError(`cannot read ${JSON.stringify(file)} (${why}); give the path of config.ini`);
  }
  let result;
  try {
    result = convertIbcConfig(decodeLatin1(bytes), {
      includeSecrets: Boolean(values["include-secrets"]),
    });
  } catch (e) {
    if (e instanceof PropertiesError) {
      throw usageError(`${file}: ${e.message} (IBC would not start with this file either)`);
    }
    throw e;
  }
  for (const w of result.warnings) console.error(`warning: ${w}`);
  for (const n of result.notes) console.error(`note: ${n}`);
  await Deno.stdout.write(
    new TextEncoder().encode(formatVars(result.vars, format as OutputFormat)),
  );
  return EXIT.OK;
}
