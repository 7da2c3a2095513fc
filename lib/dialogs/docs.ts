/**
 * docs/dialogs.md, generated from the catalogue: one table row per catalogue row (id, how it is
 * recognised, what ibg-pilot does, the setting that enables it, the fact it comes from). The
 * committed file is checked against this renderer by a test, so the docs cannot drift.
 */

import {
  type Action,
  CATALOGUE,
  type Clause,
  DEFAULT_DISCLAIMER_LABELS,
  type DialogRule,
  type WindowMatch,
} from "./catalogue.ts";

const code = (s: string) => "`" + s.replace(/`/g, "'") + "`";
const list = (xs: readonly string[], sep = " or ") => xs.map(code).join(sep);
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function clause(c: Clause): string[] {
  const out: string[] = [];
  if (c.titleContains) out.push(`title contains ${list(c.titleContains)}`);
  if (c.titleEquals) out.push(`title is ${list(c.titleEquals)}`);
  if (c.anyButton) out.push(`button ${list(c.anyButton)}`);
  if (c.disclaimerButton) out.push("a button of the disclaimer allowlist");
  if (c.anyText) out.push(`text contains ${list(c.anyText)}`);
  if (c.allTexts) out.push(`text contains ${list(c.allTexts, " and ")}`);
  if (c.anyPattern) {
    out.push(`text matches ${c.anyPattern.map((p) => code(String(p))).join(" or ")}`);
  }
  if (c.anyMenuItem) out.push(`menu item ${list(c.anyMenuItem)}`);
  if (c.anyRole) out.push(`has a ${c.anyRole.join(" or ")} field`);
  if (c.kind) out.push(`a ${c.kind.join(" or ")}`);
  if (c.toolkit) out.push(`${c.toolkit === "javafx" ? "JavaFX" : "Swing"} window`);
  if (c.modal !== undefined) out.push(c.modal ? "modal" : "not modal");
  return out;
}

/** How a row recognises its window, in words. */
export function describeMatch(match: DialogRule["match"]): string {
  const alts: readonly WindowMatch[] = Array.isArray(match) ? match : [match as WindowMatch];
  return alts.map((m) => {
    let s = clause(m).join(", ");
    if (m.unless) {
      const guards: readonly Clause[] = Array.isArray(m.unless) ? m.unless : [m.unless as Clause];
      s += `; not when ${guards.map((g) => clause(g).join(", ")).join(" or ")}`;
    }
    return s;
  }).join("; **or** ");
}

/** What a row does, in words. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case "flow":
      return `session flow ${code(action.flow)}`;
    case "click":
      return action.extendedBy
        ? `click the first allowlisted button (defaults, then ${action.extendedBy})`
        : `click ${list(action.buttons, ", else ")}`;
    case "wait":
      return `leave it alone: ${action.why}${action.dump ? " (dumped once)" : ""}`;
    case "observe":
      return `observe ${code(action.signal)}${action.on === "close" ? " when it closes" : ""}`;
    case "alert":
      return `${code(action.token)} (${action.reason})` +
        (action.dismiss ? `, then click ${list(action.dismiss, ", else ")}` : "") +
        (action.halt ? "; no retry" : "");
  }
}

/** The whole of docs/dialogs.md. */
export function dialogsMarkdown(catalogue: readonly DialogRule[] = CATALOGUE): string {
  const lines = [
    "# Dialogs ibg-pilot recognises",
    "",
    "Generated from `lib/dialogs/catalogue.ts` by `lib/dialogs/docs.ts`; do not edit by hand.",
    "",
    "Rows are tried in this order and the first that matches owns the window. Titles compare",
    "case-insensitively (contains, or is); buttons, toggles and menu items by their whole text;",
    "labels and text areas by substring; hidden components are ignored. A window no row matches",
    "is logged once with a redacted structure dump (`Unknown window ...`): add a row for it.",
    "",
    "The disclaimer allowlist is extended by the labels in BYPASS_WARNING. A bare `OK` is never",
    "accepted into it (on the `Gateway` connecting modal it cancels the login); a single yes/no",
    "BYPASS_WARNING sets the nine API precautions instead, as in the gnzsnz image. The defaults:",
    "",
    ...DEFAULT_DISCLAIMER_LABELS.map((l) => `- ${code(l)}`),
    "",
    "Rows:",
    "",
    "| # | id | recognised by | action | setting | fact |",
    "|---|---|---|---|---|---|",
  ];
  catalogue.forEach((r, i) => {
    const action = describeAction(r.action) + (r.note ? `. ${r.note}` : "");
    lines.push(
      `| ${i + 1} | ${code(r.id)} | ${cell(describeMatch(r.match))} | ${cell(action)} | ${
        r.enabledBy ?? ""
      } | ${cell(r.fact)} |`,
    );
  });
  lines.push("");
  return lines.join("\n");
}
