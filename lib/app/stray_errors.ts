/**
 * The supervisor's last line of defence against its own bugs. A promise rejection nobody handles
 * ends a Deno process by default, which here would leave Gateway running unsupervised (and in a
 * container, killed without a clean logout, its IBKR session stranded). While `run` supervises,
 * such a rejection is logged as an internal error instead and the sessions carry on. The
 * end-to-end tests fail on the mark, so a bug is still seen.
 */

import { log } from "../log.ts";

/** Begins every line logged for a stray rejection (tests/e2e/harness.ts looks for it). */
export const STRAY_ERROR_MARK = "internal error, please report it";

/** Logs unhandled rejections instead of exiting; returns the function that stops doing so. */
export function catchStrayRejections(): () => void {
  const onRejection = (e: PromiseRejectionEvent) => {
    e.preventDefault();
    const r = e.reason;
    log("run").error(`${STRAY_ERROR_MARK}: a promise rejection nobody handled: {error}`, {
      error: r instanceof Error ? (r.stack ?? r.message) : String(r),
    });
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  return () => globalThis.removeEventListener("unhandledrejection", onRejection);
}
