/**
 * GATEWAY_WARM_STATE (ibg-controller's name): before the first launch in a settings directory,
 * copy a captured state folder (jts.ini, the per-user folders with the autorestart token) into
 * it, so a new container or host may resume without 2FA until the weekly reset. Only missing
 * files are copied: what is there (newer by definition: Gateway wrote it) is never overwritten.
 * A marker records that it was applied, so a token Gateway has since consumed is not brought
 * back at the next start. With TRADING_MODE=both the folder holds `live/` and `paper/`, as
 * `ibg-pilot export-state` writes them.
 */

import { join } from "node:path";
import { isDir, isFile } from "../util/fsutil.ts";
import { copyState, stateFiles, WARM_MARKER } from "./files.ts";

/** What applying warm state did for one settings directory. */
export interface WarmResult {
  settingsDir: string;
  /** The folder copied from, or undefined when skipped. */
  source?: string;
  /** Files copied (relative paths). */
  copied: string[];
  /** Files already in the settings directory, kept as they are. */
  kept: string[];
  /** Why nothing was copied (already applied, no folder for this mode). */
  skipped?: string;
}

/** The warm folder of one mode: `<dir>/<mode>` when the folder has per-mode parts. */
export function warmSourceFor(dir: string, mode: string, both: boolean): string | undefined {
  const perMode = isDir(join(dir, "live")) || isDir(join(dir, "paper"));
  if (perMode) return isDir(join(dir, mode)) ? join(dir, mode) : undefined;
  return both ? undefined : dir;
}

/** Applies warm state from `source` to `settingsDir`; see the module header. */
export async function applyWarmState(
  source: string | undefined,
  settingsDir: string,
  now = new Date(),
): Promise<WarmResult> {
  const marker = join(settingsDir, WARM_MARKER);
  const skipped = (why: string): WarmResult => ({
    settingsDir,
    copied: [],
    kept: [],
    skipped: why,
  });
  if (isFile(marker)) {
    const when = (await Deno.readTextFile(marker)).trim();
    return skipped(`applied before (${when}); delete ${marker} to apply it again`);
  }
  if (!source) {
    return skipped(
      "the folder has no part for this trading mode (TRADING_MODE=both needs live/ and " +
        "paper/, as ibg-pilot export-state writes them)",
    );
  }
  const copied: string[] = [];
  const kept: string[] = [];
  await Deno.mkdir(settingsDir, { recursive: true });
  for (const f of stateFiles(source)) {
    const to = join(settingsDir, f.rel);
    if (isFile(to) || isDir(to)) {
      kept.push(f.rel);
      continue;
    }
    await copyState(join(source, f.rel), to, f.info, 0o600);
    copied.push(f.rel);
  }
  await Deno.writeTextFile(marker, `from ${source} at ${now.toISOString()}\n`, { mode: 0o600 });
  return { settingsDir, source, copied, kept };
}

/**
 * GATEWAY_WARM_STATE at `run`: applies the folder to each mode's settings directory and says
 * what was copied, what was kept and what was skipped.
 */
export async function warmBeforeRun(
  dir: string | undefined,
  targets: { mode: string; settingsDir: string }[],
  say: (line: string) => void,
): Promise<WarmResult[]> {
  if (!dir) return [];
  if (!isDir(dir)) {
    throw new Error(
      `GATEWAY_WARM_STATE=${dir} is not a folder. Fix: point it at a folder written by ` +
        "`ibg-pilot export-state`, or unset it.",
    );
  }
  const both = targets.length > 1;
  const results: WarmResult[] = [];
  for (const { mode, settingsDir } of targets) {
    const r = await applyWarmState(warmSourceFor(dir, mode, both), settingsDir);
    results.push(r);
    if (r.skipped) {
      say(`GATEWAY_WARM_STATE (${mode}): nothing copied into ${settingsDir}: ${r.skipped}`);
      continue;
    }
    say(
      `GATEWAY_WARM_STATE (${mode}): copied ${r.copied.length} file(s) from ${r.source} into ` +
        `${settingsDir}${r.copied.length ? `: ${r.copied.join(", ")}` : ""}` +
        (r.kept.length ? `; kept ${r.kept.length} already there: ${r.kept.join(", ")}` : ""),
    );
  }
  return results;
}
