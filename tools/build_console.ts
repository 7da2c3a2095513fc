/**
 * Builds the console page's script: lib/console/page/app.js with noVNC (npm @novnc/novnc, pinned
 * in deno.json) bundled into one minified file, lib/console/page/build/app.bundle.js, which
 * lib/console/assets.ts embeds with a text import (so `deno compile` carries it, like the agent
 * jar). `deno bundle` resolves the npm package from the npm registry or Deno's cache.
 *
 * Usage: `deno run -A tools/build_console.ts [--force]`. Skipped when the bundle is newer than
 * app.js, deno.json and deno.lock, so `deno task check` and the tests can call it cheaply.
 */

import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const root = dirname(dirname(fromFileUrl(import.meta.url)));
/** The page script, relative to the repository. */
export const CONSOLE_SOURCE = "lib/console/page/app.js";
/** The bundle, relative to the repository. */
export const CONSOLE_BUNDLE = "lib/console/page/build/app.bundle.js";

function mtime(path: string): number {
  try {
    return Deno.statSync(path).mtime?.getTime() ?? 0;
  } catch {
    return 0;
  }
}

/** Builds the bundle unless it is up to date; returns its absolute path. */
export async function buildConsole(force = false): Promise<string> {
  const out = join(root, CONSOLE_BUNDLE);
  const inputs = [CONSOLE_SOURCE, "deno.json", "deno.lock", "tools/build_console.ts"]
    .map((p) => mtime(join(root, p)));
  if (!force && mtime(out) > Math.max(...inputs)) return out;
  await Deno.mkdir(dirname(out), { recursive: true });
  const tmp = `${out}.tmp.js`;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "--minify", "-o", tmp, CONSOLE_SOURCE],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!r.success) {
    throw new Error(
      `deno bundle of ${CONSOLE_SOURCE} failed (exit ${r.code}):\n` +
        new TextDecoder().decode(r.stderr),
    );
  }
  await Deno.rename(tmp, out);
  return out;
}

if (import.meta.main) {
  await buildConsole(Deno.args.includes("--force"));
  console.error(`built ${CONSOLE_BUNDLE}`);
}
