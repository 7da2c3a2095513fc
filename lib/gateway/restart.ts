/**
 * Gateway's own restart machinery, kept under ibg-pilot's control:
 *
 * - install4j's launcher scripts (`<programDir>/ibgateway`, `tws`) are renamed out of the way so
 *   that Gateway's Auto-restart (which runs install4j's restarter, which re-executes the
 *   launcher) cannot start a second Gateway behind our back; ibg-pilot then sees the exit and
 *   relaunches with the restart token itself. See docs/gateway-launch.md for the decision.
 * - the `autorestart` token Gateway leaves in `<settingsDir>/<userdir>/` is found the way IBC's
 *   start script does (exactly one: resume with `-Drestart=<userdir>`; several: delete all and
 *   log in fully).
 */

import { join } from "node:path";
import { log } from "../log.ts";
import { listDir } from "../util/fsutil.ts";

const logger = log("gateway");

/** The suffix a disabled launcher gets. */
export const DISABLED_SUFFIX = ".disabled-by-ibg-pilot";

/** What happened to one launcher. */
export interface LauncherOutcome {
  launcher: string;
  /** `renamed` now, `absent` (already renamed, e.g. by IBC or an earlier run), or `failed`. */
  outcome: "renamed" | "absent" | "failed";
  /** For `failed`: why, and the consequence. */
  error?: string;
}

/**
 * Renames each install4j launcher to `<name>.disabled-by-ibg-pilot`. Idempotent. A failure (a
 * read-only install) is reported, not thrown: Gateway still runs, and the session must then treat
 * a code-0 exit with a fresh autorestart token as "Gateway may restart itself".
 */
export async function disableInstall4jLaunchers(
  launchers: readonly string[],
): Promise<LauncherOutcome[]> {
  const out: LauncherOutcome[] = [];
  for (const launcher of launchers) {
    try {
      await Deno.rename(launcher, launcher + DISABLED_SUFFIX);
      logger.info(
        "Renamed install4j launcher {launcher} so Gateway cannot restart itself " +
          "outside ibg-pilot",
        { launcher },
      );
      out.push({ launcher, outcome: "renamed" });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        out.push({ launcher, outcome: "absent" });
        continue;
      }
      const error = `${(e as Error).message}; Gateway's Auto-restart could start a Gateway ` +
        "outside ibg-pilot";
      logger.warn("Cannot rename install4j launcher {launcher}: {error}", { launcher, error });
      out.push({ launcher, outcome: "failed", error });
    }
  }
  return out;
}

/** The result of {@link findAutorestartToken}. */
export interface AutorestartToken {
  /** The user directory name to pass as `-Drestart=` (undefined: log in fully). */
  restartDir?: string;
  /** Token files deleted because there were several (IBC's rule: ambiguity forces full login). */
  deleted: string[];
}

/**
 * Looks for `<settingsDir>/*\/autorestart` one level deep. Exactly one: resume with its directory.
 * Several: delete them all and log in fully (which one is current cannot be known).
 */
export async function findAutorestartToken(settingsDir: string): Promise<AutorestartToken> {
  const found = listDir(settingsDir)
    .filter((e) => e.isDirectory)
    .map((e) => e.name)
    .filter((name) => {
      try {
        return Deno.statSync(join(settingsDir, name, "autorestart")).isFile;
      } catch {
        return false;
      }
    })
    .sort();
  if (found.length === 1) return { restartDir: found[0], deleted: [] };
  const deleted: string[] = [];
  if (found.length > 1) {
    for (const name of found) {
      const file = join(settingsDir, name, "autorestart");
      await Deno.remove(file).then(() => deleted.push(file), () => {});
    }
    logger.warn("Found {count} autorestart tokens; deleted them all, Gateway logs in fully", {
      count: found.length,
    });
  }
  return { deleted };
}
