/**
 * The catalogue renders one row per dialog into docs/dialogs.md (whether the committed file is up
 * to date is checked once for all generated documents, in tests/unit/docs_test.ts).
 */

import assert from "node:assert/strict";
import { dialogsMarkdown } from "../../tools/docs/dialogs.ts";
import { CATALOGUE } from "../../lib/dialogs/catalogue.ts";

Deno.test("the dialogs table has one row per catalogue row, in order", () => {
  const rows = dialogsMarkdown().split("\n").filter((l) => /^\| \d+ \|/.test(l));
  assert.equal(rows.length, CATALOGUE.length);
  CATALOGUE.forEach((r, i) => assert.ok(rows[i].includes("`" + r.id + "`"), r.id));
});
