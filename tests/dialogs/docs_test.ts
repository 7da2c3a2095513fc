/** docs/dialogs.md is generated from the catalogue and committed up to date. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { dialogsMarkdown } from "../../lib/dialogs/docs.ts";
import { CATALOGUE } from "../../lib/dialogs/catalogue.ts";
import { ROOT } from "../support/cli.ts";

Deno.test("docs/dialogs.md is generated from the catalogue and up to date", async () => {
  const committed = await Deno.readTextFile(join(ROOT, "docs/dialogs.md"));
  assert.ok(
    committed === dialogsMarkdown(),
    "docs/dialogs.md is stale: regenerate it with dialogsMarkdown() (deno task docs) and commit it",
  );
});

Deno.test("the dialogs table has one row per catalogue row, in order", () => {
  const rows = dialogsMarkdown().split("\n").filter((l) => /^\| \d+ \|/.test(l));
  assert.equal(rows.length, CATALOGUE.length);
  CATALOGUE.forEach((r, i) => assert.ok(rows[i].includes("`" + r.id + "`"), r.id));
});
