/**
 * lib/logexport/: the daily export of Gateway's logs through its own windows (IBGA's feature):
 * when (schedule.ts), the UI steps (flow.ts), files, pruning and alerts (exporter.ts).
 * See docs/log-export.md.
 */

export { startLogExport } from "./exporter.ts";
