/**
 * Reading the simulator's event log per JVM, for scenarios with several launches (auto-restart,
 * upgrade, rollback, warm state): the events of each JVM, whether a login was typed, and the
 * scenario the next JVM reads.
 */

import type { SimEvent } from "../gateway-sim/events.ts";

/** The events split per JVM (each starts with its `sim-start`). */
export function perJvm(events: SimEvent[]): SimEvent[][] {
  const out: SimEvent[][] = [];
  for (const e of events) {
    if (e.event === "sim-start") out.push([]);
    out.at(-1)?.push(e);
  }
  return out;
}

/** Events of a JVM that mean a login was typed: the form, the Log In button, a 2FA code. */
export function loginTyped(events: SimEvent[]): SimEvent[] {
  return events.filter((e) =>
    e.event === "login-attempt" ||
    (e.event === "field-set" && ["username", "password", "2fa-code"].includes(String(e.field))) ||
    (e.event === "click" && /log.?in/i.test(String(e.button)))
  );
}

/**
 * Changes the scenario that the NEXT JVM reads (a running JVM keeps the one it read at start),
 * written whole and renamed so a starting JVM never reads half a file.
 */
export async function nextJvmScenario(
  scenarioPath: string,
  edit: (sc: { faults: Record<string, unknown>; delays: Record<string, unknown> }) => void,
): Promise<void> {
  const sc = JSON.parse(await Deno.readTextFile(scenarioPath));
  edit(sc);
  await Deno.writeTextFile(`${scenarioPath}.tmp`, JSON.stringify(sc));
  await Deno.rename(`${scenarioPath}.tmp`, scenarioPath);
}
