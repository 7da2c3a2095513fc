/**
 * `ibg-pilot health`: asks the local health server (lib/servers/health.ts) whether every session
 * is ready, for Docker's HEALTHCHECK and Kubernetes exec probes in images without curl. Exit 0
 * only on a 200 "healthy" answer; 1 otherwise (Docker's "unhealthy"), with one line saying why.
 */

import { parseFlagsAndOperands } from "./args.ts";
import { loadClientSettings, timeoutSeconds } from "./context.ts";
import { EXIT, usageError } from "./exit.ts";
import { errorText } from "../util/errors.ts";

export const HELP =
  `Usage: ibg-pilot health [--host HOST] [--port PORT] [--mode MODE] [--timeout SECONDS]

Asks the health server of a running ibg-pilot (GET /health) whether Gateway is ready: logged in
and answering a real TWS API handshake, in every session (both, with TRADING_MODE=both).
Prints one line. Meant for Docker's HEALTHCHECK (no curl needed):

  HEALTHCHECK --interval=30s --timeout=10s --start-period=300s CMD ["ibg-pilot", "health"]

The server is CONTROLLER_HEALTH_SERVER_HOST:CONTROLLER_HEALTH_SERVER_PORT (0.0.0.0 is asked on
127.0.0.1); the health server must be on (CONTROLLER_HEALTH_SERVER_PORT set for 'run').

Options:
  --host HOST         server address (overrides CONTROLLER_HEALTH_SERVER_HOST)
  --port PORT         server port (overrides CONTROLLER_HEALTH_SERVER_PORT)
  --mode MODE         ask about one session only: live or paper (GET /health/MODE)
  --timeout SECONDS   give up after this long (default 5)
  -h, --help          this help

Exit codes: 0 ready; 1 not ready, or the server could not be reached (Docker: unhealthy);
2 usage.`;

/** Settings the command reads (only these; other settings' problems are not its business). */
const KEYS = ["CONTROLLER_HEALTH_SERVER_HOST", "CONTROLLER_HEALTH_SERVER_PORT"];

interface SessionBody {
  mode?: string;
  state?: string;
  ready?: boolean;
  reason?: string | null;
  server_version?: number | null;
}

interface HealthBody extends SessionBody {
  status?: string;
  sessions?: SessionBody[];
}

function parsePort(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535) {
    throw usageError(`--port must be a port 1-65535, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** One line per the answer: each session's state, and the reason of those not ready. */
export function describeHealth(body: HealthBody): string {
  const sessions = body.sessions?.length ? body.sessions : [body];
  return sessions.map((s) => {
    const what = `${s.mode ?? "session"} ${s.state ?? "?"}`;
    if (s.ready) return s.server_version ? `${what} (server version ${s.server_version})` : what;
    return s.reason ? `${what} (${s.reason})` : what;
  }).join(", ");
}

/** Runs the command; resolves to the exit code. */
export async function healthCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlagsAndOperands("health", args, HELP, {
    host: { type: "string" },
    port: { type: "string" },
    mode: { type: "string" },
    timeout: { type: "string" },
  });
  if (positionals.length) {
    throw usageError(
      `health takes no arguments, got ${JSON.stringify(positionals[0])}\n` +
        `See: ibg-pilot health --help`,
    );
  }
  const mode = values.mode?.toLowerCase();
  if (mode !== undefined && mode !== "live" && mode !== "paper") {
    throw usageError(`--mode must be live or paper, got ${JSON.stringify(values.mode)}`);
  }
  const timeoutS = timeoutSeconds(values.timeout, 5);
  const cfg = loadClientSettings(KEYS);
  const port = values.port !== undefined
    ? parsePort(values.port)
    : cfg.CONTROLLER_HEALTH_SERVER_PORT;
  if (port === undefined) {
    throw usageError(
      "no health server port: CONTROLLER_HEALTH_SERVER_PORT is unset (the health server is off). " +
        "Set it for 'ibg-pilot run' and here, or pass --port",
    );
  }
  let host = values.host ?? cfg.CONTROLLER_HEALTH_SERVER_HOST;
  if (host === "0.0.0.0") host = "127.0.0.1";
  if (host === "::" || host === "[::]") host = "::1";
  const hostPart = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  const url = `http://${hostPart}:${port}/health${mode ? `/${mode}` : ""}`;

  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutS * 1000),
      headers: { accept: "application/json" },
    });
    text = await res.text();
  } catch (e) {
    const timedOut = e instanceof DOMException && e.name === "TimeoutError";
    const why = timedOut ? `no answer within ${timeoutS} s` : errorText(e).split("\n")[0];
    console.error(
      `not ready: cannot reach the health server at ${url} (${why}); is ibg-pilot running ` +
        `with CONTROLLER_HEALTH_SERVER_PORT=${port}?`,
    );
    return EXIT.FAILURE;
  }
  let body: HealthBody | undefined;
  try {
    body = JSON.parse(text);
  } catch { /* reported below */ }
  if (res.status === 404 && mode) {
    console.error(`not ready: this ibg-pilot runs no ${mode} session (${url} answered 404)`);
    return EXIT.FAILURE;
  }
  if (!body || typeof body !== "object" || typeof body.status !== "string") {
    console.error(
      `not ready: ${url} answered HTTP ${res.status} without ibg-pilot's health report ` +
        `(another server on port ${port}?)`,
    );
    return EXIT.FAILURE;
  }
  if (res.status === 200 && body.status === "healthy") {
    console.log(`ready: ${describeHealth(body)}`);
    return EXIT.OK;
  }
  console.error(`not ready: ${describeHealth(body)}`);
  return EXIT.FAILURE;
}
