/**
 * Turns the dialog catalogue's verdict on a window (lib/dialogs) into the session's `Intent`:
 * which button of this build to press, which variant of the second-factor dialog this is, how
 * long IBKR says to wait. The catalogue says what a window is; this says what the session needs
 * from it, for the mode it runs.
 */

import {
  classify,
  CONFIRM,
  type DialogRule,
  EXISTING_SESSION,
  LOGIN,
  type Match,
  NOTICE_DISMISS,
  SECOND_FACTOR,
  TWS,
} from "../dialogs/mod.ts";
import { firstButton, messages } from "../dialogs/tree.ts";
import type { Config } from "../config/mod.ts";
import type { ComponentNode, WindowInfo } from "../ui/port.ts";
import type { Intent } from "./types.ts";
import type { Mode } from "../config/mod.ts";

/** The intent of a classified window. */
export function intentOf(match: Match | undefined, tree: ComponentNode, mode: Mode): Intent {
  if (!match) return { kind: "unknown" };
  const a = match.action;
  switch (a.kind) {
    case "click":
      return match.button
        ? { kind: "click", button: match.button }
        : { kind: "wait", why: "no listed button present" };
    case "close":
      return { kind: "close" };
    case "wait":
      return match.id === "connecting-modal" || match.id === "stuck-connecting"
        ? { kind: "connecting" }
        : { kind: "wait", why: a.why };
    case "observe":
      return a.signal === "logged-in" ? { kind: "splash" } : { kind: "wait", why: a.signal };
    case "alert":
      return {
        kind: "alert",
        token: a.token,
        reason: a.reason,
        dismiss: match.button,
        halt: a.halt,
      };
    case "flow":
      break;
  }
  switch (a.flow) {
    case "login":
      return {
        kind: "login-frame",
        loginButtons: [...(mode === "paper" ? LOGIN.paperButton : LOGIN.liveButton)],
        apiToggle: firstButton(tree, LOGIN.apiToggle),
        modeToggle: firstButton(tree, mode === "paper" ? LOGIN.paperToggle : LOGIN.liveToggle),
      };
    case "second-factor": {
      const readOnly = firstButton(tree, [TWS.enterReadOnly]);
      const intent = secondFactorIntent(match, tree);
      return readOnly && intent.kind === "second-factor"
        ? { ...intent, readOnlyButton: readOnly }
        : intent;
    }
    case "existing-session":
      return {
        kind: "existing-session",
        continueButton: firstButton(tree, EXISTING_SESSION.proceed),
        giveWayButton: firstButton(tree, EXISTING_SESSION.giveWay),
      };
    case "trading-login-handoff":
      return {
        kind: "existing-session",
        continueButton: firstButton(tree, EXISTING_SESSION.handoff),
      };
    case "relogin":
      return { kind: "relogin", button: firstButton(tree, EXISTING_SESSION.relogin) };
    case "too-many-attempts":
      return {
        kind: "too-many-attempts",
        waitMs: (match.waitSeconds ?? 60) * 1000,
        dismiss: firstButton(tree, NOTICE_DISMISS),
      };
    case "bad-credentials":
    case "login-failed":
      return {
        kind: "login-failed",
        reason: a.flow === "bad-credentials" ? "bad-credentials" : "other",
        text: match.text,
        dismiss: firstButton(tree, NOTICE_DISMISS),
      };
    case "login-unavailable": {
      const b = firstButton(tree, NOTICE_DISMISS);
      return b ? { kind: "click", button: b } : { kind: "wait", why: "login service unavailable" };
    }
    case "password-expiry":
      return {
        kind: "password-expiry",
        status: match.passwordExpiry?.status ?? "warning",
        days: match.passwordExpiry?.days,
        dismiss: firstButton(tree, NOTICE_DISMISS),
      };
    case "config-dialog":
      return { kind: "config-dialog" };
    case "api-change-confirm": {
      // Only our own configure step changes API settings, so the prompt is ours to confirm.
      const b = firstButton(tree, CONFIRM);
      return b ? { kind: "click", button: b } : { kind: "wait", why: "no Yes button" };
    }
    case "main-window":
      return { kind: "main-window" };
    case "tws-main-window":
      return { kind: "main-window", loggedIn: true };
    case "exit-confirm":
      return { kind: "exit-confirm", yes: firstButton(tree, CONFIRM) };
  }
  return { kind: "unknown" };
}

/** The second-factor variant of a window the catalogue handed to the second-factor flow. */
function secondFactorIntent(match: Match, tree: ComponentNode): Intent {
  const sf = match.secondFactor ?? { variant: "unknown" as const };
  switch (sf.variant) {
    case "code-entry": {
      // A refused code is reported inside the same dialog (the content changes in place).
      const error = messages(tree).find((m) => SECOND_FACTOR.codeRefused.test(m));
      return {
        kind: "second-factor",
        variant: "code",
        prompt: sf.prompt,
        ...(error ? { error } : {}),
      };
    }
    case "device-selection":
      return { kind: "second-factor", variant: "device", devices: sf.items };
    case "push":
      return {
        kind: "second-factor",
        variant: "push",
        prompt: sf.text,
        ...(sf.changeDevice ? { changeDevice: sf.changeDevice } : {}),
      };
    case "passkey":
      return { kind: "second-factor", variant: "passkey" };
    default:
      return { kind: "second-factor", variant: "unknown" };
  }
}

/**
 * A classifier for the shell: catalogue row id and intent, for one mode and configuration.
 * `rules` (the user's rules composed in, SIGHUP-reloadable) is read at every call.
 */
export function makeClassifier(
  config: Config,
  mode: Mode,
  rules?: { readonly catalogue: readonly DialogRule[] },
) {
  const ctx = {
    bypassWarning: config.BYPASS_WARNING,
    settings: { ACCEPT_NON_BROKERAGE_WARNING: config.ACCEPT_NON_BROKERAGE_WARNING },
  };
  return (window: WindowInfo, tree: ComponentNode) => {
    const match = classify(window, tree, { ...ctx, catalogue: rules?.catalogue });
    return {
      rule: match?.id ?? "unknown",
      intent: intentOf(match, tree, mode),
      // The `Gateway` catch-all leaves a dialog alone because nobody knows it: evidence too.
      unknown: !match || (match.action.kind === "wait" && match.action.dump === true),
    };
  };
}
