/**
 * The UI port: everything the controller may observe in Gateway's GUI and do to it. Two adapters
 * implement it: the in-JVM agent (lib/ui/agent/, primary) and AT-SPI over D-Bus (lib/ui/atspi/).
 * The session and the dialog catalogue depend only on this file, so either adapter can drive them.
 *
 * Matching rules are the ones IBC established (sources.md IBC 1), and every adapter applies
 * them the same way:
 * - button, toggle, checkbox, radio, menu item, tree node and list item texts: whole text,
 *   case-insensitive, surrounding white space ignored;
 * - labels and text areas: case-insensitive substring;
 * - component names (`Component.getName()`): exact.
 */

import { NamedError } from "../util/errors.ts";

/** The kinds of top-level window. */
export const WINDOW_KINDS = ["frame", "dialog", "window"] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

/** A top-level window as the adapters report it. */
export interface WindowInfo {
  /** Stable for the life of the window; never reused for another window. */
  id: string;
  /** Title as shown (may be empty). */
  title: string;
  /** Implementation class (for example `javax.swing.JDialog`), or the AT-SPI role name. */
  className: string;
  kind: WindowKind;
  modal: boolean;
  showing: boolean;
  /** Which toolkit owns the window: Gateway's `Login Messages` window is JavaFX. */
  toolkit: "swing" | "javafx";
}

/** Normalised component roles shared by both adapters. */
export const ROLES = [
  "window",
  "panel",
  "button",
  "toggle",
  "checkbox",
  "radio",
  "label",
  "text",
  "password",
  "textarea",
  "combo",
  "list",
  "listitem",
  "tree",
  "treenode",
  "menubar",
  "menu",
  "menuitem",
  "progress",
  "other",
] as const;
export type Role = (typeof ROLES)[number];

/** One node of a window's component tree. Passwords never appear: only their length. */
export interface ComponentNode {
  role: Role;
  /** Implementation class simple name (`JButton`, `JPasswordField`, ...) or AT-SPI role name. */
  type: string;
  /** `Component.getName()` (Swing) when set. */
  name?: string;
  /** Accessible name, when it differs from the text or there is no text. */
  accessibleName?: string;
  /** Visible text: button/label/field text, tree node or list item text. Masked for passwords. */
  text?: string;
  /** For password fields: the number of characters, never the characters. */
  passwordLength?: number;
  enabled: boolean;
  showing: boolean;
  /** Toggles, checkboxes, radios, list items, tree nodes. */
  selected?: boolean;
  editable?: boolean;
  /** Lists and combos: the rendered items in order. Trees: top-level node texts. */
  items?: string[];
  children: ComponentNode[];
}

/** How a component is found inside one window. Exactly one of the selectors should be set. */
export interface Target {
  /** Whole visible text (buttons, toggles, checkboxes, radios), case-insensitive. */
  text?: string;
  /** `Component.getName()`, exact. For `Socket port`-style composite components the first text field inside. */
  name?: string;
  /** A label's text (substring, case-insensitive): the field or toggle it labels or that follows it. */
  label?: string;
  /** The n-th component of the role in a depth-first pre-order walk (IBC's text-field rule). */
  index?: number;
  /** Restricts the search to one role (for example `text` for `index`). */
  role?: Role;
}

/** Options of {@link UiPort.click}. */
export interface ClickOptions {
  /**
   * Enable a disabled button before clicking it (IBC force-enables disabled buttons). Off by
   * default: a disabled button is reported as `disabled`. Adapters that cannot do this reject
   * with `unsupported`.
   */
  force?: boolean;
}

/** Events pushed by an adapter. */
export type UiEvent =
  | { type: "window-opened"; window: WindowInfo; at: number }
  | { type: "window-activated"; window: WindowInfo; at: number }
  | { type: "window-closed"; windowId: string; title: string; at: number }
  | { type: "disconnected"; reason: string; at: number };

/** Error raised by adapters; `code` is stable and documented in docs/agent-protocol.md. */
export class UiError extends NamedError {
  constructor(
    /** For example `not_found`, `timeout`, `unsupported`, `disconnected`, `bad_request`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A window painted as a person sees it, with typed-in fields painted empty. */
export interface WindowPicture {
  width: number;
  height: number;
  png: Uint8Array;
}

/** The port itself. Every method rejects with `UiError` on failure. */
export interface UiPort {
  /** Which channel this is, for logs and metrics. */
  readonly channel: "agent" | "atspi";
  /** Showing top-level windows. */
  windows(): Promise<WindowInfo[]>;
  /** The component tree of one window. */
  snapshot(windowId: string): Promise<ComponentNode>;
  /** Clicks a button (or toggle) without waiting for a modal it may open to close. */
  click(windowId: string, target: Target, opts?: ClickOptions): Promise<void>;
  /** Replaces a text field's text. */
  setText(windowId: string, target: Target, value: string): Promise<void>;
  /** Sets a toggle, checkbox or radio to the wanted state (clicks only when needed). */
  setSelected(windowId: string, target: Target, selected: boolean): Promise<void>;
  /** Selects a JTree node by its path of node texts below the (unnamed) root. */
  selectTreePath(windowId: string, path: string[]): Promise<void>;
  /** Selects a JList item by text (whole, case-insensitive, trimmed). */
  selectListItem(windowId: string, item: string, target?: Target): Promise<void>;
  /** Invokes a menu path from the window's menu bar, for example `["Configure", "Settings"]`. */
  menu(windowId: string, path: string[]): Promise<void>;
  /** Sends a key chord (for example `ctrl alt F`) to the window's focus owner. */
  key(windowId: string, chord: string): Promise<void>;
  /** Closes a window the way a user would (WINDOW_CLOSING), so Gateway's own handlers run. */
  closeWindow(windowId: string): Promise<void>;
  /**
   * Paints a window into a PNG inside Gateway's JVM (password and typed-in fields painted empty).
   * Only the agent channel can; AT-SPI leaves it out.
   */
  paint?(windowId: string): Promise<WindowPicture>;
  /** Subscribes to events; returns an unsubscribe function. */
  onEvent(listener: (event: UiEvent) => void): () => void;
  /** Releases the channel. */
  close(): Promise<void>;
}
