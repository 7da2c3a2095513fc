/**
 * `ibg-pilot export-state DIR`: writes the state of the settings directory (or both, as `live/`
 * and `paper/`) into DIR, files 0600 and folders 0700, modification times kept, so that
 * GATEWAY_WARM_STATE=DIR on another host starts from it. Works on a running or stopped session:
 * it only reads the settings directory.
 */

import { join } from "node:path";
import { copyState, stateFiles } from "./files.ts";

/** What was exported from one settings directory. */
export interface Exported {
  settingsDir: string;
  target: string;
  files: string[];
}

/** Exports `dirs` (mode -> settings directory) into `target`; per-mode parts when several. */
export async function exportState(
  dirs: { mode: string; settingsDir: string }[],
  target: string,
): Promise<Exported[]> {
  await Deno.mkdir(target, { recursive: true, mode: 0o700 });
  await Deno.chmod(target, 0o700);
  const out: Exported[] = [];
  for (const { mode, settingsDir } of dirs) {
    const to = dirs.length > 1 ? join(target, mode) : target;
    const files = stateFiles(settingsDir);
    for (const f of files) {
      await copyState(join(settingsDir, f.rel), join(to, f.rel), f.info, 0o600);
    }
    out.push({ settingsDir, target: to, files: files.map((f) => f.rel) });
  }
  return out;
}
