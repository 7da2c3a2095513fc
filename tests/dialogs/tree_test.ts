/** Tree helpers: normalised texts and IBC's lookup rules. */

import assert from "node:assert/strict";
import {
  buttons,
  firstButton,
  labels,
  listItems,
  menuItems,
  messages,
  nodes,
  visible,
} from "../../lib/dialogs/tree.ts";
import { containsText, normalise, sameText } from "../../lib/ui/text.ts";
import {
  button,
  checkbox,
  field,
  label,
  list,
  menu,
  menubar,
  node,
  panel,
  textarea,
  toggle,
  win,
} from "./fixtures.ts";

Deno.test("normalise strips HTML, decodes entities and collapses white space", () => {
  assert.equal(normalise("<html><b>I&nbsp;Accept</b></html>"), "I Accept");
  assert.equal(
    normalise("<html>Line one<br>line&#32;two &amp; three</html>"),
    "Line one line two & three",
  );
  assert.equal(normalise("  Mobile \n Authenticator\tapp "), "Mobile Authenticator app");
  assert.equal(normalise(undefined), "");
  assert.equal(normalise("a < b"), "a < b");
});

Deno.test("whole text vs substring comparisons ignore case and white space", () => {
  assert.ok(sameText(" Paper Log In ", "paper log in"));
  assert.ok(!sameText("Paper Log In", "Log In"));
  assert.ok(containsText("This is NOT a brokerage account.", "not a brokerage"));
  assert.ok(!containsText("anything", ""));
});

const f = win("Second Factor Authentication", "dialog", [
  label("<html>Enter <b>Mobile Authenticator app</b> code</html>"),
  textarea("Select second factor\ndevice"),
  list([" IB Key ", " Mobile Authenticator app"]),
  node("panel", "JPanel", { name: "Socket port" }, [field("4002")]),
  toggle("IB API", true),
  checkbox("Read-Only API"),
  button("OK"),
  button("Cancel"),
  menubar(menu("Help", "About IB Gateway")),
]);

Deno.test("buttons, labels, messages and list items", () => {
  assert.deepEqual(buttons(f.tree), ["IB API", "OK", "Cancel"]);
  assert.deepEqual(labels(f.tree), ["Enter Mobile Authenticator app code"]);
  assert.deepEqual(messages(f.tree), [
    "Enter Mobile Authenticator app code",
    "Select second factor device",
  ]);
  assert.deepEqual(listItems(f.tree), ["IB Key", "Mobile Authenticator app"]);
  assert.deepEqual(listItems(f.tree, 1), []);
});

Deno.test("the first present button of a preference list, by whole text", () => {
  assert.equal(firstButton(f.tree, ["Close", "cancel", "OK"]), "Cancel");
  assert.equal(firstButton(f.tree, ["Close"]), undefined);
});

Deno.test("visible drops hidden subtrees but keeps a root that is not showing yet", () => {
  const hidden = { ...panel(label("old")), showing: false };
  const w = win("X", "dialog", [hidden, label("new")]);
  assert.deepEqual(labels(visible(w.tree)), ["new"]);
  const notYet = { ...w.tree, showing: false };
  assert.deepEqual(labels(visible(notYet)), ["old", "new"]);
});

Deno.test("visible keeps menu items, which are hidden until their menu opens", () => {
  const w = win("IBKR Gateway", "frame", [menubar(menu("Help", "About IB Gateway"))]);
  assert.equal(nodes(w.tree).find((n) => n.role === "menuitem")?.showing, false);
  assert.deepEqual(menuItems(visible(w.tree)), ["Help", "About IB Gateway"]);
});
