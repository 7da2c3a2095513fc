/**
 * What running as a container's main process needs, decided from the configuration and the
 * environment by pure functions: whether to start Xvfb, which outside ports to forward to which
 * Gateway API ports, the PID 1 advice, and every configuration problem at once.
 *
 * "Headless" means DISPLAY is unset or empty. A desktop session always sets DISPLAY; a container
 * never does unless the user runs their own X server. So the `auto` defaults (Xvfb on, API
 * forwarding on) apply in containers and stay off on desktops, where opening 0.0.0.0:4003 to the
 * network would be a surprise.
 */

import type { Config, SettingName } from "../config/mod.ts";
import type { Mode } from "../config/mod.ts";
import { SCREEN_PATTERN } from "./xvfb.ts";
import { isLoopbackHost } from "../console/config.ts";

/** gnzsnz's socat ports: what its users' compose files map (`127.0.0.1:4001:4003`). */
export const DEFAULT_FORWARD_PORT: Record<Mode, number> = { live: 4003, paper: 4004 };

/** One outside port relayed to one session's API port. */
export interface ForwardPlan {
  mode: Mode;
  listenHost: string;
  listenPort: number;
  targetPort: number;
  /** The setting that chose `listenPort`, for messages. */
  portSetting: SettingName;
}

/** The decisions. */
export interface ContainerPlan {
  /** Start our own Xvfb with this screen; undefined: use DISPLAY as it is. */
  xvfb?: { screen: string; reason: string };
  forwards: ForwardPlan[];
  /** Every problem found; non-empty means nothing may be started. */
  problems: string[];
  /** Set when this process is PID 1: what to do about it. */
  pid1Warning?: string;
  /**
   * Serve our display over VNC (x11vnc): with VNC_SERVER_PASSWORD (for VNC clients) or for the
   * console alone (then on loopback only, with a password nobody but ibg-pilot knows).
   */
  vnc?: { port: number; host: string; reason: string };
  /** What was asked for but does not apply here (logged as warnings). */
  warnings: string[];
}

/** The VNC decision: only on a display ibg-pilot owns (as gnzsnz served its own Xvfb). */
function planVnc(
  config: Config,
  ownsDisplay: boolean,
  warnings: string[],
  problems: string[],
): ContainerPlan["vnc"] {
  const password = config.VNC_SERVER_PASSWORD !== undefined;
  if (!password && !config.PILOT_CONSOLE) return undefined;
  if (!ownsDisplay) {
    warnings.push(
      `${password ? "VNC_SERVER_PASSWORD" : "PILOT_CONSOLE"} is set, but ibg-pilot does not ` +
        `start the display here (DISPLAY is set or PILOT_XVFB=no), so it starts no VNC server: ` +
        `serve your display yourself (x11vnc -display $DISPLAY), or unset DISPLAY` +
        (config.PILOT_CONSOLE ? "; the console shows the sessions' state without the screen" : ""),
    );
    return undefined;
  }
  const host = password ? config.PILOT_VNC_HOST : "127.0.0.1";
  if (config.PILOT_CONSOLE && host !== "0.0.0.0" && !isLoopbackHost(host)) {
    problems.push(
      `PILOT_VNC_HOST=${host} with PILOT_CONSOLE=yes: the console reaches x11vnc on 127.0.0.1, ` +
        `which x11vnc then does not listen on; use 0.0.0.0 or 127.0.0.1`,
    );
  }
  return {
    port: config.PILOT_VNC_PORT,
    host,
    reason: password ? "VNC_SERVER_PASSWORD is set" : "PILOT_CONSOLE=yes (loopback only)",
  };
}

/** True when no X display is given. */
export function isHeadless(env: Record<string, string | undefined>): boolean {
  return !env.DISPLAY?.trim();
}

/** The PID 1 advice, or undefined when `pid` is not 1. */
export function pid1Advice(pid: number): string | undefined {
  if (pid !== 1) return undefined;
  return "ibg-pilot is PID 1. It handles SIGTERM and SIGINT itself (clean logout first), but " +
    "it does not reap orphaned processes that Gateway leaves behind, so they would pile up as " +
    "zombies. Run it under an init: `docker run --init`, compose `init: true`, or tini as the " +
    "image ENTRYPOINT (docs/container.md).";
}

/**
 * Plans the container support for `modes`. `apiPort` gives each mode's Gateway API port
 * (lib/config/ports.ts apiPortFor).
 */
