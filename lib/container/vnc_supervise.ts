/**
 * Keeps x11vnc running beside ibg-pilot's Xvfb: when it dies on its own, `ALERT_VNC_EXITED` is
 * raised and it is started again after a backoff (1 s doubling to 60 s, reset once a run has
 * lasted a minute). Unlike Xvfb, whose death takes Gateway's display with it, a dead VNC server
 * costs only the view, so the sessions go on. Stopped after the sessions, before Xvfb.
 */

import { alert, log } from "../log.ts";
import { backoffMs } from "../session/clock.ts";
import type { DaemonExit } from "./daemon.ts";
import type { X11vnc } from "./x11vnc.ts";

/** First restart delay; doubles per consecutive failure. */
export const VNC_RESTART_BASE_MS = 1_000;
/** Longest restart delay. */
export const VNC_RESTART_MAX_MS = 60_000;
/** A run at least this long resets the backoff. */
export const VNC_STABLE_MS = 60_000;

/** Options of {@link VncSupervisor}. */
export interface VncSupervisorOptions {
  /** Starts one x11vnc (x11vnc.ts startX11vnc with fixed options). */
  start: () => Promise<X11vnc>;
  display: string;
  /** Restart delay for the n-th consecutive failure; default doubling from 1 s to 60 s. */
  backoff?: (attempt: number) => number;
  now?: () => number;
}

/** x11vnc as the container keeps it. */
export class VncSupervisor {
  #opts: VncSupervisorOptions;
  #current?: X11vnc;
  #timer?: ReturnType<typeof setTimeout>;
  #failures = 0;
  #restarts = 0;
  #stopping = false;
  #log = log("container", "x11vnc");
  #listeners = new Set<(running: boolean) => void>();

  constructor(opts: VncSupervisorOptions) {
    this.#opts = opts;
  }

  /** The first start: an error here is a configuration problem and is thrown. */
  async start(): Promise<void> {
    this.#watch(await this.#opts.start());
  }

  /** The running x11vnc, undefined while it is down. */
  get current(): X11vnc | undefined {
    return this.#current;
  }

  /** How many times it was started again after dying. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Called with true after each (re)start, false when it dies; returns the unsubscribe. */
  onChange(listener: (running: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(running: boolean) {
    for (const l of this.#listeners) {
      try {
        l(running);
      } catch { /* a listener's bug must not stop supervision */ }
    }
  }

  #watch(vnc: X11vnc) {
    const now = this.#opts.now ?? Date.now;
    const startedAt = now();
    this.#current = vnc;
    this.#emit(true);
    vnc.exited.then((end) => {
      if (this.#current === vnc) this.#current = undefined;
      if (vnc.stopping || this.#stopping) return;
      if (now() - startedAt >= VNC_STABLE_MS) this.#failures = 0;
      this.#failures++;
      this.#emit(false);
      this.#scheduleRestart(end);
    });
  }

  #scheduleRestart(end: DaemonExit | undefined, error?: string) {
    const delay = (this.#opts.backoff ??
      ((n) => backoffMs(n, VNC_RESTART_BASE_MS, VNC_RESTART_MAX_MS)))(this.#failures);
    alert("ALERT_VNC_EXITED", {
      display: this.#opts.display,
      code: end?.code,
      signal: end?.signal ?? undefined,
      error,
      tail: end?.tail.split("\n").slice(-2).join(" | ") || undefined,
      restart_in_ms: delay,
    });
    this.#timer = setTimeout(async () => {
      this.#timer = undefined;
      if (this.#stopping) return;
      try {
        const vnc = await this.#opts.start();
        if (this.#stopping) {
          await vnc.stop();
          return;
        }
        this.#restarts++;
        this.#log.info("x11vnc started again (restart {n})", { n: this.#restarts });
        this.#watch(vnc);
      } catch (e) {
        this.#failures++;
        this.#scheduleRestart(undefined, (e as Error).message);
      }
    }, delay);
  }

  /** Stops supervision and x11vnc. Idempotent. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const vnc = this.#current;
    if (!vnc) return;
    await vnc.stop();
    this.#log.info("x11vnc on display {display} ended", { display: this.#opts.display });
  }
}
