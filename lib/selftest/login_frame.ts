/**
 * What the self-test expects on Gateway's login frame, taken from the dialog catalogue (the same
 * strings the login flow clicks), and the pure check of a live window against it. One expectation
 * per control: any of the catalogue's alternatives (one per known Gateway build) will do, and a
 * control none of them names is reported with every alternative, so a renamed control in a new
 * Gateway build shows up as exactly the string that has to be added to lib/dialogs/catalogue.ts.
 */

import { GATEWAY_TITLES, LOGIN, TWS } from "../dialogs/catalogue.ts";
import type { Product } from "../gateway/install.ts";
import { byRole, labels, nodes, textOf, visible } from "../dialogs/tree.ts";
import { containsText, sameText } from "../ui/text.ts";
import type { ComponentNode, Role, WindowInfo } from "../ui/port.ts";

/** One control the catalogue needs on the login frame. */
export interface Expectation {
  /** What it is, for the report: `title`, `live toggle`, `paper Log In button`... */
  what: string;
  /** The catalogue constant it comes from, for whoever adapts the catalogue. */
  source: string;
  /** Where it is looked for. */
  where: "title" | "label" | Role;
  /** Catalogue strings; any one present satisfies it. */
  anyOf: readonly string[];
}

/** The result of one expectation. */
export interface Check extends Expectation {
  /** The alternative found, or undefined when none was. */
  found?: string;
}

/** An expectation: `what` (for the report), its catalogue `source`, `where` and its strings. */
export function expectation(
  what: string,
  source: string,
  where: Expectation["where"],
  anyOf: readonly string[],
): Expectation {
  return { what, source, where, anyOf };
}

/** Expectations that hold whatever trading mode is selected. */
export const FRAME_EXPECTATIONS: readonly Expectation[] = [
  expectation("title", "GATEWAY_TITLES", "title", GATEWAY_TITLES),
  expectation("IB API toggle", "LOGIN.apiToggle", "toggle", LOGIN.apiToggle),
  expectation("FIX CTCI toggle", "LOGIN.fixToggle", "toggle", LOGIN.fixToggle),
  expectation("live trading toggle", "LOGIN.liveToggle", "toggle", LOGIN.liveToggle),
  expectation("paper trading toggle", "LOGIN.paperToggle", "toggle", LOGIN.paperToggle),
  expectation("trading mode label", "LOGIN.tradingModeLabel", "label", [LOGIN.tradingModeLabel]),
];

/** TWS's login frame: its own title and no IB API / FIX CTCI selector (sources.md IBC 5.1). */
export const TWS_FRAME_EXPECTATIONS: readonly Expectation[] = [
  expectation("title", "TWS.loginTitles", "title", TWS.loginTitles),
  ...FRAME_EXPECTATIONS.filter((e) =>
    e.anyOf === LOGIN.liveToggle || e.anyOf === LOGIN.paperToggle
  ),
];

/** The frame expectations of a product. */
export function frameExpectations(product: Product): readonly Expectation[] {
  return product === "tws" ? TWS_FRAME_EXPECTATIONS : FRAME_EXPECTATIONS;
}

/** The Log In button of a trading mode (Gateway relabels one button when the mode changes). */
export function logInExpectation(mode: "live" | "paper"): Expectation {
  return mode === "live"
    ? expectation("live Log In button", "LOGIN.liveButton", "button", LOGIN.liveButton)
    : expectation("paper Log In button", "LOGIN.paperButton", "button", LOGIN.paperButton);
}

/** The alternative of `e` the window shows, or undefined. */
function find(e: Expectation, window: WindowInfo, tree: ComponentNode): string | undefined {
  if (e.where === "title") return e.anyOf.find((s) => containsText(window.title, s));
  if (e.where === "label") return e.anyOf.find((s) => labels(tree).some((l) => containsText(l, s)));
  const texts = byRole(tree, e.where).map(textOf);
  return e.anyOf.find((s) => texts.some((t) => sameText(t, s)));
}

/** Checks `expectations` against the showing part of the window. */
export function checkWindow(
  window: WindowInfo,
  tree: ComponentNode,
  expectations: readonly Expectation[],
): Check[] {
  const shown = visible(tree);
  return expectations.map((e) => ({ ...e, found: find(e, window, shown) }));
}

/**
 * The trading mode whose toggle is selected, by the catalogue's toggle texts; undefined when
 * neither toggle is found or selected (a renamed toggle: the checks name it).
 */
export function selectedMode(tree: ComponentNode): "live" | "paper" | undefined {
  const toggles = byRole(visible(tree), "toggle", "radio").filter((n) => n.selected);
  const has = (names: readonly string[]) =>
    toggles.some((n) => names.some((s) => sameText(textOf(n), s)));
  if (has(LOGIN.paperToggle)) return "paper";
  if (has(LOGIN.liveToggle)) return "live";
  return undefined;
}

/**
 * Whether a window looks like the login frame even when its strings changed: a frame with a
 * password field (what the catalogue's fallback login row uses), or a Gateway title with a
 * Log In button. Used to stop waiting, not to pass the check.
 */
export function looksLikeLoginFrame(window: WindowInfo, tree: ComponentNode): boolean {
  const shown = visible(tree);
  if (window.kind === "frame" && nodes(shown).some((n) => n.role === "password")) return true;
  const title = GATEWAY_TITLES.some((t) => containsText(window.title, t));
  const buttons = byRole(shown, "button").map(textOf);
  return title &&
    [...LOGIN.liveButton, ...LOGIN.paperButton].some((b) => buttons.some((t) => sameText(t, b)));
}

/** One line per check for the report: `ok` or `MISSING`, what, and the strings. */
export function reportLines(checks: readonly Check[]): string[] {
  return checks.map((c) =>
    c.found !== undefined
      ? `ok       ${c.what}: ${JSON.stringify(c.found)}`
      : `MISSING  ${c.what}: none of ${c.anyOf.map((s) => JSON.stringify(s)).join(", ")} ` +
        `(${c.where}; lib/dialogs/catalogue.ts ${c.source})`
  );
}
