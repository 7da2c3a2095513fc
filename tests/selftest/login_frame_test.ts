/**
 * The self-test's pure parts: the catalogue's login-frame expectations against fixture frames of
 * every known build, the renamed-control report, the mode read from the toggles, the login-frame
 * guess for renamed builds, and the redaction of the tree written as an artifact.
 */

import assert from "node:assert/strict";
import {
  checkWindow,
  FRAME_EXPECTATIONS,
  frameExpectations,
  logInExpectation,
  looksLikeLoginFrame,
  reportLines,
  selectedMode,
} from "../../lib/selftest/login_frame.ts";
import { redactTree } from "../../lib/selftest/artifacts.ts";
import {
  field,
  label,
  loginFrame,
  message,
  node,
  password,
  twsLoginFrame,
} from "../dialogs/fixtures.ts";
import type { ComponentNode } from "../../lib/ui/port.ts";

const all = (paper: boolean) => [...FRAME_EXPECTATIONS, logInExpectation(paper ? "paper" : "live")];

Deno.test("every known build's login frame satisfies every expectation, in both modes", () => {
  for (const hyphen of [false, true]) {
    for (const paper of [false, true]) {
      const f = loginFrame({ hyphen, paper });
      const checks = checkWindow(f.window, f.tree, all(paper));
      const missing = checks.filter((c) => c.found === undefined).map((c) => c.what);
      assert.deepEqual(missing, [], `hyphen=${hyphen} paper=${paper}`);
      assert.equal(selectedMode(f.tree), paper ? "paper" : "live");
    }
  }
});

/** The fixture frame with one text replaced everywhere (a new build's rename). */
function renamed(from: string, to: string, paper = true) {
  const f = loginFrame({ paper });
  const swap = (n: ComponentNode): ComponentNode => ({
    ...n,
    text: n.text === from ? to : n.text,
    children: n.children.map(swap),
  });
  return {
    window: { ...f.window, title: f.window.title === from ? to : f.window.title },
    tree: swap(f.tree),
  };
}

Deno.test("a renamed control is MISSING with every alternative and its catalogue constant", () => {
  const f = renamed("FIX CTCI", "FIX/CTCI");
  const checks = checkWindow(f.window, f.tree, all(true));
  assert.deepEqual(checks.filter((c) => !c.found).map((c) => c.what), ["FIX CTCI toggle"]);
  const lines = reportLines(checks);
  assert.ok(
    lines.includes(
      'MISSING  FIX CTCI toggle: none of "FIX CTCI", "FIX-CTCI" (toggle; lib/dialogs/catalogue.ts LOGIN.fixToggle)',
    ),
    lines.join("\n"),
  );
  assert.ok(lines.includes('ok       title: "IBKR Gateway"'));
});

Deno.test("a renamed title and label are missing; the frame is still recognised by its password field", () => {
  const t = renamed("IBKR Gateway", "IBKR Desktop");
  assert.deepEqual(
    checkWindow(t.window, t.tree, FRAME_EXPECTATIONS).filter((c) => !c.found).map((c) => c.what),
    ["title"],
  );
  assert.ok(looksLikeLoginFrame(t.window, t.tree));
  const l = renamed("Trading Mode", "Account type");
  assert.deepEqual(
    checkWindow(l.window, l.tree, FRAME_EXPECTATIONS).filter((c) => !c.found).map((c) => c.what),
    ["trading mode label"],
  );
});

Deno.test("a button is not a toggle: the roles the catalogue names are the ones checked", () => {
  const f = renamed("Paper Log In", "Paper Trading");
  const c = checkWindow(f.window, f.tree, [logInExpectation("paper")]);
  assert.equal(c[0].found, undefined);
});

Deno.test("a renamed mode toggle leaves the selected mode unknown", () => {
  const f = renamed("Paper Trading", "Paper Account", true);
  assert.equal(selectedMode(f.tree), undefined);
});

Deno.test("other windows are not taken for the login frame", () => {
  const m = message("IBKR Gateway", "Connecting to server...", ["OK"]);
  assert.equal(looksLikeLoginFrame(m.window, m.tree), false);
});

Deno.test("the written tree masks typed values and account ids, and keeps the catalogue's strings", () => {
  const tree = node("window", "JFrame", { text: "IBKR Gateway" }, [
    field("simuser"),
    { ...password(12), text: "should-never-be-here", accessibleName: "secret" },
    label("Account U1234567 connected"),
    node("text", "JTextField", { text: "read only note", editable: false }),
  ]);
  const out = JSON.stringify(redactTree(tree));
  assert.ok(!out.includes("simuser"), out);
  assert.ok(out.includes("<text len=7>"));
  assert.ok(!out.includes("should-never-be-here"));
  assert.ok(!out.includes('"secret"'));
  assert.ok(out.includes('"passwordLength":12'));
  assert.ok(!out.includes("U1234567"));
  assert.ok(out.includes("read only note"));
  assert.ok(out.includes("IBKR Gateway"));
});

Deno.test("TWS: its login frame satisfies TWS's expectations (no IB API selector), not Gateway's", () => {
  for (const paper of [false, true]) {
    const f = twsLoginFrame({ paper });
    const mode = paper ? "paper" : "live";
    const checks = checkWindow(f.window, f.tree, [
      ...frameExpectations("tws"),
      logInExpectation(mode),
    ]);
    assert.deepEqual(checks.filter((c) => c.found === undefined).map((c) => c.what), []);
    assert.equal(selectedMode(f.tree), mode);
    assert.ok(looksLikeLoginFrame(f.window, f.tree));
  }
  const f = twsLoginFrame();
  const asGateway = checkWindow(f.window, f.tree, frameExpectations("gateway"));
  assert.deepEqual(
    asGateway.filter((c) => c.found === undefined).map((c) => c.what),
    ["title", "IB API toggle", "FIX CTCI toggle"],
  );
});
