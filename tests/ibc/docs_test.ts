/** docs/from-ibc.md is generated from the IBC table and must be up to date. */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { fromIbcMarkdown } from "../../lib/ibc/docs.ts";
import { IBC_TABLE } from "../../lib/ibc/mapping.ts";

const DOC = join(dirname(fromFileUrl(import.meta.url)), "..", "..", "docs", "from-ibc.md");

Deno.test("docs/from-ibc.md matches the table (regenerate: deno run -A lib/ibc/docs.ts > docs/from-ibc.md)", async () => {
  const committed = await Deno.readTextFile(DOC);
  assert.equal(committed, fromIbcMarkdown(), "docs/from-ibc.md is stale");
  for (const r of IBC_TABLE) assert.ok(committed.includes(`| \`${r.key}\` |`), r.key);
});
