/**
 * ibg-pilot as a container's main process: the public face of lib/container/. `runPilot` calls
 * {@link startContainer} before any session exists (Gateway's JVM needs the DISPLAY it returns),
 * tells it each time a session enters or leaves READY, and closes it after every session has
 * stopped: forwarders first, then x11vnc, then Xvfb (Gateway's clean logout needs the display,
 * so Xvfb goes last). docs/container.md is the user's view.
 */

import type { Config } from "../config/mod.ts";
import { alert, log } from "../log.ts";
import type { Mode } from "../config/mod.ts";
import { ApiForwarder } from "./forward.ts";
import { type ContainerPlan, planContainer } from "./plan.ts";
import { startXvfb, XvfbError, type XvfbServer } from "./xvfb.ts";
import { startX11vnc, X11vncError } from "./x11vnc.ts";
import { VncSupervisor } from "./vnc_supervise.ts";
import { ensureRuntimeDir } from "../gateway/runtime.ts";
import { errorLine, NamedError } from "../util/errors.ts";

export { planContainer } from "./plan.ts";
export { VncSupervisor } from "./vnc_supervise.ts";

/** Where a local VNC client (the console's bridge) reaches our x11vnc, and how it logs in. */
export interface VncTarget {
  host: string;
  port: number;
  /** The VNC password; never sent to a browser (lib/console/bridge.ts logs in itself). */
  password: string;
}

/** Container support could not start; the message says what to do. */
export class ContainerError extends NamedError {}

/** What {@link startContainer} started. */
export interface ContainerSupport {
  /** The environment for Gateway's JVM: the given one, with DISPLAY when we started Xvfb. */
  env: Record<string, string>;
  plan: ContainerPlan;
  /** Our Xvfb, when one was started. */
  xvfb?: XvfbServer;
  /** Our x11vnc on that Xvfb, when VNC_SERVER_PASSWORD or PILOT_CONSOLE asked for it. */
  vnc?: VncSupervisor;
  /** How to reach that x11vnc from this process, undefined when there is none. */
  vncTarget?: VncTarget;
  /** The forwarders by mode (none when forwarding is off). */
  forwarders: Map<Mode, ApiForwarder>;
  /** Why the container support failed while running (Xvfb died), else undefined. */
  readonly failure: string | undefined;
  /**
   * A session entered (`true`) or left (`false`) READY: opens or closes its forwarded port.
   * Resolves once that is in effect; never rejects.
   */
  readyChanged(mode: Mode, ready: boolean): Promise<void>;
  /** The forwarded port of a session for /health, undefined when it is not forwarded. */
  forwardStatus(mode: Mode): { port: number; listening: boolean; error?: string } | undefined;
  /** Closes every forwarder, then ends x11vnc, then Xvfb. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link startContainer}. */
export interface StartOptions {
  modes: Mode[];
  apiPort: (mode: Mode) => number;
  /** Called once when Xvfb exits on its own: the caller stops every session. */
  onFailure: (reason: string) => void;
  /** Our PID (tests pass 1 to see the PID 1 advice). */
  pid?: number;
  /** The private runtime directory (x11vnc's password file); default PILOT_RUNTIME_DIR. */
  runtimeDir?: string;
}

/** A password for an x11vnc only the console uses: nobody needs to know it. */
function randomVncPassword(): string {
  // VNC authentication reads 8 bytes of password; 8 characters from 48 random bits.
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(6))));
}

/**
 * Plans and starts what the environment needs: Xvfb when headless (PILOT_XVFB), a check that
 * every forward port can be bound, and one (closed) forwarder per session. Throws a
 * {@link ContainerError} naming the setting and the fix when something cannot start.
 */
