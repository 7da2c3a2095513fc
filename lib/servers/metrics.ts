/**
 * ibg-pilot's Prometheus metrics: the one registry, the metric definitions (all named
 * `ibg_pilot_*` after the Prometheus naming guide) and the small functions the session calls when
 * something happens (`metrics.loginAttempt("live", "success")`). Level metrics (state, JVM up,
 * API port, handshake, last auth) are read from the supervisor's status at scrape time, so they
 * can never drift from what /health says.
 *
 * Library: prom-client (the de-facto Node client). It runs under the controller's permission
 * set with no extra permission because its default process metrics (which read /proc) are not
 * enabled. Only its registry and the three metric types are imported (its index also loads the
 * push gateway, cluster aggregation and default metrics: measured 8 MB more resident memory), and
 * this module is loaded only when the health server runs (lib/servers/mod.ts).
 */

import type client from "prom-client";
import RegistryModule from "prom-client/lib/registry.js";
import CounterModule from "prom-client/lib/counter.js";
import GaugeModule from "prom-client/lib/gauge.js";
import HistogramModule from "prom-client/lib/histogram.js";

const Registry = RegistryModule as typeof client.Registry;
const Counter = CounterModule as typeof client.Counter;
const Gauge = GaugeModule as typeof client.Gauge;
const Histogram = HistogramModule as typeof client.Histogram;
import { type AlertEvent, onAlert } from "../log.ts";
import type { SessionStatus } from "./control.ts";
import type { Mode } from "../config/mod.ts";
import { isReady, PILOT_VERSION } from "./report.ts";

/** Outcome of one login attempt. */
export type LoginOutcome =
  | "success"
  | "bad_credentials"
  | "timeout"
  | "twofa_failed"
  | "existing_session"
  | "error";

/** Outcome of one second-factor prompt. */
export type TwoFaOutcome = "totp_submitted" | "push_approved" | "timeout" | "failed" | "manual";

/** Buckets of the API handshake latency histogram, in seconds. */
export const HANDSHAKE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The metrics of one ibg-pilot process. Tests create their own; the app uses {@link metrics}. */
export class PilotMetrics {
  /** The registry /metrics serialises. */
  readonly registry: client.Registry = new Registry();
  #status: () => SessionStatus[] = () => [];
  #startedAt: number;
  #now: () => number;
  #unsubscribe?: () => void;

