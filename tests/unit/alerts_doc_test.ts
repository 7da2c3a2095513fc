/**
 * Every ALERT token the code can emit has a row in docs/operations.md's recovery playbook and in
 * docs/observability.md's token tables (level and fields).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { tsFiles } from "../support/files.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function tokensInLib(): Set<string> {
  const tokens = new Set<string>();
  for (const file of tsFiles(join(ROOT, "lib"))) {
    for (const m of Deno.readTextFileSync(file).matchAll(/["`](ALERT_[A-Z0-9_]+)["`]/g)) {
      tokens.add(m[1]);
    }
  }
  assert.ok(tokens.size >= 15, `found only ${tokens.size} tokens: the scan is broken`);
  return tokens;
}

Deno.test("the recovery playbook names every ALERT token in lib/", () => {
  const tokens = tokensInLib();
  const doc = Deno.readTextFileSync(join(ROOT, "docs/operations.md"));
  const playbook = doc.slice(doc.indexOf("## Recovery playbook"));
  const missing = [...tokens].filter((t) => !playbook.includes(`| \`${t}\``)).sort();
  assert.deepEqual(missing, [], "add a row for each to docs/operations.md, Recovery playbook");
});

Deno.test("docs/observability.md gives every ALERT token's level and fields", () => {
  const doc = Deno.readTextFileSync(join(ROOT, "docs/observability.md"));
  const missing = [...tokensInLib()].filter((t) => !doc.includes(`| \`${t}\``)).sort();
  assert.deepEqual(missing, [], "add a row for each to a token table in docs/observability.md");
});
