/**
 * Whether the console may start with this configuration, as a pure function shared by `run`
 * (which refuses to start) and `doctor`: it is served by the health server, so that must be on,
 * and it shows a logged-in trading account, so off loopback it needs a token.
 */

import type { Config } from "../config/mod.ts";

/** True for an address only this host can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Every reason the console cannot start (empty when it can, or when it is off). */
export function consoleProblems(c: Config): string[] {
  if (!c.PILOT_CONSOLE) return [];
  const problems: string[] = [];
  if (c.CONTROLLER_HEALTH_SERVER_PORT === undefined) {
    problems.push(
      "PILOT_CONSOLE=yes needs CONTROLLER_HEALTH_SERVER_PORT: the console is served on the " +
        "health server's port (for example CONTROLLER_HEALTH_SERVER_PORT=8080)",
    );
  }
  const host = c.CONTROLLER_HEALTH_SERVER_HOST;
  if (!c.PILOT_CONSOLE_TOKEN && !isLoopbackHost(host)) {
    problems.push(
      `PILOT_CONSOLE=yes with CONTROLLER_HEALTH_SERVER_HOST=${host} needs PILOT_CONSOLE_TOKEN ` +
        `(or PILOT_CONSOLE_TOKEN_FILE): the console shows a logged-in trading account, so off ` +
        `loopback it is never served without a token (docs/console.md)`,
    );
  }
  if (c.PILOT_CONSOLE_TOKEN !== undefined && c.PILOT_CONSOLE_TOKEN.length < 16) {
    problems.push(
      "PILOT_CONSOLE_TOKEN is shorter than 16 characters: use a long random one " +
        "(for example: openssl rand -hex 24)",
    );
  }
  return problems;
}
