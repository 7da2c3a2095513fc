/**
 * The console's state panel data: each session's /health report (state, readiness evidence, last
 * authentication), the timeline of state transitions, the last alerts with their remediation, and
 * whether the screen (x11vnc) is up. It is fed by the same sources as /metrics: the supervisor's
 * status and its change notifications, and the ALERT_* events of lib/log.ts. Subscribers (the
 * server-sent events stream) get the whole snapshot as JSON whenever it changes. Everything sent
 * passes through the log redaction (configured secrets, TOTP codes, account ids): the page never
 * receives a secret.
 */

import { ACCOUNT_ID_PATTERN, type AlertEvent, onAlert, redactSecrets } from "../log.ts";
import type { SessionStatus } from "../servers/control.ts";
import type { Mode } from "../config/mod.ts";
import { type HealthReport, healthReport } from "../servers/report.ts";

/** Transitions kept for the timeline. */
export const TIMELINE_LENGTH = 50;
/** Alerts kept. */
export const ALERTS_LENGTH = 20;
/** Level values (ages, forwarded ports) are re-read this often even without an event. */
export const REFRESH_MS = 2_000;

/** One state transition. */
export interface Transition {
  at: number;
  mode: Mode;
  from: string | null;
  to: string;
  reason: string | null;
}

/** What the page shows. */
export interface ConsoleSnapshot {
  at: number;
  /** Whether the viewer may click and type (PILOT_CONSOLE_CONTROL). */
  control: boolean;
  screen: { available: boolean; running: boolean; restarts: number };
  health: HealthReport;
  timeline: Transition[];
  alerts: { at: number; token: string; level: string; fields: Record<string, unknown> }[];
}

/** The screen's source, when ibg-pilot runs x11vnc. */
export interface ScreenSource {
  running(): boolean;
  restarts(): number;
  onChange(listener: () => void): () => void;
}

/** What the feed reads. */
export interface FeedDeps {
  status: () => SessionStatus[];
  /** The supervisor's change notifications (a session's state object changed). */
  onChange?: (listener: () => void) => () => void;
  screen?: ScreenSource;
  control: boolean;
  mode: Mode | "both";
  startedAt: number;
  now?: () => number;
}

/** Redacts what the log would: configured secrets, live codes, account ids. */
export function redactForPage(text: string): string {
  return redactSecrets(
    text.replace(ACCOUNT_ID_PATTERN.pattern, ACCOUNT_ID_PATTERN.replacement as never),
  );
}

/** The live state panel data. */
export class ConsoleFeed {
  #deps: FeedDeps;
  #now: () => number;
  #timeline: Transition[] = [];
  #alerts: ConsoleSnapshot["alerts"] = [];
  #last = new Map<Mode, string>();
  #listeners = new Set<(json: string) => void>();
  #unsubscribe: (() => void)[] = [];
  #timer: ReturnType<typeof setInterval>;

  constructor(deps: FeedDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#observe();
    this.#unsubscribe.push(onAlert((e) => this.#alert(e)));
    if (deps.onChange) this.#unsubscribe.push(deps.onChange(() => this.#changed()));
    if (deps.screen) this.#unsubscribe.push(deps.screen.onChange(() => this.#changed()));
    this.#timer = setInterval(() => this.#changed(), REFRESH_MS);
  }

  #statuses(): SessionStatus[] {
    try {
      return this.#deps.status();
    } catch {
      return [];
    }
  }

  /** Records the transitions since the last look; returns the statuses it read. */
  #observe(): SessionStatus[] {
    const statuses = this.#statuses();
    for (const s of statuses) {
      const from = this.#last.get(s.mode) ?? null;
      if (from === s.state) continue;
      this.#last.set(s.mode, s.state);
      this.#timeline.push({
        at: this.#now(),
        mode: s.mode,
        from,
        to: s.state,
        reason: s.reason ?? null,
      });
      if (this.#timeline.length > TIMELINE_LENGTH) this.#timeline.shift();
    }
    return statuses;
  }

  #alert(e: AlertEvent): void {
    this.#alerts.push({ at: e.at, token: e.token, level: e.level, fields: { ...e.fields } });
    if (this.#alerts.length > ALERTS_LENGTH) this.#alerts.shift();
    this.#changed();
  }

  #changed(): void {
    // Observed even when nobody watches, so the timeline is whole when a page opens.
    if (this.#listeners.size === 0) return void this.#observe();
    // No "unchanged" check: uptime and the authentication age move every second anyway.
    const json = this.json();
    for (const l of this.#listeners) {
      try {
        l(json);
      } catch { /* a closed stream unsubscribes itself */ }
    }
  }

  /** The snapshot now. */
  snapshot(): ConsoleSnapshot {
    const statuses = this.#observe();
    const now = this.#now();
    const screen = this.#deps.screen;
    return {
      at: now,
      control: this.#deps.control,
      screen: {
        available: screen !== undefined,
        running: screen?.running() ?? false,
        restarts: screen?.restarts() ?? 0,
      },
      health: healthReport(statuses, {
        mode: this.#deps.mode,
        startedAt: this.#deps.startedAt,
        now,
      }),
      timeline: [...this.#timeline],
      alerts: [...this.#alerts],
    };
  }

  /** The snapshot as the page receives it: JSON, redacted. */
  json(): string {
    return redactForPage(JSON.stringify(this.snapshot()));
  }

  /** Calls `listener` with each changed snapshot; returns the unsubscribe. */
  subscribe(listener: (json: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops listening to every source. */
  close(): void {
    clearInterval(this.#timer);
    for (const u of this.#unsubscribe) u();
    this.#listeners.clear();
  }
}
