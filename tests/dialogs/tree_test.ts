/** Tree helpers: normalised texts and IBC's lookup rules. */

import assert from "node:assert/strict";
import {
  buttons,
  findByName,
  findByText,
  findMessage,
  firstButton,
  labels,
  listItems,
  messages,
  nthTextField,
  textAreas,
  visible,
  windowText,
} from "../../lib/dialogs/tree.ts";
import { containsText, normalise, sameText } from "../../lib/ui/text.ts";
import {
  button,
  checkbox,
  field,
  label,
  list,
  loginFrame,
  menu,
  menubar,
  node,
  panel,
  password,
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

Deno.test("buttons, labels, text areas, messages and list items", () => {
  assert.deepEqual(buttons(f.tree), ["IB API", "OK", "Cancel"]);
  assert.deepEqual(labels(f.tree), ["Enter Mobile Authenticator app code"]);
  assert.deepEqual(textAreas(f.tree), ["Select second factor device"]);
  assert.deepEqual(messages(f.tree), [
    "Enter Mobile Authenticator app code",
    "Select second factor device",
  ]);
  assert.deepEqual(listItems(f.tree), ["IB Key", "Mobile Authenticator app"]);
  assert.deepEqual(listItems(f.tree, 1), []);
});

Deno.test("find by whole text (roles), by message substring, by exact name", () => {
  assert.equal(findByText(f.tree, "read-only api").length, 1);
  assert.equal(findByText(f.tree, "read-only").length, 0);
  assert.equal(findByText(f.tree, "ib key").length, 1, "list items are whole-text");
  assert.equal(findByText(f.tree, "about ib gateway").length, 1, "menu items are whole-text");
  assert.equal(findByText(f.tree, "OK", ["toggle"]).length, 0);
  assert.equal(findMessage(f.tree, "second factor").length, 1);
  assert.equal(findMessage(f.tree, "AUTHENTICATOR APP").length, 1);
  assert.equal(findByName(f.tree, "Socket port").length, 1);
  assert.equal(findByName(f.tree, "socket port").length, 0);
  assert.equal(firstButton(f.tree, ["Close", "cancel", "OK"]), "Cancel");
  assert.equal(firstButton(f.tree, ["Close"]), undefined);
});

Deno.test("the n-th text field counts passwords, depth-first (login: #0 user, #1 password)", () => {
  const login = loginFrame();
  assert.equal(nthTextField(login.tree, 0)?.role, "text");
  assert.equal(nthTextField(login.tree, 1)?.role, "password");
  assert.equal(nthTextField(login.tree, 2), undefined);
});

Deno.test("windowText: what the window says, without typed values or passwords", () => {
  const w = win("Login", "frame", [
    label("Username"),
    field("jdoe123"),
    password(9),
    node("text", "JTextField", { text: "read-only note", editable: false }),
    button("Log In"),
    list(["a", "b"]),
  ]);
  const text = windowText(w.tree);
  assert.equal(text, "Username\nread-only note\nLog In\na\nb");
  assert.ok(!text.includes("jdoe123"));
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
  assert.equal(findByText(w.tree, "About IB Gateway")[0].showing, false);
  assert.equal(findByText(visible(w.tree), "About IB Gateway").length, 1);
});
