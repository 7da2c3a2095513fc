/**
 * The contract between the operator-facing servers (command server, health server, metrics) and
 * the session supervisor: what they may read ({@link SessionStatus}) and what they may ask for
 * ({@link ControlTarget}). The supervisor (lib/app/) implements ControlTarget; the servers
 * never reach into the session any other way, so they are tested against a fake.
 */

import type { Mode } from "../config/mod.ts";

/**
 * A snapshot of one session, as the supervisor knows it. Times are epoch milliseconds.
 * `ready` is true only on positive evidence: the API port answered the TWS API handshake.
 */
export interface SessionStatus {
  mode: Mode;
  /** The supervisor's state name (for example LAUNCHING, LOGIN, TWO_FA, READY, HALTED). */
  state: string;
  /** READY on positive evidence: the last API handshake succeeded and the JVM is alive. */
  ready: boolean;
  /** Gateway's JVM process id, null while none runs. */
  jvmPid: number | null;
  jvmAlive: boolean;
  /** The API port this session's Gateway listens on (4001 live / 4002 paper by default). */
  apiPort: number | null;
  /** The API port accepted a TCP connection at the last probe. */
  apiPortOpen: boolean;
  /** The last TWS API handshake got a server version back. */
  apiHandshakeOk: boolean;
  /** The server version from the last successful handshake. */
  serverVersion: number | null;
  /** When login last completed (epoch ms), null if never in this process. */
  lastAuthSuccessAt: number | null;
  /** Gateway build in use (for example "10.45.1j"), when known. */
  gatewayVersion?: string | null;
  /**
   * The outside port forwarded to the API port (lib/container), when forwarding is on: clients
   * outside use it, so a session whose forwarded port is not listening is not ready.
   */
  forward?: { port: number; listening: boolean; error?: string } | null;
  /** Why the session is not ready or halted, for humans; never contains secrets. */
  reason?: string | null;
}

/**
 * The outcome of one operator request. `ok: true` means the request was ACCEPTED (the work may
 * go on after the reply, as with IBC); `detail` is an extra `OK <detail>` line, for example
 * `RESTART at 11:46 PM` when Gateway restarts through Lock and Exit. `ok: false` carries the
 * text of the `ERROR <error>` line, for example `RESTART already in progress`.
 */
export type ActionResult = { ok: true; detail?: string } | { ok: false; error: string };

/**
 * What the servers may ask of the supervisor. Every method must answer promptly (accept, refuse,
 * or report already in progress) and do long work in the background: the command server waits
 * at most {@link CommandServerLimits.actionTimeoutMs} for an answer. In TRADING_MODE=both one
 * target stands for both sessions and every action applies to both.
 */
export interface ControlTarget {
  /** One entry per running session, live first. Must be cheap: called on every scrape. */
  status(): SessionStatus[];
  /**
   * Clean shutdown of Gateway through its own close path, then of ibg-pilot (exit 0).
   * A second call while stopping returns `{ ok: false, error: "STOP already in progress" }`.
   */
  stop(reason: string): ActionResult | Promise<ActionResult>;
  /**
   * Restart Gateway. The supervisor chooses how: through Gateway's Lock-and-Exit auto restart
   * (no 2FA; return `detail: "RESTART at hh:mm AM/PM"` as IBC does), or a clean teardown and the
   * full login path (no detail). Repeats answer `RESTART already in progress`.
   */
  restart(): ActionResult | Promise<ActionResult>;
  /**
   * IBC's PAUSE: restart through Lock and Exit but do not relaunch afterwards (ibg-pilot exits
   * when Gateway goes down, keeping the autorestart token for the next start). Return
   * `detail: "PAUSE at hh:mm AM/PM"` when the time is known.
   */
  pause(): ActionResult | Promise<ActionResult>;
  /**
   * IBC's ENABLEAPI, TWS only: tick `Enable ActiveX and Socket Clients`; `detail` is
   * `configured` or `already configured`. Absent for Gateway (its API is always on).
   */
  enableApi?(): ActionResult | Promise<ActionResult>;
  /** Reconnect to the account/login server (Gateway's Ctrl+Alt+R). */
  reconnectAccount(): ActionResult | Promise<ActionResult>;
  /** Reconnect the market-data farms (Gateway's Ctrl+Alt+F). */
  reconnectData(): ActionResult | Promise<ActionResult>;
  /**
   * Calls `listener` whenever a session's state changed (the console's live panel); returns the
   * unsubscribe. Optional: a target without it is read on a timer only.
   */
  onChange?(listener: () => void): () => void;
}

/** Limits of the command server (defaults in command.ts). */
export interface CommandServerLimits {
  /** Longest accepted line in bytes, terminator excluded. */
  maxLineBytes: number;
  /** Open connections kept at once; at the limit the longest-idle one is closed. */
  maxConnections: number;
  /** A connection with no input for this long is closed. */
  idleTimeoutMs: number;
  /** Failed AUTHs from one address within {@link authWindowMs} before it is paused. */
  maxAuthFailures: number;
  authWindowMs: number;
  /** How long an address is refused after too many failed AUTHs. */
  authPauseMs: number;
  /** How long the target may take to answer one command. */
  actionTimeoutMs: number;
}
