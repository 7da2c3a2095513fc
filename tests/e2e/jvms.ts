/**
 * End-to-end helpers for runs with more than one Gateway JVM (relaunches, crashes, restarts):
 * the sim's event log split per JVM, READY counting, and rewriting the scenario the next JVM
 * reads. Shared by lifecycle_test.ts and crash_test.ts.
 */

import type { SimEvent } from "../gateway-sim/events.ts";
import { pollUntil } from "../support/poll.ts";
import { type Run, STEP_DEADLINE_MS } from "./harness.ts";

/** An ibg-pilot READY transition line. */
export const READY = /-> "?ready"?/;

/** The sim events of each JVM, in start order (the log is shared by every JVM of a run). */
export function perJvm(events: SimEvent[]): SimEvent[][] {
  const out: SimEvent[][] = [];
  for (const e of events) {
    if (e.event === "sim-start") out.push([]);
    out.at(-1)?.push(e);
  }
  return out;
}

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

/**
 * Changes the scenario that the NEXT JVM reads (a running JVM keeps the one it read at start).
 * Written to a temporary file and renamed, so a starting JVM never reads half a file.
 */
export async function nextJvmScenario(
  run: Run,
  edit: (sc: { faults: Record<string, unknown> }) => void,
): Promise<void> {
  const path = run.env.IBG_SIM_SCENARIO;
  const sc = JSON.parse(await Deno.readTextFile(path));
  edit(sc);
  await Deno.writeTextFile(`${path}.tmp`, JSON.stringify(sc));
  await Deno.rename(`${path}.tmp`, path);
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
