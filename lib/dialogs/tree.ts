/**
 * Pure helpers over a window's component tree (`ComponentNode` from lib/ui/port.ts): the texts a
 * dialog shows, and lookups by role, text and name under the port's text rules (lib/ui/text.ts).
 * No I/O here; the catalogue matcher and the session's flows both build on these.
 */

import type { ComponentNode, Role } from "../ui/port.ts";
import { MESSAGE_ROLES, normalise, sameText } from "../ui/text.ts";

/**
 * The text a node shows: its text, else its accessible name (AT-SPI reports a label's text as
 * its name; icon-only buttons have only a name).
 */
export function textOf(node: ComponentNode): string {
  return normalise(node.text ?? node.accessibleName);
}

/** Every node of the tree, depth-first pre-order (the order IBC's text-field index uses). */
export function nodes(tree: ComponentNode): ComponentNode[] {
  const out: ComponentNode[] = [];
  const stack: ComponentNode[] = [tree];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return out;
}

/**
 * The tree with hidden subtrees removed. Gateway swaps panels in place (the 2FA dialog turns from
 * a device list into a code prompt), so what is not showing is not what the user sees. Two
 * exceptions: a root that is not showing yet (snapshot taken while the window opens) is kept
 * whole, and a menu's items are kept (they live in a popup that shows only while the menu is
 * open, yet the main window is recognised by them).
 */
export function visible(tree: ComponentNode): ComponentNode {
  if (!tree.showing) return tree;
  const prune = (n: ComponentNode): ComponentNode =>
    n.role === "menu" ? n : {
      ...n,
      children: n.children.filter((c) => c.showing).map(prune),
    };
  return prune(tree);
}

/** Nodes having one of `roles`. */
export function byRole(tree: ComponentNode, ...roles: Role[]): ComponentNode[] {
  return nodes(tree).filter((n) => roles.includes(n.role));
}

/** Texts of every button and toggle that has one, normalised, in tree order. */
export function buttons(tree: ComponentNode): string[] {
  return byRole(tree, "button", "toggle").map(textOf).filter((t) => t.length > 0);
}

/** Texts of every label, normalised, in tree order. */
export function labels(tree: ComponentNode): string[] {
  return byRole(tree, "label").map(textOf).filter((t) => t.length > 0);
}

/** The message texts of a window: labels and text areas (what IBC matches by substring). */
export function messages(tree: ComponentNode): string[] {
  return byRole(tree, ...MESSAGE_ROLES)
    .map((n) => n.role === "textarea" ? normalise(n.text) : textOf(n))
    .filter((t) => t.length > 0);
}

/** Texts of menus and menu items, normalised (the main window is recognised by `About ...`). */
export function menuItems(tree: ComponentNode): string[] {
  return byRole(tree, "menu", "menuitem").map(textOf).filter((t) => t.length > 0);
}

/** The first button (or toggle) of these whole texts present in the tree, in the given order. */
export function firstButton(tree: ComponentNode, texts: readonly string[]): string | undefined {
  const present = buttons(tree);
  for (const t of texts) {
    const hit = present.find((b) => sameText(b, t));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/**
 * Items of the n-th list (0-based), trimmed and normalised: from the list's `items`, else from
 * its `listitem` children.
 */
export function listItems(tree: ComponentNode, n = 0): string[] {
  const list = byRole(tree, "list")[n];
  if (!list) return [];
  const raw = list.items ??
    list.children.filter((c) => c.role === "listitem").map((c) => c.text ?? "");
  return raw.map(normalise).filter((t) => t.length > 0);
}
