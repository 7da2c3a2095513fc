/**
 * The dialog rules in force for this process: the built-in catalogue composed with the user's
 * PILOT_DIALOG_RULES file (lib/dialogs/rules.ts). Loaded once before anything starts (a bad file
 * stops the start with every problem listed); SIGHUP reloads it, and a reload with problems keeps
 * the rules in force and raises ALERT_DIALOG_RULES_INVALID.
 */

import { CATALOGUE, type DialogRule } from "../dialogs/catalogue.ts";
import { alert, log } from "../log.ts";

/** The outcome of reading the file. */
export type RulesLoad =
  | { ok: true; rules: DialogRule[]; catalogue: DialogRule[] }
  | { ok: false; problems: string[] };

/** Reads and checks the rules file at `path`; injected so this module does no file I/O. */
export type ReadRules = (path: string) => Promise<RulesLoad>;

/** The catalogue sessions classify with; {@link reload} swaps it atomically. */
export class DialogRuleSet {
  #catalogue: readonly DialogRule[];
  #user: readonly DialogRule[];
  readonly #log = log("dialogs");

  constructor(
    readonly path: string | undefined,
    private readonly read?: ReadRules,
    user: readonly DialogRule[] = [],
    catalogue: readonly DialogRule[] = CATALOGUE,
  ) {
    this.#user = user;
    this.#catalogue = catalogue;
  }

  /** Loads the file named by PILOT_DIALOG_RULES (none: the built-in catalogue). */
  static async load(
    path: string | undefined,
    read: ReadRules,
  ): Promise<DialogRuleSet | { problems: string[] }> {
    if (!path) return new DialogRuleSet(undefined);
    const r = await read(path);
    return r.ok ? new DialogRuleSet(path, read, r.rules, r.catalogue) : { problems: r.problems };
  }

  /** The composed catalogue (built-in rows with the user's). */
  get catalogue(): readonly DialogRule[] {
    return this.#catalogue;
  }

  /** The user's rows in force. */
  get userRules(): readonly DialogRule[] {
    return this.#user;
  }

  /** Reads the file again (SIGHUP). Returns whether the new rules are in force. */
  async reload(): Promise<boolean> {
    if (!this.path || !this.read) {
      this.#log.info("SIGHUP: PILOT_DIALOG_RULES is not set; the built-in catalogue stays");
      return false;
    }
    const r = await this.read(this.path);
    if (!r.ok) {
      for (const p of r.problems) this.#log.error("dialog rules: {problem}", { problem: p });
      alert("ALERT_DIALOG_RULES_INVALID", {
        file: this.path,
        problems: r.problems.length,
        first: r.problems[0],
        kept_rules: this.#user.length,
      });
      return false;
    }
    this.#user = r.rules;
    this.#catalogue = r.catalogue;
    this.#log.info("dialog rules reloaded from {file}: {n} rule(s) in force", {
      file: this.path,
      n: r.rules.length,
    });
    return true;
  }
}
