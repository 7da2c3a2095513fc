/** The matcher on near-misses, and the facts it parses from window texts. */

import assert from "node:assert/strict";
import {
  classify,
  parseConnecting,
  parsePasswordExpiry,
  parseWaitSeconds,
  secondFactorVariant,
} from "../../lib/dialogs/match.ts";
import { DEFAULT_DISCLAIMER_LABELS } from "../../lib/dialogs/catalogue.ts";
import {
  button,
  connectingModal,
  field,
  label,
  list,
  loginFrame,
  mainWindow,
  message,
  node,
  panel,
  password,
  textarea,
  tooMany,
  twoFactor,
  twsLoginFrame,
  twsMainWindow,
  win,
} from "./fixtures.ts";

// ---- the `Gateway` connecting modal

Deno.test("the Gateway connecting modal is never a click target, whatever the settings", () => {
  const contexts = [
    {},
    { bypassWarning: ["OK"] },
    { bypassWarning: ["ok", "Acknowledge"] },
    { bypassWarning: ["yes"] },
    { settings: { ACCEPT_NON_BROKERAGE_WARNING: true } },
  ];
  const variants = [
    connectingModal(),
    message("Gateway", "Connecting to server...", ["OK"], { textArea: true }),
    message("IBKR-Gateway", "connecting to server...", ["OK"]),
    message("Connecting to server...", "Please wait", ["OK"]),
    // Even with an allowlisted button on it, the wait row owns it first.
    message("Gateway", "Connecting to server...", ["OK", "Acknowledge"]),
    // As an AT-SPI adapter may report it: a plain window.
    message("Gateway", "Connecting to server...", ["OK"], { kind: "window", modal: true }),
  ];
  for (const ctx of contexts) {
    for (const f of variants) {
      const m = classify(f.window, f.tree, ctx);
      assert.ok(m, f.window.title);
      assert.equal(m.id, "connecting-modal", `${f.window.title} ${JSON.stringify(ctx)}`);
      assert.equal(m.action.kind, "wait");
      assert.equal(m.button, undefined);
    }
  }
});

Deno.test("an `Attempt N: connecting` label is observed, never clicked, and parsed", () => {
  const f = message("Gateway", "Attempt 2: connecting to server (trying for another 55 seconds)", [
    "OK",
  ]);
  const m = classify(f.window, f.tree)!;
  assert.equal(m.id, "stuck-connecting");
  assert.deepEqual(m.action, { kind: "observe", signal: "stuck-connecting" });
  assert.deepEqual(m.connecting, { attempt: 2, secondsLeft: 55 });
  const login = loginFrame({
    status: "<html>Attempt 3: connecting to server<br>(trying for another 41 seconds)</html>",
  });
  assert.deepEqual(classify(login.window, login.tree)?.connecting, {
    attempt: 3,
    secondsLeft: 41,
  });
});

// ---- second factor before the catch-all

Deno.test("a 2FA prompt in a `Gateway`-titled dialog is second-factor, not the catch-all", () => {
  const code = win("Gateway", "dialog", [
    label("Enter Mobile Authenticator app code"),
    field(""),
    button("OK"),
  ]);
  const m = classify(code.window, code.tree)!;
  assert.equal(m.id, "second-factor");
  assert.deepEqual(m.secondFactor, {
    variant: "code-entry",
    prompt: "Enter Mobile Authenticator app code",
    method: "Mobile Authenticator app",
  });
  const select = win("Gateway", "dialog", [
    textarea("Select second factor device"),
    list([" IB Key", " Mobile Authenticator app"]),
    button("OK"),
  ]);
  assert.equal(classify(select.window, select.tree)?.id, "second-factor");
  // Without the prompt and the field it is just a Gateway dialog.
  const plain = message("Gateway", "Enter the server name", ["OK"]);
  assert.equal(classify(plain.window, plain.tree)?.id, "gateway-dialog");
});

