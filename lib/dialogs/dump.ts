/**
 * Redacted structure dumps of windows, and the reporter that logs each unknown window once.
 * A dump is how a new Gateway build gets adapted to: it shows every component's type, name and
 * text, so the new strings can be added to the catalogue. It must be safe to paste into an
 * issue: passwords appear only as their length, editable field values are masked, and IBKR
 * account ids and registered secrets are redacted.
 */

import type { ComponentNode, WindowInfo } from "../ui/port.ts";
import { ACCOUNT_ID_PATTERN, log, type Logger, redactSecrets } from "../log.ts";
import { normalise } from "../ui/text.ts";

/** Redacts account ids (`U1234567` -> `U[REDACTED]`) and every registered secret. */
export function redactText(text: string): string {
  const pattern = new RegExp(ACCOUNT_ID_PATTERN.pattern.source, "g");
  return redactSecrets(text.replace(pattern, (_m, prefix: string) => `${prefix}[REDACTED]`));
}

const quote = (s: string) => JSON.stringify(redactText(s));

/**
 * What a field shows in a dump. Editable fields hold what someone typed (a user name, a code):
 * masked to their length. Read-only fields are labels in disguise (Gateway uses read-only text
 * areas for messages) and are shown.
 */
function fieldValue(node: ComponentNode): string | undefined {
  if (node.role === "password") return `<password len=${node.passwordLength ?? 0}>`;
  const text = node.text ?? "";
  if ((node.role === "text" || node.role === "textarea") && node.editable !== false) {
    return text.length ? `<text len=${text.length}>` : undefined;
  }
  if (node.role === "combo" && node.editable) return `<text len=${text.length}>`;
  // Raw, not normalised: a dump is for finding the exact strings (HTML, padding) of a new build.
  return text.length ? quote(text) : undefined;
}

/** A component tree safe to store: see {@link redactTree}. */
export type RedactedNode = Omit<ComponentNode, "children"> & {
  /** Set instead of `text` on fields that hold what someone typed. */
  textLength?: number;
  children: RedactedNode[];
};

/** Whether a node holds what someone typed (its text is never stored; see {@link fieldValue}). */
function typedIn(node: ComponentNode): boolean {
  return node.role === "password" ||
    ((node.role === "text" || node.role === "textarea") && node.editable !== false) ||
    (node.role === "combo" && node.editable === true);
}

/**
 * The tree with what someone typed left out (passwords keep only their length, editable fields
 * only `textLength`) and account ids and registered secrets redacted from every other string,
 * under the same rules as the text dump: safe to keep on disk and paste into an issue.
 */
export function redactTree(node: ComponentNode): RedactedNode {
  const { children, text, name, accessibleName, items, ...rest } = node;
  const out: RedactedNode = { ...rest, children: children.map(redactTree) };
  if (name !== undefined) out.name = redactText(name);
  if (typedIn(node)) {
    if (node.role !== "password" && text) out.textLength = text.length;
  } else if (text !== undefined) out.text = redactText(text);
  if (accessibleName !== undefined && node.role !== "password") {
    out.accessibleName = redactText(accessibleName);
  }
  if (items !== undefined) out.items = items.map(redactText);
  return out;
}

/** One line for one component: `type role name="..." text "..." [flags]`. */
function line(node: ComponentNode, depth: number): string {
  const parts = [`${"  ".repeat(depth)}${node.type}`, node.role];
  if (node.name) parts.push(`name=${quote(node.name)}`);
  const value = fieldValue(node);
  if (value !== undefined) parts.push(value);
  if (node.accessibleName && node.role !== "password") {
    parts.push(`a11y=${quote(node.accessibleName)}`);
  }
  if (node.items?.length && node.role !== "list") {
    parts.push(`items=[${node.items.map((i) => quote(i)).join(", ")}]`);
  }
  const flags: string[] = [];
  if (node.selected) flags.push("selected");
  if (!node.enabled) flags.push("disabled");
  if (!node.showing) flags.push("hidden");
  if (flags.length) parts.push(`(${flags.join(",")})`);
  return parts.join(" ");
}

/**
 * A redacted structure dump: a header with the window's title, class and kind, then one line per
 * component, indented by depth. List items appear as their own `listitem` lines.
 */
export function dumpWindow(window: WindowInfo, tree: ComponentNode): string {
  const header = `window ${quote(window.title)} class=${window.className} kind=${window.kind}` +
    `${window.modal ? " modal" : ""} toolkit=${window.toolkit}${window.showing ? "" : " hidden"}`;
  const lines = [header];
  const walk = (n: ComponentNode, depth: number) => {
    lines.push(line(n, depth));
    if (n.role === "list" && n.items?.length && !n.children.some((c) => c.role === "listitem")) {
      for (const item of n.items) {
        lines.push(`${"  ".repeat(depth + 1)}item listitem ${quote(item)}`);
      }
    }
    for (const c of n.children) walk(c, depth + 1);
  };
  walk(tree, 1);
  return lines.join("\n");
}

/** The key an unknown window is remembered by: its redacted title, or its class when untitled. */
export function unknownKey(window: WindowInfo): string {
  const title = redactText(normalise(window.title)).toLowerCase();
  return title ? `title:${title}` : `untitled:${window.className}`;
}

/** Options of {@link UnknownWindowReporter}. */
export interface ReporterOptions {
  /** Where reports go; `log("dialogs")` by default. */
  logger?: Logger;
  /** How many distinct windows to remember (later ones are still logged once per title). */
  limit?: number;
}

/**
 * Logs each unknown window once (per redacted title, or per class when untitled), at warning
 * level, with its redacted structure dump, so adapting to a new Gateway build is editing data.
 */
export class UnknownWindowReporter {
  readonly #logger: Logger;
  readonly #limit: number;
  readonly #seen = new Set<string>();

  constructor(options: ReporterOptions = {}) {
    this.#logger = options.logger ?? log("dialogs");
    this.#limit = options.limit ?? 500;
  }

  /** Whether this window's title was reported already. */
  seen(window: WindowInfo): boolean {
    return this.#seen.has(unknownKey(window));
  }

  /** Reports the window unless its title was reported before; returns whether it logged. */
  report(window: WindowInfo, tree: ComponentNode): boolean {
    const key = unknownKey(window);
    if (this.#seen.has(key)) return false;
    // Oldest first out: a flood of distinct titles must not grow memory without bound.
    if (this.#seen.size >= this.#limit) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    this.#seen.add(key);
    const dump = dumpWindow(window, tree);
    this.#logger.warn(
      "Unknown window {title} ({className}): no catalogue row matches; structure:\n{dump}",
      { title: redactText(window.title), className: window.className, dump },
    );
    return true;
  }
}
