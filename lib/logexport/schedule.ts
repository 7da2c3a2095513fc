/**
 * When the daily log export is due: once per day, at or after the configured time of day in
 * America/New_York (the time zone of IBKR's maintenance window and of PILOT_MAINTENANCE_WINDOW),
 * never inside that window, and once missed (the session was not READY, ibg-pilot started later)
 * as soon as possible the same day. Pure: the clock is passed in.
 */

import { wallClock } from "../util/wall_clock.ts";

/** IBKR's time zone for daily schedules. */
export const EXPORT_TIME_ZONE = "America/New_York";

/** The New York date of `atMs` as YYYYMMDD. */
export function exportDate(atMs: number): string {
  const w = wallClock(atMs, EXPORT_TIME_ZONE);
  return `${w.year}${String(w.month).padStart(2, "0")}${String(w.day).padStart(2, "0")}`;
}

/** Minutes since New York midnight at `atMs`. */
export function minuteOfDay(atMs: number): number {
  const w = wallClock(atMs, EXPORT_TIME_ZONE);
  return w.hour * 60 + w.minute;
}

/** The export date that is due at `atMs`, or undefined when nothing is. */
export function dueExport(
  atMs: number,
  at: { hour: number; minute: number },
  lastDone: string | undefined,
  insideMaintenance: boolean,
): string | undefined {
  if (insideMaintenance) return undefined;
  const today = exportDate(atMs);
  if (lastDone === today) return undefined;
  return minuteOfDay(atMs) >= at.hour * 60 + at.minute ? today : undefined;
}

/** The day of a `View Logs` list item (`2026-12-05`, `20261205`, `Dec 5, 2026` ...) as YYYYMMDD. */
export function itemDate(item: string): string | undefined {
  const iso = /(\d{4})-?(\d{2})-?(\d{2})/.exec(item);
  if (iso) return `${iso[1]}${iso[2]}${iso[3]}`;
  const t = Date.parse(item);
  if (Number.isNaN(t)) return undefined;
  const d = new Date(t);
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, "0")}${
    String(d.getDate()).padStart(2, "0")
  }`;
}

/**
 * Which listed day to export: the one before the newest (the last complete day, exported once
 * each day), or the only one. Items are in Gateway's order, oldest first.
 */
export function pickDay(items: readonly string[]): string | undefined {
  return items.length >= 2 ? items[items.length - 2] : items[0];
}
