/**
 * `deno task docs`: rewrites every generated document from its source table. Tests fail when a
 * committed copy differs from what this produces.
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GENERATED_DOCS } from "./generated_docs.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

for (const [path, render] of Object.entries(GENERATED_DOCS)) {
  const text = await render();
  const file = join(root, path);
  const old = await Deno.readTextFile(file).catch(() => "");
  if (old !== text) {
    await Deno.writeTextFile(file, text);
    console.error(`wrote ${path}`);
  }
}