Deno.test("2FA variants: device selection, code entry, push, passkey, unknown", () => {
  const cases: [ReturnType<typeof twoFactor>, unknown][] = [
    [twoFactor("select"), {
      variant: "device-selection",
      items: ["IB Key", "Mobile Authenticator app"],
    }],
    [twoFactor("code", { device: "IB Key" }), {
      variant: "code-entry",
      prompt: "Enter IB Key code",
      method: "IB Key",
    }],
    [twoFactor("push"), {
      variant: "push",
      text: "Check your IBKR Mobile app: a notification was sent to your IB Key device.",
    }],
    [twoFactor("passkey"), { variant: "passkey", button: "Authenticate >" }],
    [win("Second Factor Authentication", "dialog", [label("Second Factor Authentication")]), {
      variant: "unknown",
    }],
  ];
  for (const [f, expected] of cases) {
    const m = classify(f.window, f.tree)!;
    assert.equal(m.id, "second-factor");
    assert.deepEqual(m.secondFactor, expected);
  }
  // Security code card title and the hyphenated form.
  for (const title of ["Security Code Card Authentication", "second-factor authentication"]) {
    const f = twoFactor("code", { title });
    assert.equal(classify(f.window, f.tree)?.id, "second-factor", title);
  }
});

Deno.test("a code field without an `Enter ... code` prompt is code entry with no prompt", () => {
  const f = win("Second Factor Authentication", "dialog", [
    label("Type the response"),
    field(""),
    button("OK"),
  ]);
  assert.deepEqual(classify(f.window, f.tree)?.secondFactor, { variant: "code-entry" });
});

Deno.test("hidden panels do not count: a swapped-out device list is not the variant", () => {
  const hiddenList = { ...panel(textarea("Select second factor device"), list([" IB Key"])) };
  hiddenList.showing = false;
  const f = win("Second Factor Authentication", "dialog", [
    hiddenList,
    label("Enter Mobile Authenticator app code"),
    node("text", "u", { text: "", editable: true }),
    button("OK"),
  ]);
  assert.equal(classify(f.window, f.tree)?.secondFactor?.variant, "code-entry");
  assert.equal(secondFactorVariant(f.tree).variant, "code-entry");
});

Deno.test("passkey windows are the second-factor flow with the passkey variant", () => {
  for (const title of ["WebAuthn", "Use a Passkey", "Authenticate"]) {
    const f = win(title, "frame", [label("...")]);
    const m = classify(f.window, f.tree)!;
    assert.deepEqual(m.action, { kind: "flow", flow: "second-factor" }, title);
    assert.equal(m.secondFactor?.variant, "passkey", title);
  }
});

// ---- login frame and main window

Deno.test("login frame: standard, hyphenated, old titles, any case", () => {
  const frames = [
    loginFrame(),
    loginFrame({ paper: false }),
    loginFrame({ hyphen: true }),
    loginFrame({ hyphen: true, paper: false }),
    loginFrame({ title: "ibkr gateway" }),
    loginFrame({ title: "IB Gateway" }),
    loginFrame({ title: "Interactive Brokers Gateway 10.19" }),
  ];
  for (const f of frames) {
    const m = classify(f.window, f.tree)!;
    assert.equal(m.id, "login", f.window.title);
    assert.deepEqual(m.action, { kind: "flow", flow: "login" });
  }
  const hy = loginFrame({ hyphen: true });
  const m = classify(hy.window, hy.tree)!;
  assert.equal(m.evidence.title, "IBKR-Gateway");
  assert.deepEqual(m.evidence.buttons, ["Paper-Login"]);
});

Deno.test("login frame of a build that renames the button is still found by its password field", () => {
  const f = win("IBKR Gateway", "frame", [field(""), password(0), button("Sign In")], {
    modal: false,
  });
  assert.equal(classify(f.window, f.tree)?.id, "login");
});

