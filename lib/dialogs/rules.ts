/**
 * Dialog rules from the user (PILOT_DIALOG_RULES): a YAML or JSON file of extra catalogue rows in
 * the built-in rows' shape, checked field by field with the line of every problem, and the
 * catalogue they compose into. Pure: the caller reads the file (lib/session/dialog_rules.ts).
 *
 * A rule can recognise a window by any clause of `WindowMatch` (patterns are strings: `/re/flags`
 * as written, or plain text matched case-insensitively) and click, close, wait or alert. Flows
 * (the login, 2FA, configuration) are code and stay out of reach. A rule named like a built-in
 * row replaces it in place, except the safety rows; the others go right after `login`.
 */

import { isMap, isScalar, isSeq, LineCounter, parseDocument, type YAMLMap } from "yaml";
import { ROLES, WINDOW_KINDS } from "../ui/port.ts";
import {
  type Action,
  CATALOGUE,
  type Clause,
  type DialogRule,
  SAFETY_ROW_IDS,
  USER_ROWS_AFTER,
  type WindowMatch,
} from "./catalogue.ts";

/** One problem in a rules file. */
export interface RuleProblem {
  /** 1-based line (0 when the file could not be read at all). */
  line: number;
  /** Where, e.g. `rules[2].match.anyRole`. */
  field: string;
  message: string;
}

/** The result of {@link parseRules}: rows only when there is no problem. */
export interface ParsedRules {
  rules: DialogRule[];
  problems: RuleProblem[];
}

const STRING_CLAUSES = [
  "titleContains",
  "titleEquals",
  "anyButton",
  "anyText",
  "allTexts",
  "anyMenuItem",
] as const;
/** Clauses that say something about the window's own words (at least one is required). */
const SPECIFIC = [...STRING_CLAUSES, "anyPattern"];
const CLAUSE_KEYS = [...SPECIFIC, "anyRole", "kind", "toolkit", "modal"];
const ROW_KEYS = ["id", "match", "action", "note", "fact"];
const ACTION_KEYS: Record<string, string[]> = {
  click: ["kind", "buttons"],
  close: ["kind"],
  wait: ["kind", "why"],
  alert: ["kind", "token", "reason", "dismiss", "halt"],
};

type YNode = unknown;

class Checker {
  problems: RuleProblem[] = [];
  constructor(readonly lines: LineCounter) {}

  line(node: YNode, fallback = 1): number {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? this.lines.linePos(range[0]).line : fallback;
  }

  bad(node: YNode, field: string, message: string, fallback?: number): undefined {
    this.problems.push({ line: this.line(node, fallback), field, message });
    return undefined;
  }

