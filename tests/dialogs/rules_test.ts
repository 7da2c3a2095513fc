/**
 * User dialog rules (PILOT_DIALOG_RULES): the file's rows in the built-in shape, every problem at
 * once with its line and field, precedence (after the safety rows, before the catch-alls; a built-in
 * replaced by id), `ibg-pilot run` refusing a bad file with exit 2, and SIGHUP's reload keeping the
 * rules in force when the new file is broken.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { classify } from "../../lib/dialogs/match.ts";
import { CATALOGUE } from "../../lib/dialogs/catalogue.ts";
import { composeCatalogue, parseRules } from "../../lib/dialogs/rules.ts";
import { type AlertEvent, onAlert } from "../../lib/log.ts";
import { DialogRuleSet } from "../../lib/session/dialog_rules.ts";
import { readRulesFile } from "../../lib/cli/dialog_rules.ts";
import { baseEnv, runCli } from "../support/cli.ts";
import { button, label, win } from "./fixtures.ts";

const notice = () =>
  win("Important Notice", "dialog", [
    label("Your market data subscriptions change."),
    button("Review Later"),
  ]);

const GOOD_YAML = `rules:
  - id: important-notice
    match:
      titleEquals: Important Notice
      anyText: [market data subscriptions]
    action: { kind: click, buttons: [Review Later] }
  - id: newer-version
    match: { anyText: Newer Version }
    action: { kind: alert, token: ALERT_NEWER_GATEWAY, reason: a newer Gateway is out }
`;

const THREE_MISTAKES = `rules:
  - id: first
    match:
      titleContains: Notice
      anyRole: [buton]
    action: { kind: click, buttons: [OK] }
  - id: second
    match: { titleContains: Notice }
    action: { kind: press, buttons: [OK] }
  - id: connecting-modal
    match: { titleContains: Gateway }
    action: { kind: close }
`;

Deno.test("a YAML rules file gives rows in the built-in shape; JSON works the same", () => {
  const yaml = parseRules(GOOD_YAML, "rules.yaml");
  assert.deepEqual(yaml.problems, []);
  assert.equal(yaml.rules[0].id, "important-notice");
  assert.deepEqual(yaml.rules[0].match, {
    titleEquals: ["Important Notice"],
    anyText: ["market data subscriptions"],
  });
  assert.deepEqual(yaml.rules[0].action, { kind: "click", buttons: ["Review Later"] });
  assert.match(yaml.rules[0].fact, /rules\.yaml, line 2/);
  const json = parseRules(JSON.stringify([{
    id: "x",
    match: [{ anyPattern: ["/^subscriptions? change/im", "plain (text)"] }],
    action: { kind: "wait" },
  }]));
  assert.deepEqual(json.problems, []);
  const patterns = (json.rules[0].match as { anyPattern: RegExp[] }[])[0].anyPattern;
  assert.equal(String(patterns[0]), "/^subscriptions? change/im");
  assert.ok(patterns[1].test("PLAIN (TEXT) here"), "plain text is literal and case-insensitive");
});

Deno.test("three mistakes: all three reported, each with its line and field", () => {
  const { rules, problems } = parseRules(THREE_MISTAKES);
  assert.deepEqual(rules, []);
  assert.deepEqual(problems.map((p) => [p.line, p.field]), [
    [5, "rules[0].match.anyRole"],
    [9, "rules[1].action.kind"],
    [10, "rules[2].id"],
  ]);
  assert.match(problems[0].message, /"buton" not one of/);
  assert.match(problems[1].message, /click, close, wait or alert/);
  assert.match(problems[2].message, /safety row/);
});

Deno.test("more mistakes: syntax, unknown fields, a rule that says no window, bad regex, bad token", () => {
  assert.equal(parseRules("rules: [ {id: a").problems[0].field, "(syntax)");
  const { problems } = parseRules(`- id: Bad_Id
  match: { modal: true }
  action: { kind: click }
  colour: red
- id: b
  match: { anyPattern: "/[unclosed/" }
  action: { kind: alert, token: NOT_AN_ALERT, reason: r }
`);
  const fields = problems.map((p) => `${p.line} ${p.field}`);
  assert.deepEqual(fields, [
    "4 rules[0].colour",
    "1 rules[0].id",
    "2 rules[0].match",
    "3 rules[0].action.buttons",
    "6 rules[1].match.anyPattern",
    "7 rules[1].action.token",
  ]);
});

Deno.test("precedence: user rows after login, before the catch-alls; a built-in replaced by id", () => {
  const { rules } = parseRules(GOOD_YAML);
  const composed = composeCatalogue(rules);
  const ids = composed.map((r) => r.id);
  assert.equal(ids.indexOf("important-notice"), ids.indexOf("login") + 1);
  assert.ok(ids.indexOf("important-notice") < ids.indexOf("gateway-dialog"));
  assert.equal(ids.filter((i) => i === "newer-version").length, 1);
  assert.equal(
    ids.indexOf("newer-version"),
    CATALOGUE.findIndex((r) => r.id === "newer-version") + 1,
  );
  const n = notice();
  assert.equal(classify(n.window, n.tree), undefined, "unknown without the rule");
  const m = classify(n.window, n.tree, { catalogue: composed });
  assert.equal(m?.id, "important-notice");
  assert.equal(m?.button, "Review Later");
  const newer = win("Newer Version Available", "dialog", [
    label("Newer Version of IB Gateway"),
    button("OK"),
  ]);
  assert.equal(classify(newer.window, newer.tree)?.action.kind, "click");
  assert.deepEqual(classify(newer.window, newer.tree, { catalogue: composed })?.action, {
    kind: "alert",
    token: "ALERT_NEWER_GATEWAY",
    reason: "a newer Gateway is out",
  });
  // A user row can never pre-empt the connecting modal: it comes first whatever the rule says.
  const greedy = parseRules(
    `- {id: greedy, match: {titleContains: Gateway}, action: {kind: close}}`,
  );
  const connecting = win("Gateway", "dialog", [label("Connecting to server..."), button("OK")]);
  const c = classify(connecting.window, connecting.tree, {
    catalogue: composeCatalogue(greedy.rules),
  });
  assert.equal(c?.id, "connecting-modal");
});

Deno.test("SIGHUP reload: a good file replaces the rules; a broken one keeps them and alerts", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "rules.yaml");
  await Deno.writeTextFile(file, "rules: []\n");
  const set = await DialogRuleSet.load(file, readRulesFile);
  assert.ok(set instanceof DialogRuleSet);
  await Deno.writeTextFile(file, GOOD_YAML);
  assert.equal(await set.reload(), true);
  assert.equal(set.userRules.length, 2);
  const alerts: AlertEvent[] = [];
  const off = onAlert((e) => alerts.push(e));
  try {
    await Deno.writeTextFile(file, THREE_MISTAKES);
    assert.equal(await set.reload(), false);
  } finally {
    off();
  }
  assert.deepEqual(set.userRules.map((r) => r.id), ["important-notice", "newer-version"]);
  const n = notice();
  assert.equal(classify(n.window, n.tree, { catalogue: set.catalogue })?.id, "important-notice");
  const a = alerts.find((e) => e.token === "ALERT_DIALOG_RULES_INVALID");
  assert.equal(a?.fields.problems, 3);
  assert.equal(a?.fields.kept_rules, 2);
  await Deno.remove(dir, { recursive: true });
});

for (const command of ["run", "config"]) {
  Deno.test(`ibg-pilot ${command} with a rules file of three mistakes: exit 2, each named with its line`, async () => {
    const dir = await Deno.makeTempDir({ dir: "/tmp" });
    const file = join(dir, "rules.yaml");
    await Deno.writeTextFile(file, THREE_MISTAKES);
    const r = await runCli(
      [command],
      baseEnv({
        TWS_USERID: "someone",
        TWS_PASSWORD: "not-used",
        TRADING_MODE: "paper",
        DISPLAY: ":99",
        TWS_PATH: join(dir, "Jts"),
        PILOT_RUNTIME_DIR: join(dir, "rt"),
        PILOT_DIALOG_RULES: file,
      }),
    );
    await Deno.remove(dir, { recursive: true });
    assert.equal(r.code, 2, r.stderr);
    for (const line of [5, 9, 10]) assert.ok(r.stderr.includes(`${file}:${line}: `), r.stderr);
    assert.match(r.stderr, /3 problem\(s\)/);
    assert.match(r.stderr, /Nothing was started/);
    assert.equal(r.stdout, "", "no settings table for a configuration that does not load");
  });
}
