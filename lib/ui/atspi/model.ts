/**
 * Owns the pure half of the AT-SPI adapter: AT-SPI role names and state bits mapped onto the UI
 * port's model (lib/ui/port.ts), and the port's matching rules applied to a flattened component
 * tree. Nothing here talks to D-Bus, so every rule is unit-testable.
 *
 * `Target.name` (Swing's `Component.getName()`) does not exist in AT-SPI: the Java bridge exposes
 * the accessible name, description and role only. The adapter therefore rejects `name` targets
 * with `UiError("unsupported")` rather than silently matching something else (docs/atspi.md).
 */

import { type ComponentNode, type Role, type Target, UiError, type WindowKind } from "../port.ts";
import { containsText, sameText, WHOLE_TEXT_ROLES } from "../text.ts";

/** AT-SPI state numbers (AtspiStateType) the adapter reads. */
export const State = {
  ACTIVE: 1,
  CHECKED: 4,
  EDITABLE: 7,
  ENABLED: 8,
  EXPANDABLE: 9,
  EXPANDED: 10,
  FOCUSED: 12,
  MODAL: 16,
  MULTI_LINE: 17,
  SELECTED: 23,
  SENSITIVE: 24,
  SHOWING: 25,
  VISIBLE: 30,
  DEFUNCT: 6,
} as const;

/** Decodes `GetState`'s two 32-bit words into a set of AtspiStateType numbers. */
export function decodeStates(words: readonly number[]): Set<number> {
  const out = new Set<number>();
  words.forEach((word, i) => {
    for (let bit = 0; bit < 32; bit++) {
      if ((word >>> bit) & 1) out.add(i * 32 + bit);
    }
  });
  return out;
}

/** AT-SPI role names (`GetRoleName`) that map onto the port's roles. */
const ROLE_MAP: Record<string, Role> = {
  "frame": "window",
  "dialog": "window",
  "window": "window",
  "alert": "window",
  "file chooser": "window",
  "panel": "panel",
  "root pane": "panel",
  "layered pane": "panel",
  "glass pane": "panel",
  "scroll pane": "panel",
  "viewport": "panel",
  "split pane": "panel",
  "option pane": "panel",
  "page tab list": "panel",
  "page tab": "panel",
  "tool bar": "panel",
  "internal frame": "panel",
  "filler": "panel",
  "push button": "button",
  "toggle button": "toggle",
  "check box": "checkbox",
  "radio button": "radio",
  "label": "label",
  "text": "text",
  "entry": "text",
  "password text": "password",
  "paragraph": "textarea",
  "html container": "textarea",
  "document frame": "textarea",
  "combo box": "combo",
  "list": "list",
  "list item": "listitem",
  "tree": "tree",
  "tree table": "tree",
  "tree item": "treenode",
  "menu bar": "menubar",
  "menu": "menu",
  "menu item": "menuitem",
  "check menu item": "menuitem",
  "radio menu item": "menuitem",
  "progress bar": "progress",
};

/**
 * Maps an AT-SPI role name to the port's role. The Java bridge reports JList cells and JTree
 * nodes with their renderer's role (`label`), so the parent's role decides; a multi-line `text`
 * (JTextArea) is a `textarea`.
 */
export function mapRole(roleName: string, parentRole: Role | undefined, states: Set<number>): Role {
  if (parentRole === "list" || parentRole === "combo") return "listitem";
  if (parentRole === "tree" || parentRole === "treenode") return "treenode";
  const role = ROLE_MAP[roleName] ?? "other";
  if (role === "text" && states.has(State.MULTI_LINE)) return "textarea";
  return role;
}

/** The window kind for a top-level accessible's role name. */
export function windowKind(roleName: string): WindowKind {
  if (roleName === "frame") return "frame";
  if (roleName === "dialog" || roleName === "alert" || roleName === "file chooser") return "dialog";
  return "window";
}

/** Roles a text field search (`label`, `index` with role text) may return. */
const FIELD_ROLES = new Set<Role>(["text", "password", "textarea", "combo"]);

/** A node of a flattened (depth-first pre-order) tree, with whatever handle the adapter needs. */
export interface FlatNode<H> {
  node: ComponentNode;
  handle: H;
  depth: number;
}

/** Flattens a tree in depth-first pre-order, pairing each node with its handle. */
export function flatten<H>(
  root: ComponentNode,
  handleOf: (node: ComponentNode) => H,
): FlatNode<H>[] {
  const out: FlatNode<H>[] = [];
  const visit = (node: ComponentNode, depth: number) => {
    out.push({ node, handle: handleOf(node), depth });
    for (const child of node.children) visit(child, depth + 1);
  };
  visit(root, 0);
  return out;
}

/** Describes a target for error messages (never a value). */
export function describeTarget(target: Target): string {
  return Object.entries(target).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ");
}

/**
 * Finds the component a target designates in a flattened window tree, applying the port's rules:
 * `text` whole-text on buttons, toggles, checkboxes, radios, menu items, tree nodes and list
 * items (or substring on labels and text areas when `role` asks for them); `label` substring on a
 * label, then the field the label names (the bridge gives the field the label's text as its
 * accessible name) or the first field / toggle that follows it; `index` the n-th component of
 * `role` (default `text`) in pre-order. Only showing components are considered.
 * Throws `UiError("unsupported")` for `name` and `UiError("not_found")` when nothing matches.
 */
export function findTarget<H>(flat: FlatNode<H>[], target: Target): FlatNode<H> {
  const showing = flat.filter((f) => f.node.showing);
  const roleOk = (f: FlatNode<H>) => !target.role || f.node.role === target.role;
  let hit: FlatNode<H> | undefined;
  if (target.name !== undefined) {
    throw new UiError(
      "unsupported",
      "AT-SPI cannot see Swing component names (Component.getName()); target by text, label or index",
    );
  } else if (target.text !== undefined) {
    const want = target.text;
    hit = showing.find((f) =>
      roleOk(f) &&
      ((WHOLE_TEXT_ROLES.includes(f.node.role) && sameText(f.node.text, want)) ||
        (target.role !== undefined && (f.node.role === "label" || f.node.role === "textarea") &&
          containsText(f.node.text, want)))
    );
  } else if (target.label !== undefined) {
    const want = target.label;
    const wanted = (f: FlatNode<H>) =>
      target.role ? f.node.role === target.role : FIELD_ROLES.has(f.node.role) ||
        ["toggle", "checkbox", "radio"].includes(f.node.role);
    const labelIdx = showing.findIndex((f) =>
      f.node.role === "label" && containsText(f.node.text, want)
    );
    if (labelIdx >= 0) {
      const labelText = showing[labelIdx].node.text ?? "";
      // A field labelled with setLabelFor carries the label's text as its accessible name.
      hit = showing.find((f) =>
        wanted(f) && f.node.accessibleName !== undefined &&
        sameText(f.node.accessibleName, labelText)
      ) ?? showing.slice(labelIdx + 1).find(wanted);
    } else {
      hit = showing.find((f) =>
        wanted(f) && f.node.accessibleName !== undefined &&
        containsText(f.node.accessibleName, want)
      );
    }
  } else if (target.index !== undefined) {
    const role = target.role ?? "text";
    const candidates = showing.filter((f) =>
      role === "text" ? f.node.role === "text" || f.node.role === "password" : f.node.role === role
    );
    hit = candidates[target.index];
  } else if (target.role !== undefined) {
    hit = showing.find(roleOk);
  } else {
    throw new UiError("bad_request", "empty target: set one of text, name, label, index");
  }
  if (!hit) throw new UiError("not_found", `no component matches ${describeTarget(target)}`);
  return hit;
}
