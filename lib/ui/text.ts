/**
 * The text rules of the UI port, after IBC's (sources.md IBC 1), in one place for the catalogue,
 * the session's flows and both adapters:
 *
 * - buttons, toggles, checkboxes, radios, menu items, tree nodes and list items: the WHOLE text,
 *   case-insensitive, surrounding white space ignored;
 * - labels and text areas: case-insensitive SUBSTRING;
 * - component names: exact.
 *
 * Texts are normalised first (HTML tags stripped, entities decoded, white space collapsed) because
 * Swing labels are often `<html>` fragments and JLists pad their rows (` IB Key`).
 */

import type { Role } from "./port.ts";

/** Roles compared by whole text (IBC: buttons, toggles, check boxes, radios, menu items, tree nodes, list items). */
export const WHOLE_TEXT_ROLES: readonly Role[] = [
  "button",
  "toggle",
  "checkbox",
  "radio",
  "menu",
  "menuitem",
  "treenode",
  "listitem",
];

/** Roles compared by substring (IBC: labels, text areas, text panes, option-pane messages). */
export const MESSAGE_ROLES: readonly Role[] = ["label", "textarea"];

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/** Removes HTML markup (Swing `<html>` labels): tags become spaces, `<br>` a line break. */
export function stripHtml(text: string): string {
  if (!/[<&]/.test(text)) return text;
  return text
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>/gi, "\n")
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === "#") {
        const code = e[1] === "x" || e[1] === "X"
          ? parseInt(e.slice(2), 16)
          : parseInt(e.slice(1), 10);
        return Number.isFinite(code) ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    });
}

/** A text as matching sees it: HTML stripped, every run of white space one space, trimmed. */
export function normalise(text: string | undefined): string {
  if (!text) return "";
  return stripHtml(text).replace(/\s+/g, " ").trim();
}

/** Whole-text comparison under IBC's rule (case-insensitive, trimmed, normalised). */
export function sameText(a: string | undefined, b: string | undefined): boolean {
  return normalise(a).toLowerCase() === normalise(b).toLowerCase();
}

/** Substring test under IBC's label rule (case-insensitive, normalised). */
export function containsText(haystack: string | undefined, needle: string): boolean {
  const n = normalise(needle).toLowerCase();
  return n.length > 0 && normalise(haystack).toLowerCase().includes(n);
}
