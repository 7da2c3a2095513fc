/**
 * Which API port each trading mode's Gateway listens on. One rule for the settings plan (what
 * to type into API > Settings), the probe, /health and the port forwarder: in both mode live and
 * paper run side by side, so they cannot share TWS_API_PORT.
 */

import type { Config, SettingName } from "./mod.ts";
import type { Mode } from "./modes.ts";

/** Gateway's own default API ports. */
export const DEFAULT_API_PORT: Record<Mode, number> = { live: 4001, paper: 4002 };
/** TWS's own default API ports (IBC's sample config.ini; TWS's API > Settings defaults). */
export const TWS_DEFAULT_API_PORT: Record<Mode, number> = { live: 7496, paper: 7497 };

/** The port a setting asks for in this mode, and which setting asked; undefined: Gateway's own. */
export function configuredApiPort(
  config: Config,
  mode: Mode,
): { port: number; setting: SettingName } | undefined {
  if (mode === "paper" && config.TWS_API_PORT_PAPER !== undefined) {
    return { port: config.TWS_API_PORT_PAPER, setting: "TWS_API_PORT_PAPER" };
  }
  // In both mode TWS_API_PORT belongs to the live session.
  if (mode === "paper" && config.TRADING_MODE === "both") return undefined;
  if (config.TWS_API_PORT !== undefined) {
    return { port: config.TWS_API_PORT, setting: "TWS_API_PORT" };
  }
  return undefined;
}

/** The API port of a mode: the configured socket port, else the product's default. */
export function apiPortFor(config: Config, mode: Mode): number {
  const defaults = config.GATEWAY_OR_TWS === "tws" ? TWS_DEFAULT_API_PORT : DEFAULT_API_PORT;
  return configuredApiPort(config, mode)?.port ?? defaults[mode];
}
