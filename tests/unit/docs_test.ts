/** Generated documents are up to date (run `deno task docs` when this fails). */

import assert from "node:assert/strict";
import { join } from "node:path";
import { GENERATED_DOCS } from "../../tools/generated_docs.ts";
import { ROOT } from "../support/cli.ts";

for (const [path, render] of Object.entries(GENERATED_DOCS)) {
  Deno.test(`${path} is generated from its table and up to date`, async () => {
    const committed = await Deno.readTextFile(join(ROOT, path));
    assert.ok(committed === await render(), `${path} is stale: run 'deno task docs' and commit it`);
  });
}
