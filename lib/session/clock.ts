/**
 * Time rules of IBKR's service, as pure functions of an instant: the nightly maintenance window
 * (no logins inside it), the weekly re-authentication boundary (Sunday 01:00 US/Eastern, after
 * which an autorestart token no longer resumes a session), and the backoff schedules used when
 * IBKR refuses or drops logins. All take epoch milliseconds and never read the clock.
 */

import { wallClock } from "../util/wall_clock.ts";

/** IBKR's nightly maintenance window, as wall-clock minutes in a time zone. */
export interface MaintenanceWindow {
  timeZone: string;
  /** Minutes after midnight the window starts (inclusive). */
  startMinute: number;
  /** Minutes after midnight the window ends (exclusive); may be below start (crosses midnight). */
  endMinute: number;
}

/** 23:30-00:30 America/New_York: IBKR publishes 23:45-00:15; 15 minutes of margin each side. */
export const DEFAULT_MAINTENANCE: MaintenanceWindow = {
  timeZone: "America/New_York",
  startMinute: 23 * 60 + 30,
  endMinute: 30,
};

/**
 * Whether `atMs` is inside the window, and if so how long until it ends. DST changes happen at
 * 02:00 local time, outside any window that ends by then, so minute arithmetic is exact here.
 */
export function maintenanceStatus(
  atMs: number,
  w: MaintenanceWindow = DEFAULT_MAINTENANCE,
): { inside: false } | { inside: true; remainingMs: number } {
  const c = wallClock(atMs, w.timeZone);
  const m = c.hour * 60 + c.minute;
  const crosses = w.endMinute <= w.startMinute;
  const inside = crosses
    ? m >= w.startMinute || m < w.endMinute
    : m >= w.startMinute && m < w.endMinute;
  if (!inside) return { inside: false };
  const minutesLeft = (w.endMinute - m + 1440) % 1440;
  return { inside: true, remainingMs: (minutesLeft * 60 - c.second) * 1000 - (atMs % 1000) };
}

/**
 * The most recent weekly re-authentication boundary at or before `atMs`: Sunday 01:00 in
 * America/New_York. A session (or autorestart token) from before it needs a full login with 2FA.
 */
export function lastWeeklyReset(atMs: number, timeZone = "America/New_York"): number {
  const c = wallClock(atMs, timeZone);
  // Minutes since the most recent Sunday 01:00 local time.
  let minutesSince = c.weekday * 1440 + c.hour * 60 + c.minute - 60;
  if (minutesSince < 0) minutesSince += 7 * 1440;
  let candidate = atMs - (minutesSince * 60 + c.second) * 1000 - (atMs % 1000);
  // A DST change inside the week shifts the local clock by an hour: correct by checking.
  for (const shift of [0, 3600_000, -3600_000]) {
    const t = candidate + shift;
    const w = wallClock(t, timeZone);
    if (w.weekday === 0 && w.hour === 1 && w.minute === 0 && w.second === 0 && t <= atMs) {
      candidate = t;
      break;
    }
  }
  return candidate;
}

/** Whether something that happened at `thenMs` is from before the latest weekly reset at `nowMs`. */
export function crossedWeeklyReset(thenMs: number, nowMs: number): boolean {
  return thenMs < lastWeeklyReset(nowMs);
}

/** Exponential backoff: base doubling up to a cap; `attempt` counts from 1. */
export function backoffMs(attempt: number, baseMs = 60_000, capMs = 600_000): number {
  if (attempt < 1) return 0;
  return Math.min(capMs, baseMs * 2 ** (attempt - 1));
}
