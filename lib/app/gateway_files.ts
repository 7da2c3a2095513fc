/**
 * Gateway's files around `ibg-pilot run`: before anything starts, PILOT_GATEWAY_INSTALL
 * (missing, upgrade: lib/installer) and GATEWAY_WARM_STATE (lib/state); while the sessions run,
 * the background upgrader of PILOT_GATEWAY_INSTALL=upgrade. Not for `run --attach` (the user's
 * own Gateway). See docs/install.md and docs/warm-state.md.
 */

import type { Config } from "../config/mod.ts";
import { log } from "../log.ts";
import { maintenanceStatus } from "../session/clock.ts";
import type { Mode } from "../config/modes.ts";
import { warmBeforeRun } from "../state/mod.ts";
import { settingsDirFor } from "./host.ts";

/**
 * Installs what PILOT_GATEWAY_INSTALL asks, applies GATEWAY_WARM_STATE, then starts the upgrader
 * when asked; `stop` ends it. Throws InstallError (nothing to run) or an Error naming
 * GATEWAY_WARM_STATE (not a folder).
 */
export async function prepareGatewayFiles(
  c: Config,
  modes: readonly Mode[],
): Promise<{ stop(): void }> {
  // The installer (downloads, checksums) is loaded only when PILOT_GATEWAY_INSTALL asks for it.
  const installer = c.PILOT_GATEWAY_INSTALL === "never"
    ? undefined
    : await import("../installer/mod.ts");
  await installer?.installBeforeRun(c);
  await warmBeforeRun(
    c.GATEWAY_WARM_STATE,
    modes.map((mode) => ({ mode, settingsDir: settingsDirFor(c, mode) })),
    (line) => log("state").info(line),
  );
  if (!installer || c.PILOT_GATEWAY_INSTALL !== "upgrade") return { stop() {} };
  const window = c.PILOT_MAINTENANCE_WINDOW;
  return installer.startUpgrader({
    request: installer.installRequest(c),
    health: new installer.VersionHealth(c.TWS_PATH!),
    intervalMs: c.PILOT_GATEWAY_UPGRADE_INTERVAL * 1000,
    insideMaintenance: () =>
      window
        ? maintenanceStatus(Date.now(), { timeZone: "America/New_York", ...window }).inside
        : false,
  });
}