  /** The pairs of a map, keys as strings; unknown keys are problems. */
  entries(node: YAMLMap, field: string, allowed: readonly string[]): Map<string, YNode> {
    const out = new Map<string, YNode>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || !allowed.includes(key)) {
        this.bad(
          pair.key,
          `${field}.${key ?? "?"}`,
          `unknown field; expected one of ${allowed.join(", ")}`,
        );
        continue;
      }
      out.set(key, pair.value ?? null);
    }
    return out;
  }

  str(node: YNode, field: string): string | undefined {
    if (isScalar(node) && typeof node.value === "string" && node.value.trim()) return node.value;
    return this.bad(node, field, "must be a non-empty string");
  }

  /** A string or a non-empty list of strings. */
  strings(node: YNode, field: string): string[] | undefined {
    if (isScalar(node) && typeof node.value === "string" && node.value.trim()) return [node.value];
    if (isSeq(node) && node.items.length) {
      const out: string[] = [];
      node.items.forEach((item, i) => {
        const s = this.str(item, `${field}[${i}]`);
        if (s !== undefined) out.push(s);
      });
      return out.length === node.items.length ? out : undefined;
    }
    return this.bad(node, field, "must be a string or a non-empty list of strings");
  }

  bool(node: YNode, field: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === "boolean") return node.value;
    return this.bad(node, field, "must be true or false");
  }

  oneOf<T extends string>(node: YNode, field: string, allowed: readonly T[]): T[] | undefined {
    const list = this.strings(node, field);
    if (!list) return undefined;
    const wrong = list.filter((v) => !allowed.includes(v as T));
    if (wrong.length) {
      return this.bad(
        node,
        field,
        `${wrong.map((w) => `"${w}"`).join(", ")} not one of ${allowed.join(", ")}`,
      );
    }
    return list as T[];
  }

  pattern(node: YNode, field: string): RegExp | undefined {
    const s = this.str(node, field);
    if (s === undefined) return undefined;
    const literal = /^\/(.+)\/([a-z]*)$/s.exec(s);
    try {
      if (!literal) return new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
      if (/[^imsu]/.test(literal[2])) throw new Error(`flags "${literal[2]}": only i, m, s, u`);
      return new RegExp(literal[1], literal[2]);
    } catch (e) {
      return this.bad(node, field, `not a regular expression: ${(e as Error).message}`);
    }
  }

  clause(node: YNode, field: string, withUnless: boolean): WindowMatch | undefined {
    if (!isMap(node)) {
      return this.bad(node, field, "must be a map of clauses (titleContains, anyText, ...)");
    }
    const keys = withUnless ? [...CLAUSE_KEYS, "unless"] : CLAUSE_KEYS;
    const e = this.entries(node, field, keys);
    const out: Record<string, unknown> = {};
    let ok = true;
    const set = (k: string, v: unknown) => v === undefined ? (ok = false) : (out[k] = v);
    for (const k of STRING_CLAUSES) if (e.has(k)) set(k, this.strings(e.get(k), `${field}.${k}`));
    if (e.has("anyPattern")) {
      const n = e.get("anyPattern");
      const items = isSeq(n) ? n.items : [n];
      const res = items.map((item, i) =>
        this.pattern(item, `${field}.anyPattern${isSeq(n) ? `[${i}]` : ""}`)
      );
      set("anyPattern", res.every((r) => r) && res.length ? res : undefined);
    }
    if (e.has("anyRole")) set("anyRole", this.oneOf(e.get("anyRole"), `${field}.anyRole`, ROLES));
    if (e.has("kind")) set("kind", this.oneOf(e.get("kind"), `${field}.kind`, WINDOW_KINDS));
    if (e.has("toolkit")) {
      const t = this.oneOf(e.get("toolkit"), `${field}.toolkit`, ["swing", "javafx"] as const);
      set(
        "toolkit",
        t && t.length === 1
          ? t[0]
          : t
          ? this.bad(e.get("toolkit"), `${field}.toolkit`, "one toolkit")
          : undefined,
      );
    }
    if (e.has("modal")) set("modal", this.bool(e.get("modal"), `${field}.modal`));
    if (e.has("unless")) {
      const u = e.get("unless");
      const list = isSeq(u) ? u.items : [u];
      const guards = list.map((g, i) =>
        this.clause(g, `${field}.unless${isSeq(u) ? `[${i}]` : ""}`, false)
      );
      set("unless", guards.every((g) => g) ? guards as Clause[] : undefined);
    }
    if (withUnless && ![...e.keys()].some((k) => SPECIFIC.includes(k))) {
      this.bad(
        node,
        field,
        `needs at least one of ${SPECIFIC.join(", ")} (a rule must say which window)`,
      );
      ok = false;
    }
    return ok ? out as WindowMatch : undefined;
  }

  action(node: YNode, field: string): Action | undefined {
    if (!isMap(node)) {
      return this.bad(node, field, "must be a map with kind: click, close, wait or alert");
    }
    const kindNode = node.get("kind", true);
    const kind = isScalar(kindNode) ? String(kindNode.value) : undefined;
    if (!kind || !(kind in ACTION_KEYS)) {
      const hint = kind === "flow" || kind === "observe"
        ? " (flows and signals are code: a rule can click, close, wait or alert)"
        : "";
      return this.bad(
        kindNode ?? node,
        `${field}.kind`,
        `must be click, close, wait or alert${hint}`,
      );
    }
    const e = this.entries(node, field, ACTION_KEYS[kind]);
    const before = this.problems.length;
    switch (kind) {
      case "click": {
        const buttons = e.has("buttons")
          ? this.strings(e.get("buttons"), `${field}.buttons`)
          : this.bad(node, `${field}.buttons`, "click needs the buttons to try, in order");
        return buttons && this.problems.length === before ? { kind: "click", buttons } : undefined;
      }
      case "close":
        return this.problems.length === before ? { kind: "close" } : undefined;
      case "wait": {
        const why = e.has("why")
          ? this.str(e.get("why"), `${field}.why`)
          : "a user rule leaves it alone";
        return why && this.problems.length === before ? { kind: "wait", why } : undefined;
      }
      default: {
        const tokenNode = e.get("token");
        const token = e.has("token")
          ? this.str(tokenNode, `${field}.token`)
          : this.bad(node, `${field}.token`, "alert needs a token, e.g. ALERT_NEW_NOTICE");
        if (token !== undefined && !/^ALERT_[A-Z0-9_]+$/.test(token)) {
          this.bad(
            tokenNode,
            `${field}.token`,
            `"${token}" must look like ALERT_SOMETHING (capitals, digits, _)`,
          );
        }
        const reason = e.has("reason")
          ? this.str(e.get("reason"), `${field}.reason`)
          : this.bad(node, `${field}.reason`, "alert needs a reason (one line for the operator)");
        const dismiss = e.has("dismiss")
          ? this.strings(e.get("dismiss"), `${field}.dismiss`)
          : undefined;
        const halt = e.has("halt") ? this.bool(e.get("halt"), `${field}.halt`) : undefined;
        if (this.problems.length !== before) return undefined;
        return {
          kind: "alert",
          token: token as `ALERT_${string}`,
          reason: reason!,
          ...(dismiss ? { dismiss } : {}),
          ...(halt ? { halt } : {}),
        };
      }
    }
  }
}

