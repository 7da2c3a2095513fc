/**
 * docs/dialogs.md, generated from the catalogue: one table row per catalogue row (id, how it is
 * recognised, what ibg-pilot does, the setting that enables it, the fact it comes from). The
 * committed file is checked against this renderer by a test, so the docs cannot drift. Also
 * the guide to unknown windows and user rules, whose worked example is printed by the same code
 * as `ibg-pilot inspect --suggest-rule`.
 */

import type { ComponentNode } from "../../lib/ui/port.ts";
import {
  type Action,
  BLOCKER_DISMISS,
  CATALOGUE,
  type Clause,
  DEFAULT_DISCLAIMER_LABELS,
  type DialogRule,
  SAFETY_ROW_IDS,
  USER_ROWS_AFTER,
  type WindowMatch,
} from "../../lib/dialogs/catalogue.ts";
import { suggestRulesYaml } from "../../lib/dialogs/suggest.ts";

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
    case "close":
      return "close it (its close box)";
    case "wait":
      return `leave it alone: ${action.why}${
        action.dump ? " (recorded as an unknown window)" : ""
      }`;
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
    "Generated from `lib/dialogs/catalogue.ts` by `tools/docs/dialogs.ts`; do not edit by hand.",
    "",
    "Rows are tried in this order and the first that matches owns the window. Titles compare",
    "case-insensitively (contains, or is); buttons, toggles and menu items by their whole text;",
    "labels and text areas by substring; hidden components are ignored. A window no row matches",
    "is an unknown window (below): write a rule for it, no release needed.",
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
  lines.push("", ...userRulesSection(), "");
  return lines.join("\n");
}

/** The worked example: the simulator's `Important Notice`, as `inspect --suggest-rule` prints it. */
const EXAMPLE_EVIDENCE = {
  title: "Important Notice",
  className: "javax.swing.JDialog",
  at: "2026-12-06T20:20:16.000Z",
  source: "/home/ibgateway/Jts/unknown-windows/20261206T202016-000Z-important-notice.json",
  tree: {
    role: "window",
    type: "JDialog",
    enabled: true,
    showing: true,
    children: [
      {
        role: "label",
        type: "JLabel",
        text: "Your market data subscriptions change on the first day of next month.",
        enabled: true,
        showing: true,
        children: [],
      },
      {
        role: "label",
        type: "JLabel",
        text: "Review them in Client Portal.",
        enabled: true,
        showing: true,
        children: [],
      },
      {
        role: "button",
        type: "JButton",
        text: "Review Later",
        enabled: true,
        showing: true,
        children: [],
      },
    ],
  } satisfies ComponentNode,
};

function userRulesSection(): string[] {
  return [
    "## Unknown windows",
    "",
    "The first time a window matches no row (per title), or only the `gateway-dialog` catch-all,",
    "ibg-pilot leaves it alone and writes two",
    "files to `<settings directory>/unknown-windows/` (folder 0700, files 0600, the newest 50",
    "windows kept): its component tree as JSON (typed-in fields only as their length, account ids",
    "redacted) and a PNG the agent paints inside Gateway's JVM, with password and code fields",
    "painted empty (agent channel only: over AT-SPI the alert says there is no picture).",
    "`ALERT_UNKNOWN_WINDOW` names both files, `/metrics` counts",
    "`ibg_pilot_unknown_windows_total`, and `ibg-pilot inspect` lists them. An unknown *modal*",
    "window never strands the session: before a logout (SIGTERM, STOP), RESTART or a re-login,",
    `every modal window that blocks the main window is dismissed (${
      BLOCKER_DISMISS.map(code).join(", ")
    }, else closed).`,
    "",
    "## Your own rules (PILOT_DIALOG_RULES)",
    "",
    "`PILOT_DIALOG_RULES` names a YAML or JSON file of extra rows, in the shape of the rows above:",
    "a list, or a map whose `rules:` is the list. The file must lie under a root ibg-pilot may read",
    "(docs/permissions.md: `/home`, `/data`, `/run/secrets`, ...; not `/etc`). Each rule has:",
    "",
    "- `id`: kebab-case. Naming a built-in row replaces that row in its place (not the safety rows:",
    `  ${SAFETY_ROW_IDS.map(code).join(", ")}).`,
    "- `match`: clauses that must all hold (a list of such maps: any of them). Any of",
    "  `titleContains`, `titleEquals`, `anyButton`, `anyText`, `allTexts`, `anyMenuItem` (a string",
    "  or a list: any of them), `anyPattern` (regular expressions: `/re/flags` as written, plain",
    "  text case-insensitively), `anyRole`, `kind` (`frame`, `dialog`, `window`), `toolkit`",
    "  (`swing`, `javafx`), `modal` (true/false), and `unless` (clauses that must not hold). At",
    "  least one clause must name the window's words (title, text, button, menu or pattern).",
    "- `action`: `{kind: click, buttons: [...]}` (the first present, in order), `{kind: close}`",
    "  (its close box), `{kind: wait, why: ...}` (leave it alone), or",
    "  `{kind: alert, token: ALERT_..., reason: ..., dismiss: [...], halt: true}`.",
    "  The login, the second factor and the configuration are flows: code, not rules.",
    "- `note`, `fact`: optional text.",
    "",
    `Precedence: rules that replace no row are tried right after ${code(USER_ROWS_AFTER)} (row`,
    `${
      CATALOGUE.findIndex((r) => r.id === USER_ROWS_AFTER) + 1
    } above): after the safety rows and the login flows' windows, before the notices,`,
    "confirmations, disclaimers and the catch-alls, in file order.",
    "",
    "At start every problem of the file is reported at once, each with its line and field, and",
    "ibg-pilot exits 2 with nothing started; `ibg-pilot config` checks a file the same way before",
    "you deploy it. `kill -HUP <pid>` reloads the file: the new rules apply at once, also to a window that is open and unknown; a file with problems is refused",
    "(`ALERT_DIALOG_RULES_INVALID`, its problems in the log) and the rules in force stay.",
    "",
    "### Worked example",
    "",
    "A Gateway build shows a new modal after login and the session does not get READY. The log has",
    '`ALERT_UNKNOWN_WINDOW mode=paper title="Important Notice" tree=... picture=...`. Look at the',
    "picture, then let ibg-pilot write the rule (no Gateway needed):",
    "",
    "```sh",
    "ibg-pilot inspect --suggest-rule > /home/ibgateway/dialog-rules.yaml",
    "```",
    "",
    "```yaml",
    ...suggestRulesYaml([EXAMPLE_EVIDENCE]).trimEnd().split("\n"),
    "```",
    "",
    "It recognises the window by its exact title and answers with its first button. Edit what",
    "needs it (a `Close` button is often the safer answer; `titleContains` survives a changed",
    "account id in the title), then:",
    "",
    "```sh",
    "export PILOT_DIALOG_RULES=/home/ibgateway/dialog-rules.yaml   # or in the container's env",
    "kill -HUP $(pgrep -f 'ibg-pilot run')                         # or restart ibg-pilot",
    "```",
    "",
    "A rule is data: it costs no release. A window that needs a new *flow* (typing, choosing from",
    "a list, waiting for something else) is code in lib/session and needs one.",
  ];
}
