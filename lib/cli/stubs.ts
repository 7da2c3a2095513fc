/** Subcommands whose issues have not landed yet: they say so and exit 3. */

import { EXIT } from "./exit.ts";

/** Descriptions of the planned commands, shown in `--help` and by the stub itself. */
export const PLANNED: Record<string, string> = {};

/** A stub command: prints that it is not available yet; `--help` still describes it. */
export function stubCommand(name: string, args: string[]): number {
  const what = PLANNED[name];
  if (args.includes("--help") || args.includes("-h")) {
    console.log(`Usage: ibg-pilot ${name} ...\n\n${what}.\nNot yet available in this build.`);
    return EXIT.OK;
  }
  console.error(`ibg-pilot ${name}: not yet available in this build (${what}).`);
  return EXIT.UNAVAILABLE;
}
