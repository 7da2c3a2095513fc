/**
 * PILOT_LOG_EXPORT_DIR: every day at PILOT_LOG_EXPORT_TIME (America/New_York) each READY session
 * exports Gateway's logs and API logs through Gateway's own windows (flow.ts) into
 * `<dir>/gateway_<YYYYMMDD>.log` and `<dir>/api_<YYYYMMDD>.log` (the day of the log; with
 * TRADING_MODE=both in `<dir>/live/` and `<dir>/paper/`), files 0600, and removes exports older
 * than PILOT_LOG_EXPORT_KEEP_DAYS. A failed step closes what it opened and raises
 * ALERT_LOG_EXPORT_FAILED; the session is never disturbed. The clock is injected.
 */

import { join } from "node:path";
import { alert, log } from "../log.ts";
import type { UiPort } from "../ui/port.ts";
import { ExportError, exportOne, type LogKind, WRITE_DEADLINE_MS } from "./flow.ts";
import { dueExport, exportDate, itemDate } from "./schedule.ts";
import { pollUntil } from "../util/deadline.ts";
import { errorText } from "../util/errors.ts";

/** How often the exporter looks at the clock. */
export const CHECK_INTERVAL_MS = 1_000;
/** The file that remembers the last export date in the export folder. */
export const LAST_EXPORT_FILE = ".last-export";

/** What the exporter needs of one session. */
export interface ExportSession {
  mode: string;
  /** The folder for this session's files. */
  dir: string;
  /** The UI port and Gateway's main window while READY, else undefined. */
  readyUi(): { ui: UiPort; mainWindowId: string } | undefined;
}

/** Inputs of {@link startLogExport}. */
export interface LogExportOptions {
  sessions: ExportSession[];
  at: { hour: number; minute: number };
  keepDays: number;
  insideMaintenance: (nowMs: number) => boolean;
  now?: () => number;
}

const logger = log("logexport");

async function lastDone(dir: string): Promise<string | undefined> {
  return (await Deno.readTextFile(join(dir, LAST_EXPORT_FILE)).catch(() => "")).trim() ||
    undefined;
}

/** True once `path` exists with content, within the write deadline. */
function writtenWithin(path: string, deadlineMs = WRITE_DEADLINE_MS): Promise<boolean> {
  const written = async () => {
    const st = await Deno.stat(path).catch(() => undefined);
    return st?.isFile === true && st.size > 0;
  };
  const what = `Gateway writing ${path}`;
  return pollUntil(written, { deadlineMs, name: "WRITE_DEADLINE_MS", what }).catch(() => false);
}

/** Removes `<kind>_<YYYYMMDD>.log` files whose day is older than `keepDays` before `today`. */
export async function pruneExports(
  dir: string,
  today: string,
  keepDays: number,
): Promise<string[]> {
  const t = Date.UTC(+today.slice(0, 4), +today.slice(4, 6) - 1, +today.slice(6, 8));
  const oldest = new Date(t - keepDays * 86_400_000).toISOString().slice(0, 10).replace(/-/g, "");
  const removed: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const m = /^(gateway|api)_(\d{8})\.log$/.exec(e.name);
    if (m && m[2] < oldest) {
      await Deno.remove(join(dir, e.name));
      removed.push(e.name);
    }
  }
  return removed;
}

/** Runs one export of both kinds for one session; true when both files were written. */
export async function exportSession(
  s: ExportSession,
  ui: UiPort,
  mainWindowId: string,
  today: string,
  keepDays: number,
): Promise<boolean> {
  await Deno.mkdir(s.dir, { recursive: true, mode: 0o700 });
  const files: string[] = [];
  for (const kind of ["gateway", "api"] as LogKind[]) {
    try {
      const r = await exportOne(
        ui,
        mainWindowId,
        kind,
        (day) => join(s.dir, `${kind}_${itemDate(day) ?? today}.log`),
        (p) => writtenWithin(p),
      );
      await Deno.chmod(r.path, 0o600).catch(() => {});
      files.push(r.path);
    } catch (e) {
      alert("ALERT_LOG_EXPORT_FAILED", {
        mode: s.mode,
        kind,
        step: e instanceof ExportError ? e.step : "ui",
        reason: errorText(e),
        remediation: "every window the export opened was closed; it is tried again tomorrow",
      });
      return false;
    }
  }
  const removed = await pruneExports(s.dir, today, keepDays);
  logger.info("exported Gateway's logs ({mode}): {files}{removed}", {
    mode: s.mode,
    files: files.join(", "),
    removed: removed.length ? `; removed ${removed.join(", ")}` : "",
  });
  return true;
}

/** Starts the daily export; `stop` ends it (an export under way finishes). */
export function startLogExport(opts: LogExportOptions): { stop(): Promise<void> } {
  const now = opts.now ?? Date.now;
  // The last export date per folder, read from its file once, then kept here.
  const done = new Map<string, string | undefined>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    for (const s of opts.sessions) {
      if (stopped) return;
      const t = now();
      if (!done.has(s.dir)) done.set(s.dir, await lastDone(s.dir));
      const due = dueExport(t, opts.at, done.get(s.dir), opts.insideMaintenance(t));
      if (!due) continue;
      const ready = s.readyUi();
      if (!ready) continue; // not READY: tried again at the next check, the same day
      await Deno.mkdir(s.dir, { recursive: true, mode: 0o700 });
      // Recorded first: a failed export alerts once and is tried again tomorrow, not every second.
      await Deno.writeTextFile(join(s.dir, LAST_EXPORT_FILE), `${due}\n`);
      done.set(s.dir, due);
      await exportSession(s, ready.ui, ready.mainWindowId, exportDate(t), opts.keepDays);
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loop = () => {
    running = tick().catch((e) => {
      logger.warn("log export check failed: {error}", { error: String(e) });
    }).finally(() => {
      if (!stopped) timer = setTimeout(loop, CHECK_INTERVAL_MS);
    });
  };
  timer = setTimeout(loop, CHECK_INTERVAL_MS);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
