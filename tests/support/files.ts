/** Source files of the repository, for tests that read the code itself (docs and string checks). */

import { join } from "node:path";

/** Every `.ts` file below `dir`, depth first. */
export function tsFiles(dir: string, out: string[] = []): string[] {
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) tsFiles(p, out);
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}