  readonly #loginAttempts = this.#counter(
    "ibg_pilot_login_attempts_total",
    "Login attempts by outcome.",
    ["mode", "outcome"],
  );
  readonly #twofa = this.#counter(
    "ibg_pilot_twofa_prompts_total",
    "Second-factor prompts by outcome.",
    ["mode", "outcome"],
  );
  readonly #dialogs = this.#counter(
    "ibg_pilot_dialogs_handled_total",
    "Gateway dialogs answered, by catalogue kind.",
    ["mode", "kind"],
  );
  readonly #unknownWindows = this.#counter(
    "ibg_pilot_unknown_windows_total",
    "Windows no catalogue row (built-in or user rule) matched, counted once per title.",
    ["mode"],
  );
  readonly #jvmStarts = this.#counter("ibg_pilot_jvm_starts_total", "Gateway JVMs started.", [
    "mode",
  ]);
  readonly #jvmExits = this.#counter(
    "ibg_pilot_jvm_exits_total",
    "Gateway JVM exits by kind (clean, restart, crash, killed).",
    ["mode", "kind"],
  );
  readonly #handshake = new Histogram({
    name: "ibg_pilot_api_handshake_duration_seconds",
    help: "Latency of the TWS API handshake probe, by outcome.",
    labelNames: ["mode", "outcome"] as const,
    buckets: HANDSHAKE_BUCKETS,
    registers: [this.registry],
  });
  readonly #alerts = this.#counter("ibg_pilot_alerts_total", "ALERT_* lines emitted, by token.", [
    "token",
  ]);
  readonly #commands = this.#counter(
    "ibg_pilot_commands_total",
    "Command-server commands answered, by command and outcome.",
    ["command", "outcome"],
  );
  readonly #rejected = this.#counter(
    "ibg_pilot_command_connections_rejected_total",
    "Command-server connections refused or cut, by reason.",
    ["reason"],
  );

  constructor(opts: { startedAt?: number; now?: () => number; version?: string } = {}) {
    this.#now = opts.now ?? Date.now;
    this.#startedAt = opts.startedAt ?? this.#now();
    const registers = [this.registry];
    const uptime = () => Math.max(0, (this.#now() - this.#startedAt) / 1000);
    const statuses = () => this.#safeStatus();

    new Gauge({
      name: "ibg_pilot_build_info",
      help: "Always 1; labels carry ibg-pilot's version and the Deno runtime.",
      labelNames: ["version", "deno"],
      registers,
    }).set({ version: opts.version ?? PILOT_VERSION, deno: Deno.version.deno }, 1);
    new Gauge({
      name: "ibg_pilot_uptime_seconds",
      help: "Seconds since ibg-pilot started.",
      registers,
      collect() {
        this.set(uptime());
      },
    });
    new Gauge({
      name: "ibg_pilot_start_time_seconds",
      help: "Start time of ibg-pilot, seconds since the Unix epoch.",
      registers,
    }).set(this.#startedAt / 1000);

    const level = (
      name: string,
      help: string,
      value: (s: SessionStatus) => number | null,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ["mode"],
        registers,
        collect() {
          this.reset();
          for (const s of statuses()) {
            const v = value(s);
            if (v !== null) this.set({ mode: s.mode }, v);
          }
        },
      });
    new Gauge({
      name: "ibg_pilot_state",
      help: "The session's current state: 1 for the state label that is current.",
      labelNames: ["mode", "state"],
      registers,
      collect() {
        this.reset();
        for (const s of statuses()) this.set({ mode: s.mode, state: s.state }, 1);
      },
    });
    level(
      "ibg_pilot_ready",
      "1 when the session is READY on positive evidence.",
      (s) => isReady(s) ? 1 : 0,
    );
    level("ibg_pilot_jvm_up", "1 while Gateway's JVM is alive.", (s) => (s.jvmAlive ? 1 : 0));
    level(
      "ibg_pilot_api_port_open",
      "1 when the API port accepted a connection at the last probe.",
      (s) => s.apiPortOpen ? 1 : 0,
    );
    level(
      "ibg_pilot_api_handshake_ok",
      "1 when the last TWS API handshake succeeded.",
      (s) => s.apiHandshakeOk ? 1 : 0,
    );
    level(
      "ibg_pilot_api_server_version",
      "Server version from the last API handshake.",
      (s) => s.serverVersion,
    );
    level(
      "ibg_pilot_last_auth_success_timestamp_seconds",
      "When login last completed, seconds since the Unix epoch.",
      (s) => (s.lastAuthSuccessAt === null ? null : s.lastAuthSuccessAt / 1000),
    );
  }

  #counter<L extends string>(name: string, help: string, labelNames: L[]): client.Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  #safeStatus(): SessionStatus[] {
    try {
      return this.#status();
    } catch {
      return [];
    }
  }

  /** Where level metrics come from (the supervisor's `status`). */
  setStatusSource(status: () => SessionStatus[]): void {
    this.#status = status;
  }

  /** Counts ALERT_* lines from lib/log.ts; returns the unsubscribe function. */
  subscribeAlerts(): () => void {
    this.#unsubscribe?.();
    this.#unsubscribe = onAlert((e: AlertEvent) => this.#alerts.inc({ token: e.token }));
    return this.#unsubscribe;
  }

  /** One login attempt ended. */
  loginAttempt(mode: Mode, outcome: LoginOutcome): void {
    this.#loginAttempts.inc({ mode, outcome });
  }

  /** One second-factor prompt ended. */
  twoFactor(mode: Mode, outcome: TwoFaOutcome): void {
    this.#twofa.inc({ mode, outcome });
  }

  /** A dialog of the catalogue was answered; `kind` is the catalogue entry's id. */
  dialogHandled(mode: Mode, kind: string): void {
    this.#dialogs.inc({ mode, kind });
  }

  /** A window no catalogue row matched was recorded (ALERT_UNKNOWN_WINDOW). */
  unknownWindow(mode: Mode): void {
    this.#unknownWindows.inc({ mode });
  }

  /** A Gateway JVM was started. */
  jvmStarted(mode: Mode): void {
    this.#jvmStarts.inc({ mode });
  }

  /** A Gateway JVM exited; `kind` is clean, restart, crash or killed. */
  jvmExited(mode: Mode, kind: "clean" | "restart" | "crash" | "killed"): void {
    this.#jvmExits.inc({ mode, kind });
  }

  /** One API handshake probe finished after `seconds`. */
  apiHandshake(mode: Mode, seconds: number, ok: boolean): void {
    this.#handshake.observe({ mode, outcome: ok ? "ok" : "failed" }, seconds);
  }

  /** The command server answered a command (wired by lib/servers/mod.ts). */
  commandHandled(command: string, ok: boolean): void {
    this.#commands.inc({ command, outcome: ok ? "ok" : "error" });
  }

  /** The command server refused or cut a connection (wired by lib/servers/mod.ts). */
  connectionRejected(reason: string): void {
    this.#rejected.inc({ reason });
  }

  /** The exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Content-Type of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }
}

/** The process-wide metrics. */
export const metrics: PilotMetrics = new PilotMetrics({ startedAt: performance.timeOrigin });