Deno.test("a window titled like Gateway but without Log In or a password is not the login frame", () => {
  const f = win("IBKR Gateway", "frame", [label("API Server: disconnected"), button("Show log")], {
    modal: false,
  });
  assert.equal(classify(f.window, f.tree), undefined);
});

Deno.test("the main window wins even when its log pane echoes dialog texts", () => {
  const f = mainWindow(
    "IBKR Gateway",
    "Connecting to server...\nLogin failed\nToo many failed login attempts. Please wait 5 seconds\n" +
      "Attempt 1: connecting to server (trying for another 10 seconds)\nSelect second factor device",
  );
  const m = classify(f.window, f.tree)!;
  assert.equal(m.id, "main-window");
  assert.deepEqual(m.evidence.menuItems, ["About IB Gateway"]);
  const loading = mainWindow("Loading...");
  assert.equal(classify(loading.window, loading.tree)?.id, "main-window");
});

// ---- matching rules: buttons whole, labels substring, titles any case

Deno.test("disclaimer buttons match by whole text only, labels do not count", () => {
  const labelOnly = message("Notice", "Click I understand and accept below to go on", ["OK"]);
  assert.equal(classify(labelOnly.window, labelOnly.tree), undefined);
  const longer = message("Notice", "Risk", ["I understand and accept the risks"]);
  assert.equal(classify(longer.window, longer.tree), undefined);
  const spaced = message("Notice", "Risk", ["  i UNDERSTAND   and accept "]);
  const m = classify(spaced.window, spaced.tree)!;
  assert.equal(m.id, "disclaimer");
  assert.equal(m.button, "i UNDERSTAND and accept");
  assert.deepEqual(m.action, {
    kind: "click",
    buttons: [...DEFAULT_DISCLAIMER_LABELS],
    extendedBy: "BYPASS_WARNING",
  });
  const html = message("Notice", "Risk", ["<html><b>Acknowledge</b></html>"]);
  assert.equal(classify(html.window, html.tree)?.button, "Acknowledge");
});

Deno.test("BYPASS_WARNING extends the allowlist; OK in it is ignored", () => {
  const agree = message("Risk Disclosure", "Options involve risk.", ["I Agree", "Cancel"]);
  assert.equal(classify(agree.window, agree.tree), undefined);
  const m = classify(agree.window, agree.tree, { bypassWarning: ["I Agree"] })!;
  assert.equal(m.id, "disclaimer");
  assert.equal(m.button, "I Agree");
  assert.ok(m.action.kind === "click" && m.action.buttons.includes("I Agree"));
  const okOnly = message("Risk Disclosure", "Options involve risk.", ["OK"]);
  assert.equal(classify(okOnly.window, okOnly.tree, { bypassWarning: ["OK", "ok"] }), undefined);
});

Deno.test("labels match by substring, any case; titles any case", () => {
  const nv = message("Update", "A newer version of the software is ready.", ["OK"], {
    modal: false,
  });
  assert.equal(classify(nv.window, nv.tree)?.id, "newer-version");
  const es = message("EXISTING SESSION DETECTED", "x", ["Continue Login", "Cancel"]);
  assert.equal(classify(es.window, es.tree)?.id, "existing-session");
  const tip = message("tip of the day", "x", ["Close"], { modal: false });
  const m = classify(tip.window, tip.tree)!;
  assert.equal(m.id, "tip-of-the-day");
  assert.equal(m.button, "Close");
});

Deno.test("the paper warning: clicked by default, left alone when ACCEPT_NON_BROKERAGE_WARNING=no", () => {
  const f = message("Warning", [
    "This is not a brokerage account. This is a paper trading account.",
  ], ["I understand and accept"]);
  const on = classify(f.window, f.tree)!;
  assert.equal(on.id, "non-brokerage-warning");
  assert.equal(on.action.kind, "click");
  assert.equal(on.button, "I understand and accept");
  assert.equal(on.disabledBy, undefined);
  const off = classify(f.window, f.tree, { settings: { ACCEPT_NON_BROKERAGE_WARNING: false } })!;
  // Still owned by its row, so neither the disclaimer row nor the Warning row clicks it.
  assert.equal(off.id, "non-brokerage-warning");
  assert.equal(off.action.kind, "wait");
  assert.equal(off.disabledBy, "ACCEPT_NON_BROKERAGE_WARNING");
  assert.equal(off.button, undefined);
});

