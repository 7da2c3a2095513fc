/** probeApi against an in-test fake TWS API server. */

import assert from "node:assert/strict";
import { probeApi } from "../../lib/probe/handshake.ts";
import { encodeFields } from "../../lib/probe/frames.ts";
import { fakeTws } from "./fake_tws.ts";

const HELLO = ["178", "20260105 09:30:00 EST"];
/** Upper bound on scheduling slack past timeoutMs on a busy 2-core machine. */
const SLACK_MS = 400;

Deno.test("normal handshake: server version and connection time", async () => {
  let versions = "";
  const server = fakeTws(async (peer) => {
    versions = await peer.handshake();
    await peer.send(HELLO);
    await peer.untilClosed();
  });
  try {
    const r = await probeApi({ port: server.port, timeoutMs: 2000 });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.serverVersion, 178);
    assert.equal(r.connectionTime, "20260105 09:30:00 EST");
    assert.equal(r.error, undefined);
    assert.ok(r.latencyMs >= 0 && r.latencyMs < 2000);
    assert.ok(r.handshakeMs !== undefined && r.handshakeMs <= r.latencyMs);
    assert.equal(r.nextValidId, undefined);
  } finally {
    await server.close();
  }
  assert.equal(versions, "v100..178");
});

Deno.test("a reply split byte by byte across packets is reassembled", async () => {
  const server = fakeTws(async (peer) => {
    await peer.handshake();
    await peer.write(encodeFields(HELLO), { bytewise: true, pauseMs: 2 });
    await peer.untilClosed();
  });
  try {
    const r = await probeApi({ port: server.port, timeoutMs: 3000 });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.serverVersion, 178);
  } finally {
    await server.close();
  }
});

Deno.test("the hello packed with a following message in one packet", async () => {
  const server = fakeTws(async (peer) => {
    await peer.handshake();
    const a = encodeFields(["176", "20260105 09:30:00 EST"]);
    const b = encodeFields([4, 2, -1, 2104, "Market data farm connection is OK:usfarm"]);
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    await peer.write(both);
    await peer.untilClosed();
  });
  try {
    const r = await probeApi({ port: server.port, timeoutMs: 2000 });
    assert.equal(r.ok, true);
    assert.equal(r.serverVersion, 176);
  } finally {
    await server.close();
  }
});

Deno.test("a server that never answers: timeout, within timeoutMs", async () => {
  const server = fakeTws(async (peer) => {
    await peer.handshake();
    await peer.untilClosed();
  });
  try {
    const t0 = performance.now();
    const r = await probeApi({ port: server.port, timeoutMs: 300 });
    const took = performance.now() - t0;
    assert.equal(r.ok, false);
    assert.equal(r.error?.reason, "timeout");
    assert.equal(r.error?.stage, "handshake");
    assert.ok(took >= 290 && took < 300 + SLACK_MS, `took ${took} ms`);
  } finally {
    await server.close();
  }
});

Deno.test("a slow server that answers after the deadline is still a timeout", async () => {
  const server = fakeTws(async (peer) => {
    await peer.handshake();
    await new Promise((r) => setTimeout(r, 400));
    await peer.send(HELLO);
    await peer.untilClosed();
  });
  try {
    const r = await probeApi({ port: server.port, timeoutMs: 150 });
    assert.equal(r.error?.reason, "timeout");
  } finally {
    await server.close();
  }
});

Deno.test("a forwarder without a backend (accepts, then closes): closed", async () => {
  const atOnce = fakeTws(async () => {});
  const afterHandshake = fakeTws(async (peer) => {
    await peer.handshake();
  });
  try {
    for (const server of [atOnce, afterHandshake]) {
      const r = await probeApi({ port: server.port, timeoutMs: 2000 });
      assert.equal(r.ok, false);
      assert.equal(r.error?.reason, "closed", JSON.stringify(r));
      assert.ok(r.latencyMs < 2000);
    }
  } finally {
    await atOnce.close();
    await afterHandshake.close();
  }
});

