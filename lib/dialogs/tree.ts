/**
 * Pure helpers over a window's component tree (`ComponentNode` from lib/ui/port.ts): the texts a
 * dialog shows, and lookups by role, text and name under the port's text rules (lib/ui/text.ts).
 * No I/O here; the catalogue matcher and the session's flows both build on these.
 */

import type { ComponentNode, Role } from "../ui/port.ts";
import { containsText, MESSAGE_ROLES, normalise, sameText, WHOLE_TEXT_ROLES } from "../ui/text.ts";

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

/** Texts of every text area / text pane, normalised, in tree order. */
export function textAreas(tree: ComponentNode): string[] {
  return byRole(tree, "textarea").map((n) => normalise(n.text)).filter((t) => t.length > 0);
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

/**
 * Finds nodes by whole text (case-insensitive, trimmed). `roles` defaults to every whole-text
 * role (buttons, toggles, check boxes, radios, menu items, tree nodes, list items).
 */
export function findByText(
  tree: ComponentNode,
  text: string,
  roles: readonly Role[] = WHOLE_TEXT_ROLES,
): ComponentNode[] {
  return nodes(tree).filter((n) => roles.includes(n.role) && sameText(textOf(n), text));
}

/** Finds labels and text areas whose text contains `substring` (case-insensitive). */
export function findMessage(tree: ComponentNode, substring: string): ComponentNode[] {
  return byRole(tree, ...MESSAGE_ROLES).filter((n) =>
    containsText(n.role === "textarea" ? n.text : textOf(n), substring)
  );
}

/** Finds nodes by `Component.getName()`, exactly. */
export function findByName(tree: ComponentNode, name: string): ComponentNode[] {
  return nodes(tree).filter((n) => n.name === name);
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
 * The n-th text field (0-based) in depth-first pre-order, password fields included: IBC's rule
 * for the login fields (#0 user, #1 password). Hidden fields count too, as in IBC and the agent.
 */
export function nthTextField(tree: ComponentNode, n: number): ComponentNode | undefined {
  return byRole(tree, "text", "password")[n];
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

/**
 * The combined visible text of a window, one line per component that shows text: labels, text
 * areas, buttons, toggles, menus, tree nodes, list items and read-only fields. Editable fields
 * and passwords are left out: they hold what someone typed, not what the window says.
 */
export function windowText(tree: ComponentNode): string {
  const lines: string[] = [];
  for (const n of nodes(visible(tree))) {
    if (n.role === "password" || n.role === "window") continue;
    // Text areas stay even when editable: Gateway rarely marks its message areas read-only.
    if (n.role === "text" && n.editable !== false) continue;
    if (n.role === "combo") {
      if (n.text) lines.push(normalise(n.text));
      continue;
    }
    if (n.role === "list") {
      // Items come as listitem children; an adapter that only fills `items` still counts.
      if (!n.children.some((c) => c.role === "listitem")) {
        lines.push(...(n.items ?? []).map(normalise).filter((t) => t.length > 0));
      }
      continue;
    }
    const t = n.role === "textarea" || n.role === "text" ? normalise(n.text) : textOf(n);
    if (t) lines.push(t);
  }
  return lines.join("\n");
}
