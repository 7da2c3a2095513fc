/** Ending a child process this test started: SIGTERM, then SIGKILL after a grace period. */

/** Sends `sig` to `child`, ignoring a child that is already gone. */
export function signalChild(child: Deno.ChildProcess, sig: Deno.Signal): void {
  try {
    child.kill(sig);
  } catch { /* already gone */ }
}

/** SIGTERM, SIGKILL if it is still running after `graceMs`; resolves with `status`. */
export async function endChild<T>(
  child: Deno.ChildProcess,
  graceMs: number,
  status: Promise<T> = child.status as Promise<T>,
): Promise<T> {
  signalChild(child, "SIGTERM");
  const t = setTimeout(() => signalChild(child, "SIGKILL"), graceMs);
  try {
    return await status;
  } finally {
    clearTimeout(t);
  }
}
