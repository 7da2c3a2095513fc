/**
 * lib/state/: Gateway's state across hosts: which files are state (files.ts), warm state before
 * the first launch (warm.ts) and export-state (export.ts). See docs/warm-state.md.
 */

export * from "./files.ts";
export * from "./warm.ts";
export * from "./export.ts";
