/**
 * The browser console (PILOT_CONSOLE=yes): Gateway's screen through noVNC and a live state panel,
 * served under /console/ on the health server's port. One port to publish and one server to
 * secure; /health and /metrics stay unauthenticated for probes and scrapers while everything
 * under /console/ needs the token (docs/console.md has the threat model).
 */

import type { Config } from "../config/mod.ts";
import type { VncSupervisor, VncTarget } from "../container/mod.ts";
import type { ControlTarget } from "../servers/control.ts";
import type { Mode } from "../config/mod.ts";
import { ConsoleAuth } from "./auth.ts";
import { ConsoleFeed } from "./feed.ts";
import { type ConsoleRoutes, consoleRoutes } from "./handler.ts";

/** What the console is built from. */
export interface ConsoleOptions {
  config: Config;
  target: Pick<ControlTarget, "status" | "onChange">;
  mode: Mode | "both";
  startedAt: number;
  /** ibg-pilot's x11vnc and how to reach it; absent when ibg-pilot does not own the display. */
  vnc?: { supervisor: VncSupervisor; target: VncTarget };
  /** Tests shorten the failed-attempt penalty. */
  failureDelayMs?: (n: number) => number;
}

/** A running console: its routes and its feed. */
export interface Console extends ConsoleRoutes {
  feed: ConsoleFeed;
}

/** Builds the console (the health server serves its routes). */
export function createConsole(opts: ConsoleOptions): Console {
  const control = opts.config.PILOT_CONSOLE_CONTROL;
  const sup = opts.vnc?.supervisor;
  const feed = new ConsoleFeed({
    status: () => opts.target.status(),
    onChange: opts.target.onChange?.bind(opts.target),
    screen: sup && {
      running: () => sup.current !== undefined,
      restarts: () => sup.restarts,
      onChange: (l) => sup.onChange(() => l()),
    },
    control,
    mode: opts.mode,
    startedAt: opts.startedAt,
  });
  const routes = consoleRoutes({
    auth: new ConsoleAuth({
      token: opts.config.PILOT_CONSOLE_TOKEN,
      failureDelayMs: opts.failureDelayMs,
    }),
    feed,
    vnc: () => (sup?.current ? opts.vnc?.target : undefined),
    control,
  });
  return {
    feed,
    handle: routes.handle,
    async close() {
      feed.close();
      await routes.close();
    },
  };
}
