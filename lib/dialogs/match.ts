/**
 * The matcher: which catalogue row owns a window, with the evidence that decided it and the facts
 * the session needs from the window's text (seconds to wait, password expiry, the 2FA variant,
 * the connecting attempt). Pure functions of (window, tree, context): no I/O, no clock.
 */

import type { ComponentNode, Role, WindowInfo, WindowKind } from "../ui/port.ts";
import { SCHEMA } from "../config/schema.ts";
import {
  type Action,
  type BoolSetting,
  CATALOGUE,
  type Clause,
  type DialogRule,
  disclaimerLabels,
  SECOND_FACTOR,
  type WindowMatch,
} from "./catalogue.ts";
import {
  buttons,
  byRole,
  firstButton,
  listItems,
  menuItems,
  messages,
  nodes,
  textOf,
  visible,
} from "./tree.ts";
import { normalise, sameText } from "../ui/text.ts";

/** What the session knows that changes matching. */
export interface ClassifyContext {
  /** BYPASS_WARNING as configured (extends the disclaimer allowlist). */
  bypassWarning?: readonly string[];
  /** Values of boolean settings that enable rows; unset ones take the schema default. */
  settings?: Partial<Record<BoolSetting, boolean | undefined>>;
  /** Another catalogue (tests); the real one by default. */
  catalogue?: readonly DialogRule[];
}

/** Which catalogue strings decided the match (never the window's own field values). */
export interface Evidence {
  title?: string;
  buttons?: string[];
  texts?: string[];
  patterns?: string[];
  menuItems?: string[];
  roles?: Role[];
  kind?: WindowKind;
  toolkit?: "swing" | "javafx";
  modal?: boolean;
}

/** Password expiry as the notice states it. */
export interface PasswordExpiry {
  status: "warning" | "expired";
  /** Days left, when a warning says so. */
  days?: number;
}

/** The variant of a second-factor window. */
export type SecondFactor =
  /** A code field: `prompt` is the `Enter ... code` label, `method` the words between. */
  | { variant: "code-entry"; prompt?: string; method?: string }
  /** A device list (`Select second factor device`): its items, trimmed. */
  | { variant: "device-selection"; items: string[] }
  /**
   * No field, no list: a push to IB Key. `changeDevice` is the text of the 10.47+ link to the
   * device list when the screen has one (a button or a clickable label).
   */
  | { variant: "push"; text: string; changeDevice?: string }
  /** A passkey ceremony: cannot be completed unattended. `button` is the Authenticate button. */
  | { variant: "passkey"; button?: string }
  /** Nothing recognisable yet (the dialog is still being built). */
  | { variant: "unknown" };

/** `Attempt N: connecting to server (trying for another XX seconds)`. */
export interface Connecting {
  attempt?: number;
  secondsLeft?: number;
}

/** The result of {@link classify}. */
export interface Match {
  /** The owning row's id. */
  id: string;
  rule: DialogRule;
  /**
   * The action to perform: the row's, except that a row disabled by its setting becomes a wait,
   * and the disclaimer click list is the resolved allowlist.
   */
  action: Action;
  /** Set when the row's setting is off (the action is then a wait). */
  disabledBy?: BoolSetting;
  /** For click and alert-with-dismiss actions: the first listed button present in the window. */
  button?: string;
  evidence: Evidence;
  /** The window's message text (labels and text areas, one per line), for logs. */
  text: string;
  /** Too many attempts: seconds to wait as stated. */
  waitSeconds?: number;
  passwordExpiry?: PasswordExpiry;
  secondFactor?: SecondFactor;
  connecting?: Connecting;
}

/** A window reduced to what rows test. */
interface View {
  title: string;
  buttons: string[];
  messages: string[];
  messageText: string;
  menu: string[];
  roles: Set<Role>;
  window: WindowInfo;
}

function view(window: WindowInfo, tree: ComponentNode): View {
  const msgs = messages(tree);
  return {
    title: normalise(window.title).toLowerCase(),
    buttons: buttons(tree).map((b) => b.toLowerCase()),
    messages: msgs.map((m) => m.toLowerCase()),
    messageText: msgs.join("\n"),
    menu: menuItems(tree).map((m) => m.toLowerCase()),
    roles: new Set(nodes(tree).map((n) => n.role)),
    window,
  };
}

const low = (s: string) => normalise(s).toLowerCase();

