/**
 * The agent jar embedded in ibg-pilot (a bytes import, so `deno compile` carries it) and the one
 * function that puts it on disk for `-javaagent:`: the user copies one binary, not two files.
 * The jar is built by `deno task agent` from agent/src.
 */

import jar from "./ibg-pilot-agent.jar" with { type: "bytes" };

/** File name of the agent jar inside the runtime directory. */
export const AGENT_JAR_NAME = "ibg-pilot-agent.jar";

/**
 * Writes the embedded agent jar into `dir` (created 0700 if missing; tightened to 0700 if it is
 * ours and looser) as a 0600 file, atomically, and returns its path. Refuses a directory owned by
 * another user, since a jar there could be swapped before Gateway loads it.
 */
export async function writeAgentJar(dir: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await Deno.lstat(dir);
  if (!st.isDirectory) {
    throw new Error(`runtime directory ${dir} is not a directory; remove it or choose another`);
  }
  const uid = Deno.uid();
  if (uid !== null && st.uid !== null && st.uid !== uid) {
    throw new Error(
      `runtime directory ${dir} belongs to uid ${st.uid}, not to this user (${uid}); ` +
        `choose a private directory`,
    );
  }
  if (st.mode !== null && (st.mode & 0o777) !== 0o700) await Deno.chmod(dir, 0o700);
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