Deno.test("`Connection to server failed`: passkey, bad credentials and the rest are told apart", () => {
  const cases: [string, string][] = [
    [
      "Connection to server failed: Required PassKey is not supported, please upgrade to latest version GATEWAY",
      "passkey-not-supported",
    ],
    [
      "Connection to server failed: Invalid username or password. Please check the Caps Lock key; passwords are case sensitive.",
      "bad-credentials",
    ],
    ["Connection to server failed: Server is not reachable.", "connection-to-server-failed"],
    ["The user name or password was incorrect.", "bad-credentials"],
    ["Your credentials were rejected.", "bad-credentials"],
  ];
  for (const [text, id] of cases) {
    const f = message("Gateway", text, ["OK"]);
    assert.equal(classify(f.window, f.tree)?.id, id, text);
  }
  const pk = message("Gateway", cases[0][0], ["OK"]);
  const m = classify(pk.window, pk.tree)!;
  assert.equal(m.action.kind, "alert");
  assert.ok(m.action.kind === "alert" && m.action.token === "ALERT_2FA_FAILED" && m.action.halt);
  assert.equal(m.button, "OK");
});

Deno.test("`Configuration` in a title is the config dialog; `confirmation` is not", () => {
  const wa = message("API client needs write access action confirmation", "x", ["Yes", "No"]);
  assert.equal(classify(wa.window, wa.tree)?.id, "api-write-access");
  const cd = win("Global Configuration", "dialog", [button("OK")]);
  assert.equal(classify(cd.window, cd.tree)?.id, "config-dialog");
});

Deno.test("the Gateway catch-all takes dialogs only; an unknown window matches nothing", () => {
  const frame = win("Gateway", "frame", [label("something new")], { modal: false });
  assert.equal(classify(frame.window, frame.tree), undefined);
  const unknown = message("Brand New Dialog", "Something IBKR added", ["Continue"]);
  assert.equal(classify(unknown.window, unknown.tree), undefined);
  const catchAll = message("Gateway", "Something IBKR added", ["Continue"]);
  const m = classify(catchAll.window, catchAll.tree)!;
  assert.equal(m.id, "gateway-dialog");
  assert.deepEqual(m.action.kind, "wait");
});

Deno.test("a login frame with a password label and an expiry text stays the login frame", () => {
  const f = loginFrame({ status: "Your session has expired" });
  assert.equal(classify(f.window, f.tree)?.id, "login");
});

Deno.test("the splash is observed on close; Login Messages in JavaFX is resumed", () => {
  const splash = win("Starting application...", "frame", [label("Starting application...")]);
  assert.deepEqual(classify(splash.window, splash.tree)?.action, {
    kind: "observe",
    signal: "logged-in",
    on: "close",
  });
  const fx = win("Messages", "window", [node("button", "Button", { text: "Resume login" })], {
    toolkit: "javafx",
  });
  const m = classify(fx.window, fx.tree)!;
  assert.equal(m.id, "login-messages");
  assert.equal(m.button, "Resume login");
  // A Swing window with that button and another title is not it.
  const swing = win("Messages", "window", [button("Resume login")]);
  assert.equal(classify(swing.window, swing.tree), undefined);
});

// ---- parsed facts

