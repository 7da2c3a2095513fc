/**
 * PILOT_GATEWAY_INSTALL=upgrade while sessions run: every PILOT_GATEWAY_UPGRADE_INTERVAL the
 * channel is asked for its build; a newer one (not rolled back) is installed in the background,
 * never inside IBKR's maintenance window (when restarts happen), and runs from the next restart
 * of Gateway (its auto-restart, a RESTART, a crash): discovery picks the newest version at every
 * launch. The running session is never touched; the previous version stays installed.
 */

import { compareVersions, listInstalledVersions } from "../gateway/install.ts";
import { log } from "../log.ts";
import { installGateway, type InstallRequest, resolveTarget } from "./install.ts";
import type { VersionHealth } from "./versions.ts";
import { errorText } from "../util/errors.ts";

const logger = log("install");

/** Inputs of {@link startUpgrader}. */
export interface UpgraderOptions {
  request: InstallRequest;
  health: VersionHealth;
  intervalMs: number;
  /** True inside IBKR's maintenance window: no install then. */
  insideMaintenance: () => boolean;
}

/** One check: installs the channel's build when it is newer; returns the version installed. */
export async function checkForUpgrade(opts: UpgraderOptions): Promise<string | undefined> {
  if (opts.insideMaintenance()) {
    logger.debug("upgrade check skipped: inside IBKR's maintenance window");
    return undefined;
  }
  const target = await resolveTarget(opts.request);
  const installed = listInstalledVersions(opts.request.twsPath, "gateway");
  if (installed.includes(target.version)) return undefined;
  if (opts.health.badVersions().includes(target.version)) return undefined;
  if (installed[0] && compareVersions(target.version, installed[0]) <= 0) return undefined;
  const r = await installGateway(opts.request);
  logger.info(
    "Gateway {version} installed in the background; it runs from the next restart (the " +
      "previous version stays installed)",
    { version: r.version },
  );
  return r.version;
}

/** Starts the periodic check; `stop` ends it (an install under way finishes on its own). */
export function startUpgrader(opts: UpgraderOptions): { stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      await checkForUpgrade(opts);
    } catch (e) {
      logger.warn("upgrade check failed (the installed version keeps running): {error}", {
        error: errorText(e),
      });
    }
    if (!stopped) timer = setTimeout(tick, opts.intervalMs);
  };
  timer = setTimeout(tick, opts.intervalMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
