/**
 * The IBC table renders a row for every key into docs/from-ibc.md (whether the committed file is
 * up to date is checked once for all generated documents, in tests/unit/docs_test.ts).
 */

import assert from "node:assert/strict";
import { fromIbcMarkdown } from "../../tools/docs/from_ibc.ts";
import { IBC_TABLE } from "../../lib/ibc/mapping.ts";

Deno.test("docs/from-ibc.md has a row for every IBC key", () => {
  const doc = fromIbcMarkdown();
  for (const r of IBC_TABLE) assert.ok(doc.includes(`| \`${r.key}\` |`), r.key);
});
