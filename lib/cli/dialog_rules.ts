/**
 * PILOT_DIALOG_RULES as the commands check it: loaded before anything starts, every problem of
 * the file at once, exit 2. `run`, `inspect` and `config` share it so they judge a file alike.
 */

import { EXIT, ExitError } from "./exit.ts";
import { DialogRuleSet } from "../session/dialog_rules.ts";

/** The user's rule file (none when `path` is unset), or an ExitError listing every problem. */
export async function loadDialogRules(path: string | undefined): Promise<DialogRuleSet> {
  const r = await DialogRuleSet.load(path);
  if (r instanceof DialogRuleSet) return r;
  throw new ExitError(
    EXIT.USAGE,
    `PILOT_DIALOG_RULES: ${r.problems.length} problem(s) in ${path}:\n  ` +
      `${r.problems.join("\n  ")}\nSee docs/dialogs.md, "Your own rules". Nothing was started.`,
  );
}
