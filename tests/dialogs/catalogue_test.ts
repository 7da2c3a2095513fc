/** The catalogue as data: well-formed rows, and every row recognises its own window. */

import assert from "node:assert/strict";
import {
  CATALOGUE,
  DEFAULT_DISCLAIMER_LABELS,
  type DialogRule,
  disclaimerLabels,
  type WindowMatch,
} from "../../lib/dialogs/catalogue.ts";
import { classify } from "../../lib/dialogs/match.ts";
import { SCHEMA } from "../../lib/config/schema.ts";
import { catalogueFixtures } from "./fixtures.ts";

const alternatives = (r: DialogRule): readonly WindowMatch[] =>
  Array.isArray(r.match) ? r.match : [r.match as WindowMatch];

/** The section labels of docs/sources.md (`IBC 5.1`, `peers A4`) and the rows of its IBC 5 table. */
const SOURCES = Deno.readTextFileSync(new URL("../../docs/sources.md", import.meta.url));
const SECTIONS = new Set([...SOURCES.matchAll(/^## ([^:\n]+):/gm)].map((m) => m[1]));
const IBC_HANDLERS = new Set([...SOURCES.matchAll(/^\| (\d+) +\| `/gm)].map((m) => `#${m[1]}`));

Deno.test("every row has a unique kebab-case id and a fact citing docs/sources.md", () => {
  const seen = new Set<string>();
  for (const r of CATALOGUE) {
    assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, r.id);
    assert.ok(!seen.has(r.id), `duplicate id ${r.id}`);
    seen.add(r.id);
    assert.ok(r.fact.trim().length > 0, `${r.id} has no fact`);
    const cited = [
      ...r.fact.matchAll(/\bsources\.md (IBC|peers|ecosystem|lab) ([\w.]+)(?: (#\d+))?/g),
    ];
    assert.ok(cited.length > 0, `${r.id}: its fact cites no section of docs/sources.md`);
    for (const [, project, section, handler] of cited) {
      assert.ok(
        SECTIONS.has(`${project} ${section}`),
        `${r.id}: no "${project} ${section}" in sources.md`,
      );
      if (handler) assert.ok(IBC_HANDLERS.has(handler), `${r.id}: no IBC 5 row ${handler}`);
    }
  }
});

Deno.test("every row recognises something and every clause set is non-empty", () => {
  for (const r of CATALOGUE) {
    const alts = alternatives(r);
    assert.ok(alts.length > 0, r.id);
    for (const m of alts) {
      const { unless: _u, ...clauses } = m;
      assert.ok(
        Object.keys(clauses).length > 0,
        `${r.id}: an empty alternative matches everything`,
      );
    }
  }
});

Deno.test("enabledBy names a boolean setting of the schema", () => {
  for (const r of CATALOGUE) {
    if (!r.enabledBy) continue;
    const def = SCHEMA[r.enabledBy];
    assert.ok(def, `${r.id}: unknown setting ${r.enabledBy}`);
    assert.equal(def.type.kind, "bool", `${r.id}: ${r.enabledBy} is not boolean`);
  }
});

Deno.test("the connecting modal is a wait row and the disclaimer defaults hold no OK", () => {
  const connecting = CATALOGUE.find((r) => r.id === "connecting-modal")!;
  assert.equal(connecting.action.kind, "wait");
  const disclaimer = CATALOGUE.find((r) => r.id === "disclaimer")!;
  assert.equal(disclaimer.action.kind, "click");
  if (disclaimer.action.kind === "click") {
    assert.ok(!disclaimer.action.buttons.some((b) => b.trim().toLowerCase() === "ok"));
  }
  assert.ok(!DEFAULT_DISCLAIMER_LABELS.some((b) => b.trim().toLowerCase() === "ok"));
});

Deno.test("the Gateway catch-all is the last row", () => {
  assert.equal(CATALOGUE[CATALOGUE.length - 1].id, "gateway-dialog");
});

const fixtures = catalogueFixtures();

Deno.test("every row has a fixture window", () => {
  const missing = CATALOGUE.map((r) => r.id).filter((id) => !(id in fixtures));
  assert.deepEqual(missing, []);
  const extra = Object.keys(fixtures).filter((id) => !CATALOGUE.some((r) => r.id === id));
  assert.deepEqual(extra, []);
});

for (const r of CATALOGUE) {
  Deno.test(`row ${r.id} owns its window`, () => {
    const f = fixtures[r.id];
    const m = classify(f.window, f.tree);
    assert.ok(m, `${r.id}: no row matched`);
    assert.equal(m.id, r.id);
    assert.ok(
      m.evidence.title || m.evidence.buttons || m.evidence.texts || m.evidence.patterns ||
        m.evidence.menuItems,
      `${r.id}: no evidence`,
    );
  });
}

Deno.test("disclaimerLabels: defaults, extras appended in order, duplicates dropped", () => {
  const r = disclaimerLabels(["Accept", "i accept", "  I  Agree ", "Accept"]);
  assert.deepEqual(r.labels, [...DEFAULT_DISCLAIMER_LABELS, "Accept", "I Agree"]);
  assert.deepEqual(r.refused, []);
  assert.equal(r.precautions, undefined);
});

Deno.test("disclaimerLabels: a bare OK is refused in any case", () => {
  for (const ok of ["OK", "ok", "Ok", " oK "]) {
    const r = disclaimerLabels(["Agree", ok]);
    assert.ok(!r.labels.some((l) => l.trim().toLowerCase() === "ok"), ok);
    assert.deepEqual(r.refused, [ok.trim()]);
    assert.ok(r.labels.includes("Agree"));
  }
  // A lone OK is a label, not a yes/no word: still refused.
  assert.deepEqual(disclaimerLabels(["OK"]).refused, ["OK"]);
});

Deno.test("disclaimerLabels: a single yes/no word is the gnzsnz 'all precautions' switch", () => {
  for (
    const [word, value] of [["yes", true], ["YES", true], ["true", true], ["no", false]] as const
  ) {
    const r = disclaimerLabels([word]);
    assert.equal(r.precautions, value, word);
    assert.deepEqual(r.labels, [...DEFAULT_DISCLAIMER_LABELS]);
    assert.deepEqual(r.refused, []);
  }
  // Two words are labels (odd, but labels).
  assert.equal(disclaimerLabels(["yes", "no"]).precautions, undefined);
  assert.deepEqual(disclaimerLabels([]).labels, [...DEFAULT_DISCLAIMER_LABELS]);
});
