/**
 * lib/state/: Gateway's state across hosts: which files are state (files.ts), warm state before
 * the first launch (warm.ts) and export-state (export.ts). See docs/warm-state.md.
 */

export { warmBeforeRun } from "./warm.ts";
export { exportState } from "./export.ts";
