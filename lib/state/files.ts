/**
 * Which files of a Gateway settings directory are its state (jts.ini, the per-user folders with
 * their settings and the autorestart token) as opposed to programs and logs: the one rule that
 * warm state and export-state share. TWS_SETTINGS_PATH defaults to TWS_PATH, so the program
 * folders (`ibgateway/`, version folders, an install's work folder) can sit beside the state.
 */

import { join } from "node:path";
import { isVersionName } from "../gateway/install.ts";

/** A state file: its path relative to the settings directory, and its stat. */
export interface StateFile {
  rel: string;
  info: Deno.FileInfo;
}

/** The marker warm state leaves in a settings directory once applied. */
export const WARM_MARKER = ".ibg-pilot-warm-state";

function skipTop(name: string): boolean {
  return name === "ibgateway" || name === "tws" || isVersionName(name) ||
    name.startsWith(".ibg-pilot-install-") || name === WARM_MARKER;
}

function skipAny(name: string): boolean {
  // Gateway's logs: launcher.log (and rotations), its encrypted daily logs, the JVM's output.
  return /\.log(\.\d+)?$/.test(name) || name.endsWith(".ibenc");
}

/** Every state file under `dir` (none when it does not exist), sorted by path. */
export function stateFiles(dir: string): StateFile[] {
  const out: StateFile[] = [];
  const walk = (abs: string, rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(abs)];
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    for (const e of entries) {
      if ((rel === "" && skipTop(e.name)) || skipAny(e.name)) continue;
      const a = join(abs, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) walk(a, r);
      else if (e.isFile) out.push({ rel: r, info: Deno.statSync(a) });
    }
  };
  walk(dir, "");
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

/** Copies one file with the given mode, keeping its modification time (token age checks). */
export async function copyState(
  from: string,
  to: string,
  info: Deno.FileInfo,
  mode: number,
): Promise<void> {
  await Deno.mkdir(join(to, ".."), { recursive: true, mode: 0o700 });
  const tmp = `${to}.ibg-pilot-tmp`;
  await Deno.copyFile(from, tmp);
  await Deno.chmod(tmp, mode);
  if (info.mtime) await Deno.utime(tmp, info.atime ?? info.mtime, info.mtime);
  await Deno.rename(tmp, to);
}
