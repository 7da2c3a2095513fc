/**
 * The agent jar embedded in ibg-pilot (a bytes import, so `deno compile` carries it) and the one
 * function that puts it on disk for `-javaagent:`: the user copies one binary, not two files.
 * The jar is built by `deno task agent` from agent/src.
 */

import jar from "./ibg-pilot-agent.jar" with { type: "bytes" };
import { ensureRuntimeDir } from "../../gateway/runtime.ts";

/** File name of the agent jar inside the runtime directory. */
export const AGENT_JAR_NAME = "ibg-pilot-agent.jar";

/**
 * Writes the embedded agent jar into the runtime directory `dir` (made private first, as
 * ensureRuntimeDir does: a jar in a directory someone else controls could be swapped before
 * Gateway loads it) as a 0600 file, atomically, and returns its path.
 */
export async function writeAgentJar(dir: string): Promise<string> {
  await ensureRuntimeDir(dir, Deno.uid() ?? 0);
  const path = `${dir.replace(/\/+$/, "")}/${AGENT_JAR_NAME}`;
  const tmp = `${path}.${Deno.pid}.tmp`;
  try {
    await Deno.writeFile(tmp, jar, { mode: 0o600 });
    await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  return path;
}
