/**
 * The console's screen: one browser WebSocket bridged to the local x11vnc. ibg-pilot logs in to
 * x11vnc itself (VNC authentication with the password only it knows) and offers the browser RFB
 * security type None, so the VNC password never reaches the page; it forces the shared flag (a
 * console viewer never disconnects a VNC client); and every client message passes the
 * {@link InputFilter}, which drops keyboard and mouse input unless PILOT_CONSOLE_CONTROL=yes.
 */

import type { VncTarget } from "../container/mod.ts";
import { log } from "../log.ts";
import { InputFilter } from "./input_filter.ts";
import { ByteReader, loginToServer, RFB_VERSION_3_8, RfbError } from "./rfb.ts";
import { DeadlineError, withDeadline } from "../util/deadline.ts";
import { errorLine, errorText } from "../util/errors.ts";

/** How long a viewer's connection may take from upgrade to its ClientInit (both RFB handshakes). */
export const CONSOLE_HANDSHAKE_DEADLINE_MS = 10_000;

/** A bridged connection, for shutdown. */
export interface Bridge {
  close(): void;
  done: Promise<void>;
}

/** The browser side as a byte stream (WebSocket binary messages in order). */
function wsBytes(ws: WebSocket): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      ws.addEventListener("message", (e) => {
        if (e.data instanceof ArrayBuffer) controller.enqueue(new Uint8Array(e.data));
        else if (typeof e.data === "string") {
          // RFB over WebSocket is binary only: a text frame is a client bug; end the session.
          controller.error(new RfbError("text frame on the VNC WebSocket"));
        }
      });
      ws.addEventListener("close", () => {
        try {
          controller.close();
        } catch { /* already errored */ }
      });
    },
  });
}

function opened(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.OPEN) return Promise.resolve();
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("close", () => reject(new RfbError("browser left")), { once: true });
  });
}

/** Bridges `ws` (just upgraded) to the VNC server; resolves when either side ends. */
export function bridgeToVnc(
  ws: WebSocket,
  target: VncTarget | undefined,
  opts: { viewOnly: boolean; who: string; handshakeMs?: number },
): Bridge {
  const logger = log("console", "vnc");
  ws.binaryType = "arraybuffer";
  let conn: Deno.TcpConn | undefined;
  let closed = false;
  const close = (code = 1000, reason = "") => {
    if (closed) return;
    closed = true;
    try {
      conn?.close();
    } catch { /* already closed */ }
    try {
      ws.close(code, reason);
    } catch { /* already closed */ }
  };
  const filter = new InputFilter(opts.viewOnly);
  const done = (async () => {
    const client = new ByteReader(wsBytes(ws));
    // Everything up to the browser's ClientInit, under one deadline: a stalled (authenticated)
    // browser or VNC server would otherwise hold this connection forever.
    const handshake = async () => {
      await opened(ws);
      if (!target) throw new RfbError("no VNC server runs (ibg-pilot does not own the display)");
      conn = await Deno.connect({ hostname: target.host, port: target.port }).catch((e) => {
        throw new RfbError(`VNC server unavailable (${errorLine(e)})`);
      });
      const server = new ByteReader(conn.readable);
      const writer = conn.writable.getWriter();
      await loginToServer(server, writer, target.password);

      // The browser's handshake: version, security None, result OK, then its ClientInit.
      ws.send(new TextEncoder().encode(RFB_VERSION_3_8));
      const version = new TextDecoder().decode(await client.read(12));
      if (!/^RFB 003\.00[78]\n$/.test(version)) {
        throw new RfbError(`browser speaks ${JSON.stringify(version)}`);
      }
      ws.send(Uint8Array.of(1, 1));
      const [choice] = await client.read(1);
      if (choice !== 1) throw new RfbError(`browser chose security type ${choice}`);
      ws.send(Uint8Array.of(0, 0, 0, 0));
      await client.read(1); // ClientInit's shared flag: always shared toward x11vnc.
      await writer.write(Uint8Array.of(1));
      return { server, writer };
    };
    try {
      const { server, writer } = await withDeadline(
        handshake(),
        opts.handshakeMs ?? CONSOLE_HANDSHAKE_DEADLINE_MS,
        "CONSOLE_HANDSHAKE_DEADLINE_MS",
        "the console screen's RFB handshake",
      );
      logger.info("console viewer {who} connected ({mode})", {
        who: opts.who,
        mode: opts.viewOnly ? "view only" : "control",
      });

      const toBrowser = (async () => {
        for (let c = await server.chunk(); c && !closed; c = await server.chunk()) ws.send(c);
      })();
      const toServer = (async () => {
        for (let c = await client.chunk(); c && !closed; c = await client.chunk()) {
          const before = filter.dropped;
          const pass = filter.push(c);
          if (before === 0 && filter.dropped > 0) {
            logger.info("view only: input from {who} dropped (PILOT_CONSOLE_CONTROL=no)", {
              who: opts.who,
            });
          }
          if (pass.length) await writer.write(pass);
        }
      })();
      // The pump that loses the race ends with the connection: its error is not news.
      toBrowser.catch(() => {});
      toServer.catch(() => {});
      await Promise.race([toBrowser, toServer]);
    } catch (e) {
      if (!closed) {
        logger.warn("console screen connection of {who} ended: {error}", {
          who: opts.who,
          error: errorText(e),
        });
      }
      const told = e instanceof RfbError || e instanceof DeadlineError;
      close(1011, told ? (e as Error).message.slice(0, 120) : "bridge error");
      return;
    } finally {
      if (filter.dropped) {
        logger.info("view only: dropped {n} input messages of {who}", {
          n: filter.dropped,
          who: opts.who,
        });
      }
    }
    close();
  })();
  return { close: () => close(1001, "ibg-pilot is stopping"), done };
}
