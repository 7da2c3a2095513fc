/**
 * The API forwarder over real sockets: refused until the session is READY, bytes relayed both
 * ways (large payloads, half-close), Gateway sees the relay from 127.0.0.1, the outside port
 * closes when the session leaves READY while relayed connections live on, shutdown ends them.
 */

import assert from "node:assert/strict";
import { ApiForwarder } from "../../lib/container/forward.ts";
import { type AlertEvent, onAlert } from "../../lib/log.ts";
import { freePort } from "../support/net.ts";

/** A stand-in for Gateway's API port: records each connection's peer and echoes upper-cased. */
function fakeGateway() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const peers: string[] = [];
  const conns: Deno.TcpConn[] = [];
  const loop = (async () => {
    for await (const conn of listener) {
      peers.push((conn.remoteAddr as Deno.NetAddr).hostname);
      conns.push(conn);
      void (async () => {
        const buf = new Uint8Array(65536);
        try {
          while (true) {
            const n = await conn.read(buf);
            if (n === null) break;
            const out = new TextEncoder().encode(
              new TextDecoder().decode(buf.subarray(0, n)).toUpperCase(),
            );
            let off = 0;
            while (off < out.length) off += await conn.write(out.subarray(off));
          }
          // The client half-closed: answer once more, then hang up (a server's last word).
          await conn.write(new TextEncoder().encode("BYE"));
          conn.close();
        } catch { /* closed by the test */ }
      })();
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    peers,
    conns,
    async close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      await loop;
    },
  };
}

async function readN(conn: Deno.Conn, n: number): Promise<string> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await conn.read(out.subarray(got));
    if (r === null) throw new Error(`EOF after ${got} of ${n} bytes`);
    got += r;
  }
  return new TextDecoder().decode(out);
}

