/** `ibg-pilot version`: the program's version and what it runs on. */

import { parseFlags } from "./args.ts";
import { VERSION } from "./version_info.ts";

export { VERSION };

export const HELP = `Usage: ibg-pilot version [--json]

Prints ibg-pilot's version, the Deno runtime it runs on, and the platform.`;

/** Runs the command; returns the exit code. */
export function versionCommand(args: string[]): number {
  const { values } = parseFlags("version", args, HELP, {
    json: { type: "boolean" },
  });
  const info = {
    version: VERSION,
    deno: Deno.version.deno,
    platform: `${Deno.build.os}-${Deno.build.arch}`,
  };
  console.log(
    values.json
      ? JSON.stringify(info)
      : `ibg-pilot ${info.version} (deno ${info.deno}, ${info.platform})`,
  );
  return 0;
}
