/**
 * ibg-pilot's entry point: argv to one subcommand (lib/cli/), nothing else.
 */

import { main } from "./lib/cli/mod.ts";

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
