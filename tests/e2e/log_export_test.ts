/**
 * End to end, PILOT_LOG_EXPORT_DIR: once READY and past the export time (the time is a setting, so
 * no test waits for a clock: 00:00 has always passed), both of Gateway's logs are exported
 * through File > Gateway Logs / API Logs, View Logs, Export Logs..., Enter export filename; every
 * window opened is closed again and the session stays READY. A file dialog that refuses gives
 * ALERT_LOG_EXPORT_FAILED with the windows closed.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { SimEvent } from "../gateway-sim/events.ts";
import { withScenario } from "./harness.ts";

const READY = /-> "?ready"?/;
const LOG_WINDOWS = ["View Logs", "Enter export filename"];

/** Every log window shown was closed again. */
function allClosed(events: SimEvent[]): void {
  for (const title of [...LOG_WINDOWS, "Message", "Error"]) {
    const shown = events.filter((e) => e.event === "window-shown" && e.title === title).length;
    const closed = events.filter((e) => e.event === "window-closed" && e.title === title).length;
    assert.equal(closed, shown, `${title}: shown ${shown} times, closed ${closed}`);
  }
}

/** The New York date of a day before today, as the sim lists it and ibg-pilot names files. */
function nyDay(daysBack: number): string {
  const d = new Date(Date.now() - daysBack * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(d)
    .replace(/-/g, "");
}

Deno.test("daily log export: both files written at the export time, windows closed, still READY", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ibgp-e2e-logs-" });
  try {
    await withScenario({
      env: { PILOT_LOG_EXPORT_DIR: dir, PILOT_LOG_EXPORT_TIME: "00:00" },
    }, async (run) => {
      await run.line(READY);
      await run.line(/exported Gateway's logs \("?paper"?\)/);
      const day = nyDay(1);
      for (const kind of ["gateway", "api"]) {
        const file = join(dir, `${kind}_${day}.log`);
        const text = await Deno.readTextFile(file);
        assert.match(text, new RegExp(kind === "gateway" ? "Gateway Logs" : "API Logs"));
        assert.equal(Deno.statSync(file).mode! & 0o777, 0o600, `${file} is 0600`);
      }
      assert.equal((await Deno.readTextFile(join(dir, ".last-export"))).trim(), nyDay(0));
      const ev = await run.events();
      const exported = ev.filter((e) => e.event === "log-exported");
      assert.deepEqual(exported.map((e) => e.kind), ["Gateway Logs", "API Logs"]);
      allClosed(ev);
      // READY throughout: no state change after READY, and the API still answers.
      const out = run.pilot.output();
      assert.doesNotMatch(out, /\bready"? -> /, "the session never left READY");
      assert.doesNotMatch(out, /ALERT_(LOG_EXPORT_FAILED|UNKNOWN_WINDOW)/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("daily log export: a file dialog that refuses is closed, with an alert; still READY", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ibgp-e2e-logs-" });
  try {
    await withScenario({
      scenario: { faults: { logExport: "refuse" } },
      env: { PILOT_LOG_EXPORT_DIR: dir, PILOT_LOG_EXPORT_TIME: "00:00" },
    }, async (run) => {
      await run.line(READY);
      const alert = await run.line(/ALERT_LOG_EXPORT_FAILED .*/);
      assert.match(alert, /kind="?gateway"?/);
      assert.match(alert, /step="?write"?/);
      // Tried once today, not every second.
      assert.equal((await Deno.readTextFile(join(dir, ".last-export"))).trim(), nyDay(0));
      const ev = await run.events();
      await run.event(
        (e) => e.event === "window-closed" && e.title === "View Logs",
        "View Logs closed",
      );
      allClosed(await run.events());
      assert.ok(ev.some((e) => e.event === "window-shown" && e.title === "Error"));
      assert.doesNotMatch(run.pilot.output(), /\bready"? -> /, "the session never left READY");
    });
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
