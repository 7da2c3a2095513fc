/**
 * Every string Gateway shows lives in lib/dialogs (catalogue.ts): the session's flows and the
 * composition root (lib/session, lib/app) use the catalogue's constants. A string literal there
 * that equals one of the catalogue's strings (a title, label, button, menu or list item) fails.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import * as catalogue from "../../lib/dialogs/catalogue.ts";
import { tsFiles } from "../support/files.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function gatewayStrings(): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, key = "") => {
    if (typeof v === "string") {
      // Row ids, facts, notes and reasons are ibg-pilot's words, not Gateway's.
      if (
        !["id", "fact", "note", "reason", "why", "token", "flow", "signal", "kind"].includes(key)
      ) {
        out.add(v);
      }
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === "object" && !(v instanceof RegExp)) {
      for (const [k, x] of Object.entries(v)) walk(x, k);
    }
  };
  for (const [name, value] of Object.entries(catalogue)) {
    if (typeof value !== "function") walk(value, name);
  }
  // Words of our own vocabulary (roles, kinds, ids: lower case) and 2-3 letter words (OK, AM)
  // would be noise: a Gateway string here has a capital and some length.
  for (const v of [...out]) if (v.length < 4 || !/[A-Z]/.test(v)) out.delete(v);
  return out;
}

Deno.test("no Gateway string is written outside lib/dialogs", () => {
  const strings = gatewayStrings();
  assert.ok(strings.has("Change security device") && strings.has("Log In"), "scan is broken");
  const found: string[] = [];
  for (const file of [...tsFiles(join(ROOT, "lib/session")), ...tsFiles(join(ROOT, "lib/app"))]) {
    // Comments may quote Gateway (they explain the code); the code may not.
    const text = Deno.readTextFileSync(file).split("\n")
      .filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l)).join("\n");
    for (const m of text.matchAll(/"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'/g)) {
      const s = m[1] ?? m[2];
      if (strings.has(s)) found.push(`${file.slice(ROOT.length)}: "${s}"`);
    }
  }
  assert.deepEqual(found, [], "use the catalogue's constant instead");
});
