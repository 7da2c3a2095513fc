/**
 * Reads the gateway simulator's event log (one JSON object per line, see README "Event log"),
 * for tests that assert on what the simulated Gateway received.
 */

import { pollUntil } from "../support/poll.ts";

/** One line of the simulator's event log. */
export interface SimEvent {
  /** Epoch milliseconds (may have a fraction). */
  ts: number;
  /** Order of writing within one JVM, from 0. */
  seq: number;
  /** The kind, e.g. `window-shown`, `click`, `api-listening`. */
  event: string;
  // deno-lint-ignore no-explicit-any
  [field: string]: any;
}

/** All events in the log so far ([] when the file does not exist yet). A torn last line is skipped. */
export async function readSimEvents(path: string): Promise<SimEvent[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const out: SimEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // the sim is still writing this line
    }
  }
  return out;
}

/**
 * How long a sim event may take by default: a whole login on a loaded two-core machine running
 * test files side by side (15 s was too short there; passing tests never wait for it).
 */
export const SIM_EVENT_DEADLINE_MS = 45_000;

/**
 * Resolves with the first event that satisfies the predicate, polling the file every 25 ms;
 * rejects after `deadlineMs` (default SIM_EVENT_DEADLINE_MS) with the last events seen, so a
 * failure explains itself.
 */
export async function waitForSimEvent(
  path: string,
  predicate: (e: SimEvent) => boolean,
  opts: { deadlineMs?: number; what?: string } = {},
): Promise<SimEvent> {
  const deadlineMs = opts.deadlineMs ?? SIM_EVENT_DEADLINE_MS;
  let events: SimEvent[] = [];
  const hit = await pollUntil(async () => {
    events = await readSimEvents(path);
    return events.find(predicate);
  }, { deadlineMs, name: "deadlineMs", what: "a sim event", maxIntervalMs: 25 })
    .catch(() => undefined);
  if (hit) return hit;
  const tail = events.slice(-12).map((e) => JSON.stringify(e)).join("\n  ");
  throw new Error(
    `no sim event ${
      opts.what ?? "matching the predicate"
    } within ${deadlineMs} ms in ${path}; last events:\n  ${tail}`,
  );
}
