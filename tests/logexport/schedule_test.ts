/** When the daily export is due (an injected clock), which day it takes, and pruning. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { dueExport, exportDate, itemDate, pickDay } from "../../lib/logexport/schedule.ts";
import { pruneExports } from "../../lib/logexport/exporter.ts";

// 2026-12-07 is a Monday; New York is UTC-5 in December.
const ny = (hhmm: string, day = "2026-12-07") => Date.parse(`${day}T${hhmm}:00-05:00`);
const SIX = { hour: 6, minute: 0 };

Deno.test("due once a day at or after the time, in New York, never inside the maintenance window", () => {
  assert.equal(dueExport(ny("05:59"), SIX, undefined, false), undefined, "not yet");
  assert.equal(dueExport(ny("06:00"), SIX, undefined, false), "20261207", "at the time");
  assert.equal(dueExport(ny("14:30"), SIX, "20261206", false), "20261207", "missed: caught up");
  assert.equal(dueExport(ny("14:30"), SIX, "20261207", false), undefined, "done today");
  assert.equal(dueExport(ny("06:00"), SIX, undefined, true), undefined, "inside the window");
  // 02:00 UTC on the 8th is still the 7th in New York.
  assert.equal(exportDate(Date.parse("2026-12-08T02:00:00Z")), "20261207");
  assert.equal(dueExport(ny("00:10", "2026-12-08"), SIX, "20261207", false), undefined);
});

Deno.test("the day taken: the last complete one, named by its date", () => {
  assert.equal(pickDay(["2026-12-05", "2026-12-06", "2026-12-07"]), "2026-12-06");
  assert.equal(pickDay(["2026-12-07"]), "2026-12-07");
  assert.equal(pickDay([]), undefined);
  assert.equal(itemDate("2026-12-06"), "20261206");
  assert.equal(itemDate("20261206"), "20261206");
  assert.equal(itemDate("no date here"), undefined);
});

Deno.test("exports older than the days kept are removed, nothing else", async () => {
  const dir = await Deno.makeTempDir();
  for (
    const n of ["gateway_20261120.log", "api_20261122.log", "gateway_20261123.log", "notes.txt"]
  ) {
    await Deno.writeTextFile(join(dir, n), "x");
  }
  assert.deepEqual((await pruneExports(dir, "20261207", 14)).sort(), [
    "api_20261122.log",
    "gateway_20261120.log",
  ]);
  const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(left, ["gateway_20261123.log", "notes.txt"]);
  await Deno.remove(dir, { recursive: true });
});