/** Tests one clause set; returns its evidence, or undefined when a clause fails. */
function testClause(c: Clause, v: View, disclaimers: readonly string[]): Evidence | undefined {
  const ev: Evidence = {};
  if (c.titleContains) {
    const hit = c.titleContains.find((t) => v.title.includes(low(t)));
    if (hit === undefined) return undefined;
    ev.title = hit;
  }
  if (c.titleEquals) {
    const hit = c.titleEquals.find((t) => v.title === low(t));
    if (hit === undefined) return undefined;
    ev.title = hit;
  }
  if (c.anyButton) {
    const hit = c.anyButton.find((b) => v.buttons.includes(low(b)));
    if (hit === undefined) return undefined;
    ev.buttons = [hit];
  }
  if (c.disclaimerButton) {
    const hit = disclaimers.find((b) => v.buttons.includes(low(b)));
    if (hit === undefined) return undefined;
    ev.buttons = [...(ev.buttons ?? []), hit];
  }
  if (c.anyText) {
    const hit = c.anyText.find((t) => v.messages.some((m) => m.includes(low(t))));
    if (hit === undefined) return undefined;
    ev.texts = [hit];
  }
  if (c.allTexts) {
    if (!c.allTexts.every((t) => v.messages.some((m) => m.includes(low(t))))) return undefined;
    ev.texts = [...(ev.texts ?? []), ...c.allTexts];
  }
  if (c.anyPattern) {
    const hit = c.anyPattern.find((p) => {
      p.lastIndex = 0;
      return p.test(v.messageText);
    });
    if (hit === undefined) return undefined;
    ev.patterns = [String(hit)];
  }
  if (c.anyMenuItem) {
    const hit = c.anyMenuItem.find((m) => v.menu.includes(low(m)));
    if (hit === undefined) return undefined;
    ev.menuItems = [hit];
  }
  if (c.anyRole) {
    const hit = c.anyRole.find((r) => v.roles.has(r));
    if (hit === undefined) return undefined;
    ev.roles = [hit];
  }
  if (c.kind) {
    if (!c.kind.includes(v.window.kind)) return undefined;
    ev.kind = v.window.kind;
  }
  if (c.toolkit) {
    if (v.window.toolkit !== c.toolkit) return undefined;
    ev.toolkit = c.toolkit;
  }
  if (c.modal !== undefined) {
    if (v.window.modal !== c.modal) return undefined;
    ev.modal = c.modal;
  }
  return ev;
}

function testMatch(m: WindowMatch, v: View, disclaimers: readonly string[]): Evidence | undefined {
  const ev = testClause(m, v, disclaimers);
  if (!ev) return undefined;
  const guards: readonly Clause[] = m.unless === undefined
    ? []
    : Array.isArray(m.unless)
    ? m.unless
    : [m.unless as Clause];
  if (guards.some((g) => testClause(g, v, disclaimers) !== undefined)) return undefined;
  return ev;
}

function settingOn(name: BoolSetting, ctx: ClassifyContext): boolean {
  const set = ctx.settings?.[name];
  if (set !== undefined) return set;
  return (SCHEMA[name] as { default?: boolean }).default ?? false;
}

/**
 * The first catalogue row that matches the window, with its evidence and the facts parsed from
 * the window's text; undefined when no row matches (an unknown window: dump it, see dump.ts).
 * Hidden subtrees are ignored (see tree.ts `visible`).
 */
export function classify(
  window: WindowInfo,
  tree: ComponentNode,
  ctx: ClassifyContext = {},
): Match | undefined {
  const shown = visible(tree);
  const v = view(window, shown);
  const allow = disclaimerLabels(ctx.bypassWarning ?? []).labels;
  for (const rule of ctx.catalogue ?? CATALOGUE) {
    const alternatives: readonly WindowMatch[] = Array.isArray(rule.match)
      ? rule.match
      : [rule.match as WindowMatch];
    let evidence: Evidence | undefined;
    for (const alt of alternatives) {
      evidence = testMatch(alt, v, allow);
      if (evidence) break;
    }
    if (!evidence) continue;
    return finish(rule, evidence, v, shown, allow, ctx);
  }
  return undefined;
}

function finish(
  rule: DialogRule,
  evidence: Evidence,
  v: View,
  tree: ComponentNode,
  allow: readonly string[],
  ctx: ClassifyContext,
): Match {
  let action: Action = rule.action;
  if (action.kind === "click" && action.extendedBy === "BYPASS_WARNING") {
    action = { ...action, buttons: allow };
  }
  const match: Match = { id: rule.id, rule, action, evidence, text: v.messageText };
  if (rule.enabledBy && !settingOn(rule.enabledBy, ctx)) {
    match.disabledBy = rule.enabledBy;
    match.action = { kind: "wait", why: `${rule.enabledBy} is off` };
  }
  const clickable = match.action.kind === "click"
    ? match.action.buttons
    : match.action.kind === "alert"
    ? match.action.dismiss
    : undefined;
  if (clickable) {
    const hit = firstButton(tree, clickable);
    if (hit !== undefined) match.button = hit;
  }
  const waitSeconds = parseWaitSeconds(v.messageText);
  if (waitSeconds !== undefined) match.waitSeconds = waitSeconds;
  if (rule.action.kind === "flow" && rule.action.flow === "password-expiry") {
    match.passwordExpiry = parsePasswordExpiry(v.messageText);
  }
  if (rule.action.kind === "flow" && rule.action.flow === "second-factor") {
    match.secondFactor = rule.id === "second-factor"
      ? secondFactorVariant(tree)
      : { variant: "passkey", button: firstButton(tree, SECOND_FACTOR.authenticate) };
  }
  const connecting = parseConnecting(v.messageText);
  if (connecting) match.connecting = connecting;
  return match;
}

