/**
 * The trading modes: the one `Mode` type, the one list, and the one rule for which sessions a
 * configuration runs (TRADING_MODE=both runs live and paper side by side, each with names
 * suffixed `_live` / `_paper`).
 */

import type { Config } from "./schema.ts";

/** A session's trading mode. */
export type Mode = "live" | "paper";

/** Every trading mode, live first (the order of logs, /health and both-mode listings). */
export const MODES: readonly Mode[] = ["live", "paper"];

/** The sessions a configuration runs. */
export function modesOf(config: Pick<Config, "TRADING_MODE">): Mode[] {
  return config.TRADING_MODE === "both" ? [...MODES] : [config.TRADING_MODE];
}

/** A per-session name: `base` itself, or `base_<mode>` when both modes run side by side. */
export function perMode(config: Pick<Config, "TRADING_MODE">, base: string, mode: Mode): string {
  return config.TRADING_MODE === "both" ? `${base}_${mode}` : base;
}