export async function startContainer(
  config: Config,
  env: Record<string, string>,
  opts: StartOptions,
): Promise<ContainerSupport> {
  const logger = log("container");
  const plan = planContainer(config, env, opts.modes, opts.apiPort, opts.pid ?? Deno.pid);
  if (plan.problems.length) throw new ContainerError(plan.problems.join("\n"));
  if (plan.pid1Warning) logger.warn(plan.pid1Warning);
  for (const w of plan.warnings) logger.warn(w);

  // Bind-check every forward port now: a port another process holds is a configuration error
  // best reported before a login, not when the session turns READY minutes later.
  for (const f of plan.forwards) {
    try {
      Deno.listen({ hostname: f.listenHost, port: f.listenPort, transport: "tcp" }).close();
    } catch (e) {
      const why = errorLine(e);
      throw new ContainerError(
        `cannot listen on ${f.listenHost}:${f.listenPort} for the ${f.mode} API forward (${why}): ` +
          (e instanceof Deno.errors.NotCapable
            ? `the permission set must allow listening on ${f.listenHost} (docs/permissions.md)`
            : `free the port, set ${f.portSetting} to another port or PILOT_API_FORWARD_HOST ` +
              `to an address of this host, or turn forwarding off with PILOT_API_FORWARD=no`),
        { cause: e },
      );
    }
  }

  let xvfb: XvfbServer | undefined;
  const jvmEnv = { ...env };
  if (plan.xvfb) {
    try {
      xvfb = await startXvfb({ screen: plan.xvfb.screen, pathEnv: env.PATH });
    } catch (e) {
      if (e instanceof XvfbError) {
        throw new ContainerError(`${plan.xvfb.reason}, but ${e.message}`, { cause: e });
      }
      throw e;
    }
    jvmEnv.DISPLAY = xvfb.display;
    logger.info("Gateway will use display {display} ({reason})", {
      display: xvfb.display,
      reason: plan.xvfb.reason,
    });
  }

  let vnc: VncSupervisor | undefined;
  let vncTarget: VncTarget | undefined;
  if (xvfb && plan.vnc) {
    const v = plan.vnc;
    const password = config.VNC_SERVER_PASSWORD ?? randomVncPassword();
    const runtimeDir = opts.runtimeDir ??
      await ensureRuntimeDir(config.PILOT_RUNTIME_DIR, Deno.uid() ?? 0);
    const display = xvfb.display;
    vnc = new VncSupervisor({
      display,
      start: () =>
        startX11vnc({
          display,
          port: v.port,
          host: v.host,
          password,
          runtimeDir,
          pathEnv: env.PATH,
        }),
    });
    try {
      await vnc.start();
    } catch (e) {
      await xvfb.stop();
      if (e instanceof X11vncError) {
        throw new ContainerError(`${v.reason}, but ${e.message}`, { cause: e });
      }
      throw e;
    }
    vncTarget = { host: v.host === "0.0.0.0" ? "127.0.0.1" : v.host, port: v.port, password };
    if (config.VNC_SERVER_PASSWORD !== undefined) {
      logger.info(
        "VNC: point a VNC client at port {port} of this host (x11vnc listens on {host}; " +
          "password: VNC_SERVER_PASSWORD)",
        { port: v.port, host: v.host },
      );
    } else {
      logger.info("x11vnc for the console only, on {host}:{port}", { host: v.host, port: v.port });
    }
  }

  let failure: string | undefined;
  const x = xvfb;
  x?.exited.then((end) => {
    if (x.stopping) return;
    failure = `Xvfb (display ${x.display}) exited unexpectedly (code ${end.code}${
      end.signal ? `, ${end.signal}` : ""
    })`;
    alert("ALERT_XVFB_EXITED", {
      display: x.display,
      code: end.code,
      signal: end.signal,
      tail: end.tail.split("\n").slice(-3).join(" | ") || undefined,
    });
    logger.error(
      "{failure}: Gateway has no display any more. Stopping every session; ibg-pilot then " +
        "exits 1 so the container's restart policy starts over.",
      { failure },
    );
    opts.onFailure(failure);
  });

  const forwarders = new Map<Mode, ApiForwarder>();
  for (const f of plan.forwards) {
    forwarders.set(f.mode, new ApiForwarder(f));
    logger.info(
      "API forward {host}:{port} -> 127.0.0.1:{target} ({mode}) opens when the session is READY",
      { host: f.listenHost, port: f.listenPort, target: f.targetPort, mode: f.mode },
    );
  }

  let closing: Promise<void> | undefined;
  return {
    env: jvmEnv,
    plan,
    xvfb,
    vnc,
    vncTarget,
    forwarders,
    get failure() {
      return failure;
    },
    readyChanged(mode, ready) {
      return forwarders.get(mode)?.setOpen(ready) ?? Promise.resolve();
    },
    forwardStatus(mode) {
      const f = forwarders.get(mode);
      return f && { port: f.port, listening: f.listening, error: f.openError };
    },
    close() {
      closing ??= (async () => {
        await Promise.all([...forwarders.values()].map((f) => f.close()));
        await vnc?.stop();
        await xvfb?.stop();
      })();
      return closing;
    },
  };
}