Deno.test("malformed replies: HTTP, binary, a non-numeric version", async () => {
  const replies = [
    new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"),
    new Uint8Array([0, 0, 0, 4, 0xff, 0x01, 0x02, 0x00]),
    encodeFields(["hello", "world"]),
    // A 4-byte frame "178x" with no NUL terminator.
    new Uint8Array([0, 0, 0, 4, 0x31, 0x37, 0x38, 0x78]),
  ];
  for (const reply of replies) {
    const server = fakeTws(async (peer) => {
      await peer.handshake();
      await peer.write(reply);
      await peer.untilClosed();
    });
    try {
      const r = await probeApi({ port: server.port, timeoutMs: 2000 });
      assert.equal(r.ok, false);
      assert.equal(r.error?.reason, "malformed", JSON.stringify(r));
    } finally {
      await server.close();
    }
  }
});

Deno.test("a refused port fails fast with refused", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const r = await probeApi({ port, timeoutMs: 2000 });
  assert.equal(r.ok, false);
  assert.equal(r.error?.reason, "refused");
  assert.equal(r.error?.stage, "connect");
  assert.ok(r.latencyMs < 1000);
});

Deno.test("deep probe: START_API, a notice first, then 15 and 9; only the account COUNT kept", async () => {
  let startApi: string[] = [];
  const server = fakeTws(async (peer) => {
    await peer.handshake();
    await peer.send(HELLO);
    startApi = await peer.fields();
    await peer.send([4, 2, -1, 2104, "Market data farm connection is OK:usfarm"]);
    await peer.send([15, 1, "DU1111111,DU2222222"]);
    await peer.send([9, 1, 42]);
    await peer.untilClosed();
  });
  try {
    const r = await probeApi({ port: server.port, timeoutMs: 2000, deep: { clientId: 999 } });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.nextValidId, 42);
    assert.equal(r.accountCount, 2);
    assert.ok(!/DU\d/.test(JSON.stringify(r)), "no account id in the result");
  } finally {
    await server.close();
  }
  assert.deepEqual(startApi, ["71", "2", "999", ""]);
});

Deno.test("deep probe: client id in use (326) is rejected, with the account-free message", async () => {
  const server = fakeTws(async (peer) => {
    await peer.handshake();
    await peer.send(HELLO);
    await peer.fields();
    await peer.send([
      4,
      2,
      -1,
      326,
      "Unable to connect as the client id is already in use. Retry with a unique client id.",
    ]);
  });
  try {
    const r = await probeApi({ port: server.port, timeoutMs: 2000, deep: { clientId: 0 } });
    assert.equal(r.ok, false);
    assert.equal(r.error?.reason, "rejected");
    assert.equal(r.error?.apiCode, 326);
    assert.equal(r.error?.stage, "start-api");
    assert.equal(r.serverVersion, 178, "the handshake facts are kept");
  } finally {
    await server.close();
  }
});

Deno.test("deep probe: accounts never arrive: timeout at start-api", async () => {
  const server = fakeTws(async (peer) => {
    await peer.handshake();
    await peer.send(HELLO);
    await peer.fields();
    await peer.send([9, 1, 1]);
    await peer.untilClosed();
  });
  try {
    const r = await probeApi({ port: server.port, timeoutMs: 300, deep: { clientId: 999 } });
    assert.equal(r.error?.reason, "timeout");
    assert.equal(r.error?.stage, "start-api");
    assert.equal(r.nextValidId, 1);
    assert.ok(r.latencyMs < 300 + SLACK_MS);
  } finally {
    await server.close();
  }
});

Deno.test("deep probe: the server closes after the hello: closed", async () => {
  const server = fakeTws(async (peer) => {
    await peer.handshake();
    await peer.send(HELLO);
    await peer.fields();
  });
  try {
    const r = await probeApi({ port: server.port, timeoutMs: 2000, deep: { clientId: 999 } });
    assert.equal(r.error?.reason, "closed");
    assert.equal(r.error?.stage, "start-api");
  } finally {
    await server.close();
  }
});

Deno.test("an unknown host is an error, not a hang", async () => {
  const r = await probeApi({ host: "no-such-host.invalid", port: 4002, timeoutMs: 1500 });
  assert.equal(r.ok, false);
  assert.ok(["error", "timeout"].includes(r.error!.reason), JSON.stringify(r));
  assert.ok(r.latencyMs < 1500 + SLACK_MS);
});
