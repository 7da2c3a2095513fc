/** Redacted dumps and the once-per-title unknown window reporter. */

import assert from "node:assert/strict";
import { dumpWindow, UnknownWindowReporter } from "../../lib/dialogs/dump.ts";
import { addSecret, clearSecrets, type Logger } from "../../lib/log.ts";
import {
  button,
  field,
  label,
  list,
  loginFrame,
  node,
  password,
  textarea,
  win,
} from "./fixtures.ts";

const secretWindow = () =>
  win("DU1234567 Trader Workstation Configuration", "dialog", [
    label("Account U7654321"),
    label("Username"),
    field("jdoe123"),
    password(11),
    node("text", "u", { text: "123456", editable: true }),
    node("text", "JTextField", { text: "Read-only field text", editable: false }),
    textarea("Select second factor device"),
    list([" IB Key", " DF1234567 account"]),
    button("OK", { name: "okButton" }),
  ]);

Deno.test("dump: one line per component, passwords as length, fields masked, ids redacted", () => {
  const { window, tree } = secretWindow();
  const dump = dumpWindow(window, tree);
  assert.ok(!/U7654321|DU1234567|DF1234567/.test(dump), dump);
  assert.ok(dump.includes("DU[REDACTED]"));
  assert.ok(dump.includes("<password len=11>"));
  assert.ok(!dump.includes("jdoe123"));
  assert.ok(dump.includes("<text len=7>"));
  assert.ok(!dump.includes("123456"), "a typed 2FA code never appears");
  assert.ok(dump.includes('"Read-only field text"'), "read-only fields are labels");
  assert.ok(dump.includes('"Select second factor device"'));
  assert.ok(dump.includes('JButton button name="okButton" "OK"'));
  // Raw text, padding included: a dump is for finding a new build's exact strings.
  assert.ok(dump.includes('item listitem " IB Key"'), dump);
  // Header plus one line per node.
  const count = (n: typeof tree): number => 1 + n.children.reduce((s, c) => s + count(c), 0);
  assert.equal(dump.split("\n").length, 1 + count(tree));
});

Deno.test("dump: registered secrets are redacted even where a label shows them", () => {
  addSecret("hunter2-secret");
  try {
    const w = win("X", "dialog", [label("pw hunter2-secret")]);
    const dump = dumpWindow(w.window, w.tree);
    assert.ok(!dump.includes("hunter2-secret"));
  } finally {
    clearSecrets();
  }
});

function fakeLogger() {
  const lines: { message: string; props: Record<string, unknown> }[] = [];
  const logger = {
    warn(message: string, props: Record<string, unknown>) {
      lines.push({ message, props });
    },
  } as unknown as Logger;
  return { logger, lines };
}

Deno.test("reporter: each unknown title logged once, redacted; untitled keyed by class", () => {
  const { logger, lines } = fakeLogger();
  const r = new UnknownWindowReporter({ logger });
  const a = secretWindow();
  assert.equal(r.report(a.window, a.tree), true);
  assert.equal(r.report(a.window, a.tree), false);
  // Same title, other account id: the same window kind, not reported again.
  const b = win("DU7777777 Trader Workstation Configuration", "dialog", []);
  assert.equal(r.report(b.window, b.tree), false);
  const untitled = win("", "dialog", [label("?")]);
  assert.equal(r.report(untitled.window, untitled.tree), true);
  assert.equal(r.report(untitled.window, untitled.tree), false);
  assert.equal(lines.length, 2);
  const all = JSON.stringify(lines);
  assert.ok(!/U7654321|DU1234567|jdoe123/.test(all), all);
  assert.ok(r.seen(a.window));
});

Deno.test("reporter: memory is bounded", () => {
  const { logger, lines } = fakeLogger();
  const r = new UnknownWindowReporter({ logger, limit: 2 });
  const l = loginFrame();
  for (const t of ["a", "b", "c"]) r.report({ ...l.window, title: t }, l.tree);
  assert.equal(lines.length, 3);
  assert.ok(!r.seen({ ...l.window, title: "a" }));
  assert.ok(r.seen({ ...l.window, title: "c" }));
});
