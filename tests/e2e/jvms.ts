/**
 * End-to-end helpers for runs with more than one Gateway JVM (relaunches, crashes, restarts), on
 * top of jvm_events.ts (the event log per JVM, the next JVM's scenario): READY counting, waiting
 * on a condition with the pilot's output in the failure, and process liveness. Shared by
 * lifecycle_test.ts and crash_test.ts.
 */

import { pollUntil } from "../support/poll.ts";
import { type Run, STEP_DEADLINE_MS } from "./harness.ts";

/** An ibg-pilot READY transition line. */
export const READY = /-> "?ready"?/;

/** Polls `cond` until it holds; a named deadline explains the failure with the pilot's output. */
export async function until(
  run: Run,
  cond: () => boolean | Promise<boolean>,
  what: string,
  deadlineMs = STEP_DEADLINE_MS,
): Promise<void> {
  await pollUntil(cond, { deadlineMs, name: "deadlineMs", what }).catch((e) => {
    throw new Error(`${e.message}\nibg-pilot output tail:\n${run.pilot.output().slice(-4000)}`);
  });
}

/** How many ibg-pilot output lines match `re`. */
export function count(run: Run, re: RegExp): number {
  return run.pilot.output().split("\n").filter((l) => re.test(l)).length;
}

/** Waits for the `n`-th READY transition. */
export function nthReady(run: Run, n: number, deadlineMs = STEP_DEADLINE_MS): Promise<void> {
  return until(run, () => count(run, READY) >= n, `READY #${n}`, deadlineMs);
}

/** Whether a process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}