/**
 * Seconds to wait from `Please wait 53 seconds`, `Please wait 4 minutes & 47 seconds` (also
 * hours, `and`, `1 minute`); undefined when the text states no wait.
 */
export function parseWaitSeconds(text: string): number | undefined {
  const m =
    /\bplease wait\s+((?:\d+\s*(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)\b[\s,&]*(?:and\s+)?)+)/i
      .exec(text);
  if (!m) return undefined;
  let total = 0;
  for (const part of m[1].matchAll(/(\d+)\s*(hours?|hrs?|minutes?|mins?|seconds?|secs?)/gi)) {
    const n = parseInt(part[1], 10);
    const unit = part[2].toLowerCase();
    total += unit.startsWith("h") ? n * 3600 : unit.startsWith("m") ? n * 60 : n;
  }
  return total;
}

/**
 * Password expiry from a notice: `has expired` / `is expired` -> expired; `will expire`,
 * `expires in N days` -> warning, with the days when stated (`expire(s) in N day(s)`, `within`,
 * `today` = 0, `tomorrow` = 1).
 */
export function parsePasswordExpiry(text: string): PasswordExpiry {
  const t = normalise(text);
  if (/\b(?:has|have|is|was)\s+(?:already\s+)?expired\b/i.test(t)) return { status: "expired" };
  const out: PasswordExpiry = { status: "warning" };
  const days = /\bexpires?\s+(?:in|within)\s+(\d+)\s+days?\b/i.exec(t);
  if (days) out.days = parseInt(days[1], 10);
  else if (/\bexpires?\s+today\b/i.test(t)) out.days = 0;
  else if (/\bexpires?\s+tomorrow\b/i.test(t)) out.days = 1;
  return out;
}

/** `Attempt 3: connecting to server (trying for another 41 seconds)` -> attempt 3, 41 s left. */
export function parseConnecting(text: string): Connecting | undefined {
  const attempt = /\battempt\s+(\d+)\s*:\s*connecting to server\b/i.exec(text);
  const left = /\btrying for another\s+(\d+)\s+seconds?\b/i.exec(text);
  if (!attempt && !left) return undefined;
  const out: Connecting = {};
  if (attempt) out.attempt = parseInt(attempt[1], 10);
  if (left) out.secondsLeft = parseInt(left[1], 10);
  return out;
}

/**
 * Which second-factor variant a window shows, checked in this order (sources.md peers A4): passkey
 * (`use your passkey device` or an Authenticate button), device selection (the `Select second
 * factor device` text or a list), code entry (an editable field; the `Enter ... code` prompt when
 * present), else push (text but no field), else unknown.
 */
export function secondFactorVariant(tree: ComponentNode): SecondFactor {
  const shown = visible(tree);
  const msgs = messages(shown);
  const has = (s: string) => msgs.some((m) => m.toLowerCase().includes(s.toLowerCase()));
  const authenticate = firstButton(shown, SECOND_FACTOR.authenticate);
  if (has(SECOND_FACTOR.passkeyText) || authenticate !== undefined) {
    return { variant: "passkey", button: authenticate };
  }
  const lists = byRole(shown, "list");
  if (has(SECOND_FACTOR.selectDevice) || lists.length > 0) {
    return { variant: "device-selection", items: listItems(shown, 0) };
  }
  const fields = byRole(shown, "text", "password").filter((f) => f.editable !== false);
  if (fields.length > 0) {
    for (const n of byRole(shown, "label", "textarea")) {
      const t = n.role === "textarea" ? normalise(n.text) : textOf(n);
      const m = SECOND_FACTOR.codePrompt.exec(t);
      if (m) return { variant: "code-entry", prompt: t, method: m[1] };
    }
    return { variant: "code-entry" };
  }
  // The dialog's own heading repeats its title; a push says more than that.
  const body = msgs.filter((m) => !SECOND_FACTOR.titles.some((t) => sameText(m, t)));
  const link = firstButton(shown, SECOND_FACTOR.changeDevice) ??
    byRole(shown, "label").map(textOf).find((t) =>
      SECOND_FACTOR.changeDevice.some((c) => sameText(t, c))
    );
  if (body.length > 0) {
    return { variant: "push", text: body.join("\n"), ...(link ? { changeDevice: link } : {}) };
  }
  return { variant: "unknown" };
}