/**
 * Parses and checks a rules file: a list of rows, or a map with `rules:` holding the list. Every
 * problem is reported (syntax errors first), each with its line; rows are returned only when
 * there is none. `source` names the file in the rows' `fact`.
 */
export function parseRules(text: string, source = "PILOT_DIALOG_RULES"): ParsedRules {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const c = new Checker(lines);
  for (const err of doc.errors) {
    c.problems.push({
      line: lines.linePos(err.pos[0]).line,
      field: "(syntax)",
      message: err.message.split("\n")[0],
    });
  }
  if (c.problems.length) return { rules: [], problems: c.problems };
  let list: YNode = doc.contents;
  if (isMap(list)) list = c.entries(list, "(file)", ["rules"]).get("rules") ?? null;
  if (list === null || (isScalar(list) && list.value === null)) {
    return { rules: [], problems: c.problems };
  }
  if (!isSeq(list)) {
    c.bad(list, "rules", "must be a list of rules (or a map whose `rules:` is that list)");
    return { rules: [], problems: c.problems };
  }
  const rules: DialogRule[] = [];
  const seen = new Set<string>();
  list.items.forEach((item, i) => {
    const field = `rules[${i}]`;
    if (!isMap(item)) return c.bad(item, field, "must be a map with id, match and action");
    const e = c.entries(item, field, ROW_KEYS);
    for (const k of ["id", "match", "action"]) {
      if (!e.has(k)) c.bad(item, `${field}.${k}`, "is required");
    }
    let id = e.has("id") ? c.str(e.get("id"), `${field}.id`) : undefined;
    if (id !== undefined) {
      if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id)) {
        id = c.bad(e.get("id"), `${field}.id`, `"${id}" must be kebab-case (a-z, 0-9, -)`);
      } else if (SAFETY_ROW_IDS.includes(id)) {
        id = c.bad(
          e.get("id"),
          `${field}.id`,
          `"${id}" is a safety row of the built-in catalogue and cannot be replaced`,
        );
      } else if (seen.has(id)) {
        id = c.bad(e.get("id"), `${field}.id`, `"${id}" is used by an earlier rule of this file`);
      }
    }
    if (id !== undefined) seen.add(id);
    const m = e.get("match");
    let match: WindowMatch | WindowMatch[] | undefined;
    if (e.has("match")) {
      if (isSeq(m)) {
        const alts = m.items.map((alt, j) => c.clause(alt, `${field}.match[${j}]`, true));
        match = alts.length && alts.every((a) => a)
          ? alts as WindowMatch[]
          : alts.length
          ? undefined
          : c.bad(m, `${field}.match`, "an empty list matches nothing");
      } else match = c.clause(m, `${field}.match`, true);
    }
    const action = e.has("action") ? c.action(e.get("action"), `${field}.action`) : undefined;
    const note = e.has("note") ? c.str(e.get("note"), `${field}.note`) : undefined;
    const fact = e.has("fact") ? c.str(e.get("fact"), `${field}.fact`) : undefined;
    if (id && match && action) {
      rules.push({
        id,
        match,
        action,
        fact: fact ?? `${source}, line ${c.line(item)}`,
        ...(note ? { note } : {}),
      });
    }
  });
  return c.problems.length ? { rules: [], problems: c.problems } : { rules, problems: [] };
}

/**
 * The catalogue with the user's rows: a row named like a built-in one takes its place; the others
 * go right after {@link USER_ROWS_AFTER}, in file order.
 */
export function composeCatalogue(
  user: readonly DialogRule[],
  base: readonly DialogRule[] = CATALOGUE,
): DialogRule[] {
  const byId = new Map(user.map((r) => [r.id, r]));
  const out = base.map((r) => byId.get(r.id) ?? r);
  const fresh = user.filter((r) => !base.some((b) => b.id === r.id));
  out.splice(out.findIndex((r) => r.id === USER_ROWS_AFTER) + 1, 0, ...fresh);
  return out;
}

/** Problems as lines for a person: `file:line: field: message`. */
export function formatProblems(file: string, problems: readonly RuleProblem[]): string[] {
  return problems.map((p) => `${file}:${p.line}: ${p.field}: ${p.message}`);
}
