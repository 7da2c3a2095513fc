/** Maintenance window edges (ET, across DST), weekly re-auth boundary, backoff schedule. */

import assert from "node:assert/strict";
import {
  backoffMs,
  crossedWeeklyReset,
  lastWeeklyReset,
  maintenanceStatus,
} from "../../lib/session/clock.ts";
import { isTimeZone, wallClock } from "../../lib/util/wall_clock.ts";

// Instants chosen in winter (EST, UTC-5) and summer (EDT, UTC-4).
const est = (iso: string) => Date.parse(`${iso}-05:00`);
const edt = (iso: string) => Date.parse(`${iso}-04:00`);

Deno.test("maintenance window edges: 23:29 out, 23:30 in, 00:29 in, 00:30 out (EST and EDT)", () => {
  for (const t of [est, edt]) {
    const day = t === est ? "2026-01-14" : "2026-07-14";
    const next = t === est ? "2026-01-15" : "2026-07-15";
    assert.deepEqual(maintenanceStatus(t(`${day}T23:29:59`)), { inside: false });
    const at2330 = maintenanceStatus(t(`${day}T23:30:00`));
    assert.deepEqual(at2330, { inside: true, remainingMs: 60 * 60_000 });
    const at0029 = maintenanceStatus(t(`${next}T00:29:30`));
    assert.deepEqual(at0029, { inside: true, remainingMs: 30_000 });
    assert.deepEqual(maintenanceStatus(t(`${next}T00:30:00`)), { inside: false });
  }
});

Deno.test("maintenance window on the nights of the DST changes", () => {
  // US DST starts 2026-03-08 02:00 EST and ends 2026-11-01 02:00 EDT: the window is unaffected.
  assert.equal(maintenanceStatus(est("2026-03-07T23:45:00")).inside, true);
  assert.equal(maintenanceStatus(est("2026-03-08T00:31:00")).inside, false);
  assert.equal(maintenanceStatus(edt("2026-10-31T23:30:00")).inside, true);
  assert.equal(maintenanceStatus(edt("2026-11-01T00:30:00")).inside, false);
  // UTC instants: 04:29 UTC in summer is 00:29 EDT (inside), in winter 23:29 EST (outside).
  assert.equal(maintenanceStatus(Date.parse("2026-07-15T04:29:00Z")).inside, true);
  assert.equal(maintenanceStatus(Date.parse("2026-01-15T04:29:00Z")).inside, false);
});

Deno.test("weekly reset is Sunday 01:00 New York time, in winter and summer", () => {
  // Wednesday 2026-01-14 -> previous Sunday 2026-01-11 01:00 EST.
  assert.equal(lastWeeklyReset(est("2026-01-14T12:00:00")), est("2026-01-11T01:00:00"));
  assert.equal(lastWeeklyReset(edt("2026-07-15T12:00:00")), edt("2026-07-12T01:00:00"));
  // Exactly at the boundary, and one second before it.
  assert.equal(lastWeeklyReset(est("2026-01-11T01:00:00")), est("2026-01-11T01:00:00"));
  assert.equal(lastWeeklyReset(est("2026-01-11T00:59:59")), est("2026-01-04T01:00:00"));
  // The Sunday after DST started (2026-03-08 02:00): the reset of 03-08 01:00 was still EST.
  assert.equal(lastWeeklyReset(edt("2026-03-10T12:00:00")), est("2026-03-08T01:00:00"));
  const w = wallClock(lastWeeklyReset(edt("2026-11-03T12:00:00")), "America/New_York");
  assert.deepEqual([w.weekday, w.hour, w.minute], [0, 1, 0]);
});

Deno.test("a token from Saturday is stale on Monday; one from Monday is not", () => {
  assert.equal(crossedWeeklyReset(est("2026-01-10T23:50:00"), est("2026-01-12T09:00:00")), true);
  assert.equal(crossedWeeklyReset(est("2026-01-12T00:01:00"), est("2026-01-12T09:00:00")), false);
});

Deno.test("backoff doubles from 60 s to a 600 s cap", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 10].map((n) => backoffMs(n) / 1000), [
    60,
    120,
    240,
    480,
    600,
    600,
    600,
  ]);
  assert.equal(backoffMs(0), 0);
  assert.equal(backoffMs(3, 1000, 5000), 4000);
});

Deno.test("the wall clock of an instant in New York, Tokyo and UTC, and which zones are known", () => {
  // 2026-03-08 06:59:59Z is 01:59:59 EST; one second later it is 03:00:00 EDT (DST starts).
  const before = Date.parse("2026-03-08T06:59:59Z");
  assert.deepEqual(wallClock(before, "America/New_York"), {
    year: 2026,
    month: 3,
    day: 8,
    weekday: 0,
    hour: 1,
    minute: 59,
    second: 59,
  });
  assert.deepEqual(
    [wallClock(before + 1000, "America/New_York").hour, wallClock(before + 1000, "Asia/Tokyo")],
    [3, { year: 2026, month: 3, day: 8, weekday: 0, hour: 16, minute: 0, second: 0 }],
  );
  assert.equal(wallClock(Date.parse("2026-12-05T23:30:00Z"), "Etc/UTC").weekday, 6);
  for (const zone of ["America/New_York", "Etc/UTC", "UTC", "Europe/London", "US/Eastern"]) {
    assert.ok(isTimeZone(zone), zone);
  }
  for (const zone of ["Mars/Olympus_Mons", "", "New York"]) assert.ok(!isTimeZone(zone), zone);
});
