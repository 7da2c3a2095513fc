/**
 * The operator-facing servers, wired from the configuration: the IBC-compatible command server
 * (command.ts), the health/metrics HTTP server (health.ts) and the metrics registry
 * (metrics.ts). Each is loaded only when its port is configured (the metrics with the health
 * server, /metrics being their only reader): what a run does not serve costs it no memory. The supervisor calls {@link startServers} once with its {@link ControlTarget}
 * and `close()` at the very end of its shutdown.
 */

import type { Config } from "../config/mod.ts";
import { log } from "../log.ts";
import type { CommandServer } from "./command.ts";
import type { CommandServerLimits, ControlTarget } from "./control.ts";
import type { HealthServer } from "./health.ts";
import type { PilotMetrics } from "./metrics.ts";
import type { Console } from "../console/mod.ts";
import type { VncSupervisor, VncTarget } from "../container/mod.ts";

/** The servers that were started (each absent when its port is unset). */
export interface Servers {
  command?: CommandServer;
  health?: HealthServer;
  /** The browser console, when PILOT_CONSOLE=yes (served by the health server). */
  console?: Console;
  /** The metrics /metrics serves: present with the health server only. */
  metrics?: PilotMetrics;
  /** Stops both servers. */
  close(): Promise<void>;
}

/**
 * Starts the servers whose port is configured, connects metrics to the target's status and to
 * ALERT events. A port that cannot be bound is an error (the caller decides whether it is
 * fatal).
 */
export async function startServers(
  config: Config,
  target: ControlTarget,
  opts: {
    metrics?: PilotMetrics;
    startedAt?: number;
    limits?: Partial<CommandServerLimits>;
    /** ibg-pilot's x11vnc, for the console's screen. */
    vnc?: { supervisor: VncSupervisor; target: VncTarget };
    /** The console's failed-attempt penalty (tests). */
    consoleFailureDelayMs?: (n: number) => number;
  } = {},
): Promise<Servers> {
  const m = opts.metrics ??
    (config.CONTROLLER_HEALTH_SERVER_PORT !== undefined
      ? (await import("./metrics.ts")).metrics
      : undefined);
  const startedAt = opts.startedAt ?? performance.timeOrigin;
  const mode = config.TRADING_MODE;
  m?.setStatusSource(() => target.status());
  const unsubscribe = m?.subscribeAlerts();
  const servers: Servers = {
    metrics: m,
    async close() {
      unsubscribe?.();
      // Event streams and screen connections would hold the health server's shutdown open.
      await servers.console?.close();
      await Promise.all([servers.command?.close(), servers.health?.close()]);
    },
  };
  if (config.CONTROLLER_COMMAND_SERVER_PORT !== undefined) {
    const { CommandServer } = await import("./command.ts");
    const command = new CommandServer({
      port: config.CONTROLLER_COMMAND_SERVER_PORT,
      hostname: config.CONTROLLER_COMMAND_SERVER_HOST,
      target,
      mode,
      controlFrom: config.CONTROL_FROM,
      authToken: config.CONTROLLER_COMMAND_SERVER_AUTH_TOKEN,
      infoMessages: config.PILOT_COMMAND_SERVER_INFO,
      prompt: config.PILOT_COMMAND_PROMPT,
      limits: opts.limits,
      startedAt,
      events: {
        command: (c, ok) => m?.commandHandled(c, ok),
        rejected: (r) => m?.connectionRejected(r),
      },
    });
    await command.start();
    servers.command = command;
  }
  if (m && config.CONTROLLER_HEALTH_SERVER_PORT !== undefined) {
    if (config.PILOT_CONSOLE) {
      const { createConsole } = await import("../console/mod.ts");
      servers.console = createConsole({
        config,
        target,
        mode,
        startedAt,
        vnc: opts.vnc,
        failureDelayMs: opts.consoleFailureDelayMs,
      });
    }
    try {
      const { startHealthServer } = await import("./health.ts");
      servers.health = await startHealthServer({
        hostname: config.CONTROLLER_HEALTH_SERVER_HOST,
        port: config.CONTROLLER_HEALTH_SERVER_PORT,
        target,
        metrics: m,
        mode,
        startedAt,
        console: servers.console,
      });
      if (servers.console) {
        log("console").info("console at {url} ({access}, {control})", {
          url: `http://${servers.health.addr.hostname}:${servers.health.addr.port}/console/`,
          access: config.PILOT_CONSOLE_TOKEN ? "token required" : "loopback, no token",
          control: config.PILOT_CONSOLE_CONTROL ? "control" : "view only",
        });
      }
    } catch (e) {
      await servers.close();
      throw e;
    }
  }
  return servers;
}