Deno.test("wait time: seconds, minutes & seconds, hours, none", () => {
  assert.equal(parseWaitSeconds("Please wait 53 seconds before trying again"), 53);
  assert.equal(parseWaitSeconds("Please wait 4 minutes & 47 seconds before trying"), 287);
  assert.equal(parseWaitSeconds("please wait 2 minutes and 5 seconds"), 125);
  assert.equal(parseWaitSeconds("Please wait 1 minute."), 60);
  assert.equal(parseWaitSeconds("Please wait 1 hour & 2 minutes"), 3720);
  assert.equal(parseWaitSeconds("Please wait"), undefined);
  assert.equal(parseWaitSeconds("Too many failed login attempts."), undefined);
  for (const [wait, seconds] of [["53 seconds", 53], ["4 minutes & 47 seconds", 287]] as const) {
    const f = tooMany(wait);
    const m = classify(f.window, f.tree)!;
    assert.equal(m.id, "too-many-attempts");
    assert.equal(m.waitSeconds, seconds);
  }
});

Deno.test("password expiry: warning with days, expired, warning without days", () => {
  assert.deepEqual(parsePasswordExpiry("Your password will expire in 5 days."), {
    status: "warning",
    days: 5,
  });
  assert.deepEqual(parsePasswordExpiry("Your password expires in 1 day"), {
    status: "warning",
    days: 1,
  });
  assert.deepEqual(parsePasswordExpiry("Your password expires today"), {
    status: "warning",
    days: 0,
  });
  assert.deepEqual(parsePasswordExpiry("Your password will expire soon"), { status: "warning" });
  assert.deepEqual(parsePasswordExpiry("Your password has expired. Please change it."), {
    status: "expired",
  });
  const notice = message("Gateway", [
    "Your password has expired.",
    "Please change it in Client Portal before logging in.",
  ], ["OK"]);
  const m = classify(notice.window, notice.tree)!;
  assert.equal(m.id, "password-expiry");
  assert.deepEqual(m.passwordExpiry, { status: "expired" });
  const warn = message("Password Notice", "Your password will expire in 12 days.", ["OK"], {
    kind: "frame",
  });
  assert.deepEqual(classify(warn.window, warn.tree)?.passwordExpiry, {
    status: "warning",
    days: 12,
  });
});

Deno.test("connecting attempt parsing", () => {
  assert.deepEqual(
    parseConnecting("Attempt 4: connecting to server (trying for another 12 seconds)"),
    { attempt: 4, secondsLeft: 12 },
  );
  assert.deepEqual(parseConnecting("trying for another 1 second"), { secondsLeft: 1 });
  assert.equal(parseConnecting("Connecting to server..."), undefined);
});

Deno.test("a custom catalogue can be injected (tests of the session)", () => {
  const f = message("Anything", "x", ["Go"]);
  const m = classify(f.window, f.tree, {
    catalogue: [{
      id: "go",
      match: { anyButton: ["go"] },
      action: { kind: "click", buttons: ["Go"] },
      fact: "test",
    }],
  })!;
  assert.equal(m.id, "go");
  assert.equal(m.button, "Go");
});

// ---- Trader Workstation

Deno.test("TWS: its login frame, and the same frame turned into the 2FA screen (1016+)", () => {
  const login = twsLoginFrame();
  assert.equal(classify(login.window, login.tree)?.id, "tws-login");
  const code = win("Login", "frame", [
    label("Second Factor Authentication"),
    label("Enter Mobile Authenticator app code"),
    node("text", "u", { text: "", editable: true }),
    button("Enter Read Only"),
    button("OK"),
  ], { modal: false });
  const m = classify(code.window, code.tree);
  assert.equal(m?.id, "second-factor");
  assert.equal(m?.secondFactor?.variant, "code-entry");
  const push = win("Login", "frame", [
    label("Second Factor Authentication"),
    textarea("Check your IBKR Mobile app: a notification was sent to your IB Key device."),
    button("Cancel"),
  ], { modal: false });
  assert.equal(classify(push.window, push.tree)?.secondFactor?.variant, "push");
  // The main window with File > Lock Application is the logged-in signal.
  const main = twsMainWindow({ mosaic: true });
  assert.equal(classify(main.window, main.tree)?.id, "tws-main-window");
});
