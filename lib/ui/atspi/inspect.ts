/**
 * Owns `ibg-pilot inspect --via atspi`: the showing windows of one Java application on the
 * accessibility bus and their component trees, in the port's model.
 */

import type { ComponentNode, WindowInfo } from "../port.ts";
import { openAtspiPort } from "./port.ts";

/** What inspect prints. */
export interface AtspiInspection {
  app: { pid: number; name: string; toolkit: string; bus: string };
  windows: { window: WindowInfo; tree: ComponentNode }[];
}

/**
 * Connects (AT_SPI_BUS_ADDRESS or the session bus), finds the application of `pid` (or the single
 * Java application), and snapshots every showing window.
 */
export async function inspectViaAtspi(
  pid?: number,
  opts: { address?: string; appDeadlineMs?: number } = {},
): Promise<AtspiInspection> {
  const port = await openAtspiPort({
    pid,
    address: opts.address,
    appDeadlineMs: opts.appDeadlineMs ?? 5_000,
  });
  try {
    const windows = await port.windows();
    return {
      app: {
        pid: port.app.pid,
        name: port.app.name,
        toolkit: port.app.toolkit,
        bus: port.app.ref.bus,
      },
      windows: await Promise.all(
        windows.map(async (window) => ({ window, tree: await port.snapshot(window.id) })),
      ),
    };
  } finally {
    await port.close();
  }
}
