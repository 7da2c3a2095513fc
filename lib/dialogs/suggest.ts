/**
 * Ready-to-edit user rules (PILOT_DIALOG_RULES, rules.ts) for windows the catalogue did not know,
 * from their recorded evidence: recognised by the exact title and the first line of text, and
 * answered with the first button (or closed when the window has none). Printed by
 * `ibg-pilot inspect --suggest-rule`; a person checks the picture and edits before using one.
 */

import { stringify } from "yaml";
import type { ComponentNode } from "../ui/port.ts";
import { buttons, messages } from "./tree.ts";
import { normalise } from "../ui/text.ts";

/** What a suggestion is made from (an evidence record, lib/app/unknown_windows.ts). */
export interface SuggestFrom {
  title: string;
  className: string;
  tree: ComponentNode;
  /** Where the evidence is, for the comment. */
  source: string;
  at: string;
}

/** A kebab-case id from a title. */
export function ruleId(title: string): string {
  return normalise(title).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")
    .slice(0, 48) || "unknown-window";
}

/** One rule as a plain object (the user file's row shape). */
export function suggestRule(from: SuggestFrom): Record<string, unknown> {
  const title = normalise(from.title);
  const text = messages(from.tree).filter((m) => !/\[REDACTED\]|<[a-z]+ len=/.test(m))[0];
  const present = buttons(from.tree);
  const match: Record<string, unknown> = {};
  if (title) match.titleEquals = [title];
  if (text) match.anyText = [text.length > 80 ? text.slice(0, 80) : text];
  if (!title && !text && present.length) match.anyButton = [present[0]];
  if (!Object.keys(match).length) match.titleEquals = [""];
  return {
    id: ruleId(title || text || from.className),
    match,
    action: present.length ? { kind: "click", buttons: [present[0]] } : { kind: "close" },
  };
}

/** A whole rules file (YAML) with one commented suggestion per window. */
export function suggestRulesYaml(froms: readonly SuggestFrom[]): string {
  const lines = [
    "# ibg-pilot dialog rules: set PILOT_DIALOG_RULES to this file (docs/dialogs.md).",
    "# Check each window's picture, keep the rules you want, edit the action.",
    "# Actions: click (first present of buttons), close, wait, alert (token, reason, dismiss, halt).",
    "rules:",
  ];
  const ids = new Set<string>();
  for (const from of froms) {
    const rule = suggestRule(from);
    let id = rule.id as string;
    for (let n = 2; ids.has(id); n++) id = `${rule.id}-${n}`;
    ids.add(id);
    rule.id = id;
    const present = buttons(from.tree);
    lines.push(`  # ${JSON.stringify(normalise(from.title))} (${from.className}), seen ${from.at}`);
    lines.push(`  # evidence: ${from.source}`);
    if (present.length > 1) lines.push(`  # its buttons: ${present.join(", ")}`);
    const yaml = stringify([rule], { lineWidth: 0 }).trimEnd();
    for (const l of yaml.split("\n")) lines.push(`  ${l}`);
  }
  if (!froms.length) lines.push("  [] # no unknown window recorded");
  return lines.join("\n") + "\n";
}
