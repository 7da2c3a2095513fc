/**
 * The HTTP health server (Deno.serve): `GET /health` (readiness: 200 only when every session is
 * READY on positive evidence, else 503, same JSON body either way), `GET /health/live` and
 * `/health/paper` (one session), `GET /ready` (liveness: 200 while the process is up) and
 * `GET /metrics` (Prometheus text format). HEAD works on each; anything else is 404 JSON.
 *
 * The request handler is a plain function of the request, so tests drive it directly as well as
 * over a real socket.
 */

import { log } from "../log.ts";
import type { ControlTarget } from "./control.ts";
import type { Mode } from "../config/mod.ts";
import type { PilotMetrics } from "./metrics.ts";
import { healthReport } from "./report.ts";
import type { ConsoleRoutes } from "../console/handler.ts";

/** What the handler needs. */
export interface HealthDeps {
  /** Only `status()` is used: the health server never acts. */
  target: Pick<ControlTarget, "status">;
  metrics: PilotMetrics;
  mode: Mode | "both";
  startedAt: number;
  now?: () => number;
  /** The browser console's routes (PILOT_CONSOLE=yes), served under /console/. */
  console?: ConsoleRoutes;
}

const JSON_HEADERS = {
  "content-type": "application/json",
  "cache-control": "no-store",
};

function json(status: number, body: unknown, head: boolean): Response {
  const text = JSON.stringify(body) + "\n";
  return new Response(head ? null : text, {
    status,
    headers: { ...JSON_HEADERS, "content-length": String(new TextEncoder().encode(text).length) },
  });
}

/** Builds the request handler; `remote` is the client's address (the console slows failures). */
export function healthHandler(
  deps: HealthDeps,
): (req: Request, remote?: string) => Promise<Response> {
  const now = deps.now ?? Date.now;
  return async (req, remote = "unknown") => {
    const head = req.method === "HEAD";
    const raw = new URL(req.url).pathname;
    if (raw === "/console" || raw.startsWith("/console/")) {
      return deps.console
        ? await deps.console.handle(req, remote)
        : json(404, { error: "not_found", hint: "the console is off (PILOT_CONSOLE)" }, head);
    }
    const path = raw.replace(/\/+$/, "") || "/";
    if (req.method !== "GET" && !head) {
      return new Response(JSON.stringify({ error: "method_not_allowed" }) + "\n", {
        status: 405,
        headers: { ...JSON_HEADERS, allow: "GET, HEAD" },
      });
    }
    const m = /^\/health(?:\/(live|paper))?$/.exec(path);
    if (m) {
      let statuses;
      try {
        statuses = deps.target.status();
      } catch (e) {
        log("servers", "health").error("status() failed: {error}", { error: String(e) });
        return json(503, { status: "unhealthy", error: "status_unavailable" }, head);
      }
      let mode = deps.mode;
      if (m[1]) {
        statuses = statuses.filter((s) => s.mode === m[1]);
        if (statuses.length === 0) return json(404, { error: "not_found" }, head);
        mode = m[1] as Mode;
      }
      const report = healthReport(statuses, { mode, startedAt: deps.startedAt, now: now() });
      return json(report.status === "healthy" ? 200 : 503, report, head);
    }
    if (path === "/ready") return json(200, { status: "up" }, head);
    if (path === "/metrics") {
      const text = await deps.metrics.text();
      return new Response(head ? null : text, {
        status: 200,
        headers: { "content-type": deps.metrics.contentType, "cache-control": "no-store" },
      });
    }
    return json(404, { error: "not_found" }, head);
  };
}

/** A running health server. */
export interface HealthServer {
  addr: Deno.NetAddr;
  close(): Promise<void>;
}

/** Starts the health server on `hostname:port` (port 0 picks a free one). */
export function startHealthServer(
  deps: HealthDeps & { hostname: string; port: number },
): Promise<HealthServer> {
  const handler = healthHandler(deps);
  return new Promise((resolve, reject) => {
    try {
      const server = Deno.serve({
        hostname: deps.hostname,
        port: deps.port,
        onListen: (addr) => {
          log("servers", "health").info("health server listening on {host}:{port}", {
            host: addr.hostname,
            port: addr.port,
          });
          resolve({ addr: addr as Deno.NetAddr, close: () => server.shutdown() });
        },
        onError: (e) => {
          log("servers", "health").error("health request failed: {error}", { error: String(e) });
          return json(500, { error: "internal" }, false);
        },
      }, (req, info) => handler(req, (info.remoteAddr as Deno.NetAddr).hostname));
    } catch (e) {
      reject(e);
    }
  });
}
