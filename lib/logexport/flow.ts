/**
 * The log export through Gateway's own windows, the way IBGA does it: File > `Gateway Logs` (or
 * `API Logs`), in `View Logs` select a day and press `Export Logs...`, type the file into
 * `Enter export filename`, press `Open`, dismiss the message with `OK`, press `Cancel`. Every
 * step waits for its window with a named deadline; whatever happens, every window the export
 * opened is closed before it returns, so a READY session is left as it was.
 */

import { LOG_EXPORT } from "../dialogs/catalogue.ts";
import { byRole, firstButton } from "../dialogs/tree.ts";
import type { UiPort, WindowInfo } from "../ui/port.ts";
import { pickDay } from "./schedule.ts";
import { NamedError } from "../util/errors.ts";
import { settlesWithin } from "../util/deadline.ts";

/** How long each of Gateway's log windows may take to appear. */
export const WINDOW_DEADLINE_MS = 15_000;
/** How long Gateway may take to write the file after `Open`. */
export const WRITE_DEADLINE_MS = 30_000;

/** One kind of log. */
export type LogKind = keyof typeof LOG_EXPORT.kinds;

/** Raised when a step fails; `step` names it for the alert. */
export class ExportError extends NamedError {
  constructor(readonly step: string, message: string) {
    super(message);
  }
}

/** Waits for a showing window matching `pred` that was not in `before`. */
async function waitWindow(
  ui: UiPort,
  before: ReadonlySet<string>,
  pred: (w: WindowInfo) => boolean,
  step: string,
  deadlineMs = WINDOW_DEADLINE_MS,
): Promise<WindowInfo> {
  const fits = (w: WindowInfo) => w.showing && !before.has(w.id) && pred(w);
  const end = Date.now() + deadlineMs;
  let wake = () => {};
  const off = ui.onEvent((e) => {
    if (e.type === "window-opened" || e.type === "window-activated") wake();
  });
  try {
    while (true) {
      const woke = new Promise<void>((r) => wake = r);
      const found = (await ui.windows()).find(fits);
      if (found) return found;
      const left = end - Date.now();
      if (left <= 0) {
        throw new ExportError(step, `no such window within ${deadlineMs / 1000} s (${step})`);
      }
      // Events can race the list: look again at least every 250 ms.
      await settlesWithin(woke, Math.min(left, 250));
    }
  } finally {
    off();
  }
}

/** Exports one kind of log to `file`; returns the day exported (as listed). */
export async function exportOne(
  ui: UiPort,
  mainWindowId: string,
  kind: LogKind,
  file: (day: string) => string,
  written: (path: string) => Promise<boolean>,
): Promise<{ day: string; path: string }> {
  const before = new Set((await ui.windows()).map((w) => w.id));
  try {
    await ui.menu(mainWindowId, [LOG_EXPORT.menu, LOG_EXPORT.kinds[kind]]);
    const view = await waitWindow(
      ui,
      before,
      (w) => w.title === LOG_EXPORT.viewTitle,
      `${LOG_EXPORT.viewTitle} after File > ${LOG_EXPORT.kinds[kind]}`,
    );
    const [list] = byRole(await ui.snapshot(view.id), "list");
    const day = pickDay(list?.items ?? []);
    if (!day) throw new ExportError("list", `${LOG_EXPORT.viewTitle} lists no day to export`);
    await ui.selectListItem(view.id, day);
    const opened = new Set((await ui.windows()).map((w) => w.id));
    await ui.click(view.id, { text: LOG_EXPORT.export });
    const chooser = await waitWindow(
      ui,
      opened,
      (w) => w.title === LOG_EXPORT.filenameTitle,
      `${LOG_EXPORT.filenameTitle} after ${LOG_EXPORT.export}`,
    );
    const path = file(day);
    await ui.setText(chooser.id, { role: "text", index: 0 }, path);
    const beforeOpen = new Set((await ui.windows()).map((w) => w.id));
    await ui.click(chooser.id, { text: LOG_EXPORT.open });
    // Gateway answers with a message (success) or an error; either way one window with OK.
    const answer = await waitWindow(
      ui,
      beforeOpen,
      (w) => w.kind !== "frame",
      `the message after ${LOG_EXPORT.open}`,
    );
    // An error keeps the file dialog open; success closes it, then the file must be there.
    const refused = (await ui.windows()).some((w) => w.id === chooser.id && w.showing);
    const ok = !refused && await written(path);
    if (firstButton(await ui.snapshot(answer.id), [LOG_EXPORT.ok])) {
      await ui.click(answer.id, { text: LOG_EXPORT.ok });
    }
    if (refused) {
      throw new ExportError(
        "write",
        `Gateway kept "${LOG_EXPORT.filenameTitle}" open and answered with the window ` +
          `"${answer.title}" (${path} not written)`,
      );
    }
    if (!ok) {
      throw new ExportError(
        "write",
        `Gateway did not write ${path} within ${WRITE_DEADLINE_MS / 1000} s ` +
          `(its answer was the window "${answer.title}")`,
      );
    }
    await ui.click(view.id, { text: LOG_EXPORT.cancel }).catch(() => {});
    return { day, path };
  } finally {
    // Never leave a window open: close whatever this export opened and is still there.
    for (const w of (await ui.windows().catch(() => [] as WindowInfo[])).reverse()) {
      if (!before.has(w.id) && w.showing && w.id !== mainWindowId) {
        await ui.closeWindow(w.id).catch(() => {});
      }
    }
  }
}
