/**
 * PILOT_DIALOG_RULES as the commands check it: read from disk here (lib/session gets the reader
 * injected), loaded before anything starts, every problem of the file at once, exit 2. `run`, `inspect` and `config` share it so they judge a file alike.
 */

import { EXIT, ExitError } from "./exit.ts";
import { DialogRuleSet, type RulesLoad } from "../session/dialog_rules.ts";

/** Reads and checks a rules file; problems come as `file:line: field: message` lines. */
export async function readRulesFile(path: string): Promise<RulesLoad> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable
      ? "not readable here (see docs/permissions.md for the readable roots)"
      : (e as Error).message;
    return { ok: false, problems: [`${path}:0: (file): cannot read it: ${why}`] };
  }
  // Loaded only with a rules file: the YAML parser costs ~14 MB of memory (docs/operations.md).
  const { composeCatalogue, formatProblems, parseRules } = await import("../dialogs/rules.ts");
  const parsed = parseRules(text, `PILOT_DIALOG_RULES ${path}`);
  return parsed.problems.length
    ? { ok: false, problems: formatProblems(path, parsed.problems) }
    : { ok: true, rules: parsed.rules, catalogue: composeCatalogue(parsed.rules) };
}

/** The user's rule file (none when `path` is unset), or an ExitError listing every problem. */
export async function loadDialogRules(path: string | undefined): Promise<DialogRuleSet> {
  const r = await DialogRuleSet.load(path, readRulesFile);
  if (r instanceof DialogRuleSet) return r;
  throw new ExitError(
    EXIT.USAGE,
    `PILOT_DIALOG_RULES: ${r.problems.length} problem(s) in ${path}:\n  ` +
      `${r.problems.join("\n  ")}\nSee docs/dialogs.md, "Your own rules". Nothing was started.`,
  );
}