async function readToEnd(conn: Deno.Conn): Promise<string> {
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  while (true) {
    const n = await conn.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  return new TextDecoder().decode(
    chunks.reduce((a, b) => {
      const c = new Uint8Array(a.length + b.length);
      c.set(a);
      c.set(b, a.length);
      return c;
    }, new Uint8Array()),
  );
}

async function writeAll(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

function refused(port: number, hostname = "127.0.0.1"): Promise<void> {
  return assert.rejects(
    Deno.connect({ hostname, port }),
    Deno.errors.ConnectionRefused,
    `port ${port} should refuse connections`,
  );
}

Deno.test("the outside port refuses connections until the session is READY", async () => {
  await withPaperForwarder(async (f, port, gw) => {
    assert.equal(f.listening, false);
    await refused(port);
    await f.setOpen(false); // leaving a state we were never in changes nothing
    await refused(port);
    assert.equal(gw.conns.length, 0, "nothing reached Gateway");
  });
});

Deno.test("relays bytes both ways; Gateway sees the connection from 127.0.0.1", async () => {
  const gw = fakeGateway();
  const port = freePort();
  // A client from another address (this host's network interface when it has one) listening on
  // 0.0.0.0 as in a container: Gateway must still see 127.0.0.1 (jts.ini TrustedIPs), as with
  // socat.
  const outside =
    Deno.networkInterfaces().find((i) => i.family === "IPv4" && !i.address.startsWith("127."))
      ?.address ?? "127.0.0.1";
  const f = new ApiForwarder({
    mode: "live",
    listenHost: "0.0.0.0",
    listenPort: port,
    targetPort: gw.port,
  });
  try {
    await f.setOpen(true);
    await f.setOpen(true); // idempotent
    assert.equal(f.listening, true);
    const client = await Deno.connect({ hostname: outside, port });
    assert.equal((client.localAddr as Deno.NetAddr).hostname, outside);
    await writeAll(client, "hello gateway");
    assert.equal(await readN(client, 13), "HELLO GATEWAY");
    // A payload far larger than one chunk, both ways.
    const big = "abcdefghij".repeat(300_000);
    const [, echoed] = await Promise.all([
      writeAll(client, big),
      readN(client, big.length),
    ]);
    assert.equal(echoed, big.toUpperCase());
    // Half-close: the client is done sending; the server's reply still arrives, then EOF.
    await client.closeWrite();
    assert.equal(await readToEnd(client), "BYE");
    client.close();
    assert.deepEqual(gw.peers, ["127.0.0.1"]);
    assert.equal(f.stats.accepted, 1);
  } finally {
    await f.close();
    await gw.close();
  }
});

Deno.test("leaving READY closes the port; relayed connections live on until Gateway ends them", async () => {
  await withPaperForwarder(async (f, port, gw) => {
    await f.setOpen(true);
    const client = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(client, "one");
    assert.equal(await readN(client, 3), "ONE");

    await f.setOpen(false);
    assert.equal(f.listening, false);
    await refused(port);
    // The established relay is Gateway's business: it still works...
    await writeAll(client, "two");
    assert.equal(await readN(client, 3), "TWO");
    // ...until Gateway hangs up (as it does when it logs out): the client sees EOF.
    gw.conns[0].close();
    assert.equal(await readToEnd(client), "");
    client.close();

    // READY again: the port opens again.
    await f.setOpen(true);
    const again = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(again, "three");
    assert.equal(await readN(again, 5), "THREE");
    again.close();
  });
});

Deno.test("leaving and re-entering READY at once: the same port opens again", async () => {
  await withPaperForwarder(async (f, port) => {
    await f.setOpen(true);
    void f.setOpen(false); // not awaited: the shell does not wait between effects either
    await f.setOpen(true);
    assert.equal(f.listening, true);
    assert.equal(f.openError, undefined);
    const client = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(client, "again");
    assert.equal(await readN(client, 5), "AGAIN");
    client.close();
  });
});

Deno.test("close() (shutdown) ends the port and every relayed connection", async () => {
  await withPaperForwarder(async (f, port) => {
    await f.setOpen(true);
    const client = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(client, "x");
    assert.equal(await readN(client, 1), "X");
    assert.equal(f.stats.active, 1);
    await f.close();
    assert.equal(f.stats.active, 0);
    assert.equal(await readToEnd(client).catch(() => ""), "");
    client.close();
    await refused(port);
    await f.setOpen(true); // a closed forwarder stays closed
    await refused(port);
  });
});

Deno.test("an accepted client is dropped when Gateway's port refuses the relay", async () => {
  const deadPort = freePort(); // nothing listens here
  const port = freePort();
  const f = new ApiForwarder({
    mode: "paper",
    listenHost: "127.0.0.1",
    listenPort: port,
    targetPort: deadPort,
  });
  try {
    await f.setOpen(true);
    const client = await Deno.connect({ hostname: "127.0.0.1", port });
    assert.equal(await readToEnd(client).catch(() => ""), "");
    client.close();
    assert.equal(f.stats.upstreamFailures, 1);
    assert.equal(f.stats.active, 0);
  } finally {
    await f.close();
  }
});

Deno.test("a port another process holds: ALERT_API_FORWARD_FAILED once, open once it is free", async () => {
  const gw = fakeGateway();
  const squatter = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (squatter.addr as Deno.NetAddr).port;
  const alerts: AlertEvent[] = [];
  const off = onAlert((e) => alerts.push(e));
  const f = new ApiForwarder({
    mode: "live",
    listenHost: "127.0.0.1",
    listenPort: port,
    targetPort: gw.port,
    portSetting: "PILOT_API_FORWARD_PORT",
  });
  try {
    assert.equal(f.openError, undefined);
    await f.setOpen(true);
    assert.equal(f.listening, false);
    assert.match(f.openError ?? "", new RegExp(`^127\\.0\\.0\\.1:${port}: .*free port ${port}`));
    await f.setOpen(false);
    assert.equal(f.openError, undefined); // not READY: nothing is missing
    await f.setOpen(true); // READY again, still taken: no second alert
    const failed = alerts.filter((a) => a.token === "ALERT_API_FORWARD_FAILED");
    assert.equal(failed.length, 1);
    assert.equal(failed[0].fields.port, port);
    assert.equal(failed[0].fields.mode, "live");
    squatter.close();
    await f.setOpen(false);
    await f.setOpen(true);
    assert.equal(f.listening, true);
    const client = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(client, "ok");
    assert.equal(await readN(client, 2), "OK");
    client.close();
  } finally {
    off();
    await f.close();
    await gw.close();
  }
});

/** A paper forwarder on a free local port in front of a fresh fake Gateway; both closed after. */
async function withPaperForwarder(
  body: (f: ApiForwarder, port: number, gw: ReturnType<typeof fakeGateway>) => Promise<void>,
): Promise<void> {
  const gw = fakeGateway();
  const port = freePort();
  const f = new ApiForwarder({
    mode: "paper",
    listenHost: "127.0.0.1",
    listenPort: port,
    targetPort: gw.port,
  });
  try {
    await body(f, port, gw);
  } finally {
    await f.close();
    await gw.close();
  }
}