export function planContainer(
  config: Config,
  env: Record<string, string | undefined>,
  modes: Mode[],
  apiPort: (mode: Mode) => number,
  pid: number = Deno.pid,
): ContainerPlan {
  const problems: string[] = [];
  const headless = isHeadless(env);
  const xvfbSetting = config.PILOT_XVFB;
  let xvfb: ContainerPlan["xvfb"];
  const screen = config.PILOT_XVFB_SCREEN;
  if (xvfbSetting === "yes" || (xvfbSetting === "auto" && headless)) {
    xvfb = {
      screen,
      reason: xvfbSetting === "yes" ? "PILOT_XVFB=yes" : "DISPLAY is unset (PILOT_XVFB=auto)",
    };
    if (!SCREEN_PATTERN.test(screen)) {
      problems.push(
        `PILOT_XVFB_SCREEN=${JSON.stringify(screen)} is not WIDTHxHEIGHTxDEPTH with depth 8, ` +
          `15, 16, 24 or 32 (for example 1280x1024x24)`,
      );
    }
  } else if (headless) {
    problems.push(
      "DISPLAY is unset and PILOT_XVFB=no: Gateway needs an X display. Set DISPLAY to a running " +
        "X server, or PILOT_XVFB=auto to let ibg-pilot start Xvfb",
    );
  }

  const forwardSetting = config.PILOT_API_FORWARD;
  const forwards: ForwardPlan[] = [];
  if (forwardSetting === "yes" || (forwardSetting === "auto" && headless)) {
    const listenHost = config.PILOT_API_FORWARD_HOST;
    for (const mode of modes) {
      const portSetting: SettingName = mode === "live"
        ? "PILOT_API_FORWARD_PORT"
        : "PILOT_API_FORWARD_PORT_PAPER";
      forwards.push({
        mode,
        listenHost,
        listenPort: config[portSetting] as number | undefined ?? DEFAULT_FORWARD_PORT[mode],
        targetPort: apiPort(mode),
        portSetting,
      });
    }
    problems.push(...portClashes(config, forwards, modes, apiPort));
  }
  const warnings: string[] = [];
  const vnc = planVnc(config, xvfb !== undefined, warnings, problems);
  if (vnc) {
    const clash = [
      ...forwards.map((f): [number, string] => [f.listenPort, f.portSetting]),
      [config.CONTROLLER_HEALTH_SERVER_PORT, "CONTROLLER_HEALTH_SERVER_PORT"] as const,
      [config.CONTROLLER_COMMAND_SERVER_PORT, "CONTROLLER_COMMAND_SERVER_PORT"] as const,
      ...modes.map((m): [number, string] => [apiPort(m), `the ${m} API port`]),
    ].find(([port]) => port === vnc.port);
    if (clash) {
      problems.push(
        `PILOT_VNC_PORT=${vnc.port} is also ${clash[1]}: choose another VNC port`,
      );
    }
  }
  return { xvfb, forwards, problems, pid1Warning: pid1Advice(pid), vnc, warnings };
}

/** Every forward port that another listener of ours (or Gateway) also wants. */
function portClashes(
  config: Config,
  forwards: ForwardPlan[],
  modes: Mode[],
  apiPort: (mode: Mode) => number,
): string[] {
  const taken: [number, string][] = modes.map((m) => [apiPort(m), `the ${m} API port`]);
  if (config.CONTROLLER_COMMAND_SERVER_PORT !== undefined) {
    taken.push([config.CONTROLLER_COMMAND_SERVER_PORT, "CONTROLLER_COMMAND_SERVER_PORT"]);
  }
  if (config.CONTROLLER_HEALTH_SERVER_PORT !== undefined) {
    taken.push([config.CONTROLLER_HEALTH_SERVER_PORT, "CONTROLLER_HEALTH_SERVER_PORT"]);
  }
  const out: string[] = [];
  for (const [i, f] of forwards.entries()) {
    const others = [
      ...taken,
      ...forwards.slice(0, i).map((g): [number, string] => [g.listenPort, g.portSetting]),
    ];
    for (const [port, what] of others) {
      if (port === f.listenPort) {
        out.push(
          `${f.portSetting}=${f.listenPort} is also ${what}: choose another forward port, or ` +
            `PILOT_API_FORWARD=no`,
        );
      }
    }
  }
  return out;
}
