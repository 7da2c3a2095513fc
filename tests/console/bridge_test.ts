/**
 * The console screen's bridge: a browser that upgrades and then stalls in its RFB handshake is
 * disconnected at CONSOLE_HANDSHAKE_DEADLINE_MS (here shortened) instead of holding its
 * connection and the VNC server's forever.
 */

import assert from "node:assert/strict";
import { bridgeToVnc } from "../../lib/console/bridge.ts";
import { RFB_VERSION_3_8 } from "../../lib/console/rfb.ts";

/** A VNC server that logs any client in (VNC authentication, any answer) and then waits. */
async function fakeVnc(listener: Deno.TcpListener, served: Deno.TcpConn[]) {
  for await (const conn of listener) {
    served.push(conn);
    const read = async (n: number) => {
      const buf = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = await conn.read(buf.subarray(got));
        if (r === null) throw new Error("closed");
        got += r;
      }
    };
    (async () => {
      await conn.write(new TextEncoder().encode(RFB_VERSION_3_8));
      await read(12);
      await conn.write(Uint8Array.of(1, 2));
      await read(1);
      await conn.write(new Uint8Array(16));
      await read(16);
      await conn.write(Uint8Array.of(0, 0, 0, 0));
      await read(1);
    })().catch(() => {});
  }
}

Deno.test("a browser stalled in the RFB handshake is closed at the handshake deadline", async () => {
  const vnc = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served: Deno.TcpConn[] = [];
  const vncDone = fakeVnc(vnc, served).catch(() => {});
  let bridgeDone: Promise<void> | undefined;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    bridgeDone = bridgeToVnc(
      socket,
      { host: "127.0.0.1", port: vnc.addr.port, password: "secret" },
      { viewOnly: true, who: "test", handshakeMs: 200 },
    ).done;
    return response;
  });
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${server.addr.port}/console/vnc`);
    ws.binaryType = "arraybuffer";
    const firstMessage = new Promise<string>((resolve) =>
      ws.addEventListener("message", (e) => resolve(new TextDecoder().decode(e.data)), {
        once: true,
      })
    );
    const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener("close", resolve));
    // The bridge logged in to the VNC server and greeted the browser, which never answers.
    assert.equal(await firstMessage, RFB_VERSION_3_8);
    const ev = await closed;
    assert.equal(ev.code, 1011);
    assert.match(ev.reason, /CONSOLE_HANDSHAKE_DEADLINE_MS/);
    await bridgeDone;
  } finally {
    vnc.close();
    for (const c of served) {
      try {
        c.close();
      } catch { /* closed by the bridge */ }
    }
    await vncDone;
    await server.shutdown();
  }
});
