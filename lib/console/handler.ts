/**
 * The console's HTTP routes under /console/ on the health server:
 *
 * - `GET /console/` the page (authenticated) or the login form (401); `POST /console/login` the
 *   token, answered with a session cookie; `POST /console/logout`;
 * - `GET /console/app.js`, `/console/console.css` the embedded files (authenticated too);
 * - `GET /console/events` the state panel as server-sent events (lib/console/feed.ts);
 * - `GET /console/vnc` the WebSocket to Gateway's screen (lib/console/bridge.ts), upgraded only
 *   when authenticated and from the console's own Origin; otherwise 401/403 and no WebSocket.
 *
 * Every answer carries a strict Content-Security-Policy, no framing (clickjacking would turn
 * control mode into someone else's clicks), no referrer to other sites, no caching.
 */

import type { VncTarget } from "../container/mod.ts";
import { log } from "../log.ts";
import { ASSETS, loginPage } from "./assets.ts";
import { type ConsoleAuth, sameOrigin } from "./auth.ts";
import { type Bridge, bridgeToVnc } from "./bridge.ts";
import type { ConsoleFeed } from "./feed.ts";
import { concatBytes } from "../util/bytes.ts";

/** Keep-alive comment interval of the event stream (proxies close idle connections). */
export const SSE_KEEPALIVE_MS = 15_000;
/** Longest login form body accepted. */
const MAX_LOGIN_BYTES = 4096;

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};

/** What the routes need. */
export interface ConsoleDeps {
  auth: ConsoleAuth;
  feed: ConsoleFeed;
  /** Where the bridge finds x11vnc now (undefined: no screen). */
  vnc: () => VncTarget | undefined;
  /** PILOT_CONSOLE_CONTROL. */
  control: boolean;
}

/** The console's routes, and the open streams to end at shutdown. */
export interface ConsoleRoutes {
  handle(req: Request, remote: string): Promise<Response>;
  /** Ends every event stream and screen connection (before the server shuts down). */
  close(): Promise<void>;
}

function respond(status: number, body: string | null, type: string, extra = {}): Response {
  return new Response(body, {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": type, ...extra },
  });
}

/** The request body as text, or undefined when it is longer than `max` bytes. */
async function readBounded(req: Request, max: number): Promise<string | undefined> {
  if (!req.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return new TextDecoder().decode(concatBytes(...chunks));
}

const HTML = "text/html; charset=utf-8";
const TEXT = "text/plain; charset=utf-8";

/** Builds the routes. */
export function consoleRoutes(deps: ConsoleDeps): ConsoleRoutes {
  const logger = log("console");
  const streams = new Set<() => void>();
  const bridges = new Set<Bridge>();
  // After close(), new event streams or screen connections would hold the server's shutdown open.
  let closing = false;

  /** 401 with the login form for a page, plain text otherwise; failures are slowed down. */
  async function unauthorized(req: Request, remote: string, page: boolean): Promise<Response> {
    if (deps.auth.presentedCredentials(req)) await deps.auth.failed(remote);
    return page ? respond(401, loginPage(), HTML) : respond(401, "authentication required\n", TEXT);
  }

  async function login(req: Request, remote: string): Promise<Response> {
    if (!sameOrigin(req)) return respond(403, "cross-origin login refused\n", TEXT);
    if (!deps.auth.tokenRequired) {
      return respond(303, null, TEXT, { location: "/console/" });
    }
    const body = await readBounded(req, MAX_LOGIN_BYTES);
    const token = body === undefined ? "" : new URLSearchParams(body).get("token") ?? "";
    if (!token || !deps.auth.tokenMatches(token)) {
      await deps.auth.failed(remote);
      logger.warn("console login from {remote} refused: wrong token", { remote });
      return respond(401, loginPage("Wrong token."), HTML);
    }
    deps.auth.succeeded(remote);
    logger.info("console login from {remote}", { remote });
    return respond(303, null, TEXT, {
      location: "/console/",
      "set-cookie": deps.auth.startSession(req),
    });
  }

  function events(): Response {
    let end = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const enc = new TextEncoder();
        const send = (text: string) => controller.enqueue(enc.encode(text));
        const snapshot = (json: string) => send(`event: snapshot\ndata: ${json}\n\n`);
        snapshot(deps.feed.json());
        const unsubscribe = deps.feed.subscribe(snapshot);
        const keepalive = setInterval(() => send(": keep-alive\n\n"), SSE_KEEPALIVE_MS);
        end = () => {
          clearInterval(keepalive);
          unsubscribe();
          streams.delete(end);
          try {
            controller.close();
          } catch { /* already closed */ }
        };
        streams.add(end);
      },
      cancel() {
        end();
      },
    });
    return new Response(body, {
      headers: {
        ...SECURITY_HEADERS,
        "content-type": "text/event-stream",
        "x-accel-buffering": "no",
      },
    });
  }

  function screen(req: Request, remote: string): Response {
    if ((req.headers.get("upgrade") ?? "").toLowerCase() !== "websocket") {
      return respond(426, "WebSocket upgrade required\n", TEXT);
    }
    if (!sameOrigin(req)) {
      logger.warn("console screen upgrade from {remote} refused: foreign Origin {origin}", {
        remote,
        origin: req.headers.get("origin") ?? "(none)",
      });
      return respond(403, "cross-origin WebSocket refused\n", TEXT);
    }
    const { socket, response } = Deno.upgradeWebSocket(req);
    const bridge = bridgeToVnc(socket, deps.vnc(), { viewOnly: !deps.control, who: remote });
    bridges.add(bridge);
    bridge.done.finally(() => bridges.delete(bridge));
    return response;
  }

  return {
    async handle(req, remote) {
      if (closing) return respond(503, "ibg-pilot is stopping\n", TEXT);
      const path = new URL(req.url).pathname;
      if (path === "/console") return respond(308, null, TEXT, { location: "/console/" });
      if (path === "/console/login" && req.method === "POST") return await login(req, remote);
      const page = path === "/console/";
      if (!deps.auth.authenticated(req)) {
        return await unauthorized(req, remote, page && req.method === "GET");
      }
      if (path === "/console/logout" && req.method === "POST") {
        if (!sameOrigin(req)) return respond(403, "cross-origin logout refused\n", TEXT);
        return respond(303, null, TEXT, {
          location: "/console/",
          "set-cookie": deps.auth.endSession(req),
        });
      }
      if (req.method !== "GET" && req.method !== "HEAD") {
        return respond(405, "method not allowed\n", TEXT, { allow: "GET, HEAD" });
      }
      if (path === "/console/events") return events();
      if (path === "/console/vnc") return screen(req, remote);
      const asset = ASSETS[path];
      if (asset) return respond(200, req.method === "HEAD" ? null : asset.body, asset.type);
      return respond(404, "not found\n", TEXT);
    },
    async close() {
      closing = true;
      for (const end of [...streams]) end();
      for (const b of bridges) b.close();
      await Promise.all([...bridges].map((b) => b.done.catch(() => {})));
    },
  };
}
