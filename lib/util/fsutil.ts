/**
 * Tiny synchronous file-system predicates shared by the discovery modules. Discovery runs once
 * per launch over a handful of small directories, so sync calls keep the callers simple.
 */

/** The stat of `path` (following symlinks), or undefined when it does not exist or is unreadable. */
export function statOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.statSync(path);
  } catch {
    return undefined;
  }
}

/** True when `path` is a directory. */
export function isDir(path: string): boolean {
  return statOrUndefined(path)?.isDirectory ?? false;
}

/** True when `path` is a regular file. */
export function isFile(path: string): boolean {
  return statOrUndefined(path)?.isFile ?? false;
}

/** True when `path` is a regular file with any execute bit set. */
export function isExecutable(path: string): boolean {
  const st = statOrUndefined(path);
  return !!st?.isFile && ((st.mode ?? 0) & 0o111) !== 0;
}

/** The names of the entries of `dir` (empty when it cannot be read). */
export function listDir(dir: string): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(dir)];
  } catch {
    return [];
  }
}

/** The text of `path`, or undefined when it cannot be read. */
export function readTextOrUndefined(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}
