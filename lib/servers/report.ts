/**
 * What ibg-pilot reports about its sessions to operators: the /health JSON body (field names
 * kept from ibg-controller so dashboards keep working) and the command server's STATUS line are
 * both built here, from {@link SessionStatus} snapshots, by pure functions.
 */

import meta from "../../deno.json" with { type: "json" };
import type { SessionStatus } from "./control.ts";
import type { Mode } from "../config/mod.ts";

/** ibg-pilot's version, from deno.json. */
export const PILOT_VERSION: string = meta.version;

/** One session as /health and STATUS show it (snake_case, as ibg-controller). */
export interface SessionReport {
  mode: Mode;
  state: string;
  ready: boolean;
  jvm_pid: number | null;
  jvm_alive: boolean;
  api_port: number | null;
  api_port_open: boolean;
  api_handshake_ok: boolean;
  /** The outside port forwarded to api_port (container forwarding), null when not forwarding. */
  forward_port: number | null;
  /** The forwarded port is listening; null when not forwarding. */
  forward_listening: boolean | null;
  server_version: number | null;
  gateway_version: string | null;
  /** Epoch seconds of the last completed login, null if none yet. */
  last_auth_success_ts: number | null;
  last_auth_success_age_seconds: number | null;
  reason: string | null;
}

/** The /health body. */
export interface HealthReport extends Omit<SessionReport, "mode" | "ready"> {
  /** `healthy` exactly when every session is ready. */
  status: "healthy" | "unhealthy";
  version: string;
  /** The configured trading mode: live, paper or both. */
  mode: Mode | "both";
  uptime_seconds: number;
  /** Every session, live first (one entry unless TRADING_MODE=both). */
  sessions: SessionReport[];
}

/** Context of a report: what is not part of a session's status. */
export interface ReportContext {
  /** Configured trading mode. */
  mode: Mode | "both";
  /** Process start, epoch ms. */
  startedAt: number;
  now: number;
  version?: string;
}

/** One session's report. */
export function sessionReport(s: SessionStatus, now: number): SessionReport {
  const auth = s.lastAuthSuccessAt;
  return {
    mode: s.mode,
    state: s.state,
    ready: isReady(s),
    jvm_pid: s.jvmPid,
    jvm_alive: s.jvmAlive,
    api_port: s.apiPort,
    api_port_open: s.apiPortOpen,
    api_handshake_ok: s.apiHandshakeOk,
    forward_port: s.forward?.port ?? null,
    forward_listening: s.forward ? s.forward.listening : null,
    server_version: s.serverVersion,
    gateway_version: s.gatewayVersion ?? null,
    last_auth_success_ts: auth === null ? null : Math.floor(auth / 1000),
    last_auth_success_age_seconds: auth === null
      ? null
      : Math.max(0, Math.floor((now - auth) / 1000)),
    reason: forwardProblem(s) ?? s.reason ?? null,
  };
}

/** Why a logged-in session is not ready because of its forwarded port, if that is the case. */
function forwardProblem(s: SessionStatus): string | undefined {
  if (!s.forward || s.forward.listening || s.state !== "READY") return undefined;
  return `the forwarded API port ${s.forward.port} is not listening` +
    (s.forward.error ? ` (${s.forward.error})` : "");
}

/**
 * Ready on positive evidence only: the supervisor says READY and the evidence agrees (JVM alive,
 * API handshake answered) and, when the API port is forwarded, the forwarded port that clients
 * outside use is listening. A session that merely claims `ready` without the evidence is not.
 */
export function isReady(s: SessionStatus): boolean {
  return s.ready && s.state === "READY" && s.jvmAlive && s.apiHandshakeOk &&
    (!s.forward || s.forward.listening);
}

/**
 * The /health report. Healthy only when there is at least one session and every session is
 * ready. With several sessions (TRADING_MODE=both) the top-level session fields describe the
 * session that decides the status: the first one that is not ready (live before paper), or the
 * first session when all are ready; `sessions` has each of them.
 */
export function healthReport(statuses: SessionStatus[], ctx: ReportContext): HealthReport {
  const sessions = statuses.map((s) => sessionReport(s, ctx.now));
  const healthy = sessions.length > 0 && sessions.every((s) => s.ready);
  const lead = sessions.find((s) => !s.ready) ?? sessions[0];
  const { mode: _m, ready: _r, ...fields } = lead ??
    emptySession(ctx.mode === "paper" ? "paper" : "live");
  return {
    status: healthy ? "healthy" : "unhealthy",
    version: ctx.version ?? PILOT_VERSION,
    mode: ctx.mode,
    ...fields,
    uptime_seconds: Math.max(0, Math.floor((ctx.now - ctx.startedAt) / 1000)),
    sessions,
  };
}

function emptySession(mode: Mode): SessionReport {
  return {
    mode,
    state: "STARTING",
    ready: false,
    jvm_pid: null,
    jvm_alive: false,
    api_port: null,
    api_port_open: false,
    api_handshake_ok: false,
    forward_port: null,
    forward_listening: null,
    server_version: null,
    gateway_version: null,
    last_auth_success_ts: null,
    last_auth_success_age_seconds: null,
    reason: "no session has started yet",
  };
}
