/** The command server over real loopback sockets: IBC's wire behaviour, access, limits, fuzz. */

import assert from "node:assert/strict";
import {
  type Access,
  accessDecision,
  CommandServer,
  type CommandServerOptions,
  isLoopback,
  LineSplitter,
  tokenMatches,
} from "../../lib/servers/command.ts";
import { FakeTarget, RawClient, status, waitFor, within } from "./helpers.ts";

async function withServer(
  opts: Partial<CommandServerOptions>,
  fn: (port: number, target: FakeTarget, server: CommandServer) => Promise<void>,
): Promise<void> {
  const target = (opts.target as FakeTarget | undefined) ?? new FakeTarget();
  const server = new CommandServer({
    hostname: "127.0.0.1",
    port: 0,
    mode: "paper",
    ...opts,
    target,
  });
  await server.start();
  try {
    await fn(server.addr.port, target, server);
  } finally {
    await server.close();
  }
}

/** One connection: send `text`, return everything until the server closes. */
async function exchange(port: number, text: string, what = "reply"): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    await c.write(text);
    return await c.untilEof(what);
  } finally {
    await c.close();
  }
}

Deno.test("IBC's stop.sh: STOP, wait, EXIT on one connection gets IBC's exact bytes", async () => {
  await withServer({}, async (port, target) => {
    const c = await RawClient.connect(port);
    await c.write("STOP\n");
    await c.until("STOP reply", (t) => t.endsWith("\n"));
    await c.write("EXIT\n").catch(() => {}); // the server has closed; as with telnet, ignored
    await c.write("quit\n").catch(() => {});
    assert.equal(await c.untilEof("close after STOP"), "OK Shutting down: STOP command\n");
    await c.close();
    assert.deepEqual(target.calls, ["stop:STOP command"]);
    // A second STOP, as IBC: an error, then close.
    assert.equal(await exchange(port, "STOP\nEXIT\n"), "ERROR STOP already in progress\n");
  });
});

Deno.test("with INFO lines on (SuppressInfoMessages=no), IBC's greeting and INFO lines", async () => {
  await withServer({ infoMessages: true }, async (port) => {
    assert.equal(
      await exchange(port, "STOP\n"),
      "INFO IBC Command Server\nINFO Closing IBC\nOK Shutting down: STOP command\n",
    );
  });
  await withServer({ infoMessages: true }, async (port) => {
    assert.equal(
      await exchange(port, "restart\n"),
      "INFO IBC Command Server\nINFO Restarting TWS\nOK RESTART in progress\nOK RESTART at 11:46 PM\n",
    );
  });
});

Deno.test("each command's replies, several commands per connection, any case", async () => {
  await withServer({}, async (port, target) => {
    const out = await exchange(
      port,
      "reconnectdata\nRECONNECTACCOUNT\nEnableApi\nHELLO\nSTOP \n\n   \nExit\nSTATUS\n",
    );
    assert.equal(
      out,
      "OK \nOK \nERROR ENABLEAPI is not valid for the IB Gateway\nERROR Command invalid\n" +
        "ERROR Command invalid\nOK Goodbye\n",
    );
    assert.deepEqual(target.calls, ["reconnectData", "reconnectAccount"]);
  });
});

Deno.test("ENABLEAPI on TWS: IBC's OK configured / OK already configured, or the error", async () => {
  const target = new FakeTarget();
  const answers = [
    { ok: true, detail: "configured" },
    { ok: true, detail: "already configured" },
    { ok: false, error: "Gateway is not logged in" },
  ];
  Object.assign(target, { enableApi: () => answers.shift()! });
  await withServer({ target }, async (port) => {
    assert.equal(
      await exchange(port, "ENABLEAPI\nenableapi\nENABLEAPI\nEXIT\n"),
      "OK configured\nOK already configured\nERROR Gateway is not logged in\nOK Goodbye\n",
    );
  });
});

Deno.test("RESTART and PAUSE reply as IBC for Gateway, then close; repeats are errors", async () => {
  await withServer({}, async (port, target) => {
    assert.equal(
      await exchange(port, "RESTART\nEXIT\n"),
      "OK RESTART in progress\nOK RESTART at 11:46 PM\n",
    );
    assert.equal(await exchange(port, "RESTART\n"), "ERROR RESTART already in progress\n");
    assert.equal(await exchange(port, "PAUSE\n"), "OK PAUSE in progress\nOK PAUSE at 11:46 PM\n");
    assert.deepEqual(target.calls, ["restart", "restart", "pause"]);
  });
  // A supervisor that restarts through the full login path gives no time.
  const t = new FakeTarget();
  t.restartDetail = undefined;
  await withServer({ target: t }, async (port) => {
    assert.equal(await exchange(port, "RESTART\n"), "OK RESTART in progress\n");
  });
});

Deno.test("STATUS is one line of JSON with the /health fields", async () => {
  const t = new FakeTarget();
  t.sessions = [status({ mode: "live", apiPort: 4001 }), status({ state: "TWO_FA", ready: false })];
  await withServer({ target: t, mode: "both" }, async (port) => {
    const out = await exchange(port, "status\nEXIT\n");
    const lines = out.split("\n");
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^OK \{/);
    const json = JSON.parse(lines[0].slice(3));
    assert.equal(json.status, "unhealthy");
    assert.equal(json.mode, "both");
    assert.equal(json.state, "TWO_FA");
    assert.equal(json.sessions.length, 2);
    assert.equal(json.sessions[0].api_port, 4001);
    assert.equal(lines[1], "OK Goodbye");
  });
});

Deno.test("LF, CR and CRLF all end a line, even split across packets", async () => {
  await withServer({}, async (port) => {
    const c = await RawClient.connect(port);
    await c.write("RECONNECTDATA\r");
    await c.until("CR line", (t) => t === "OK \n");
    await c.write("RECONNECTDATA\r");
    await c.write("\nRECONNECTDATA\r\n");
    await c.until("CRLF lines", (t) => t === "OK \nOK \nOK \n");
    await c.write("EXIT\n");
    assert.equal(await c.untilEof("exit"), "OK \nOK \nOK \nOK Goodbye\n");
    await c.close();
  });
});

Deno.test("the prompt is written after each reply and each blank line, not on connect", async () => {
  await withServer({ prompt: "ibc>" }, async (port) => {
    assert.equal(
      await exchange(port, "\nHELLO\nEXIT\n"),
      "ibc>ERROR Command invalid\nibc>OK Goodbye\n",
    );
  });
});

Deno.test("access rule: loopback and own address always, CONTROL_FROM, else AUTH or deny", () => {
  const rules = { localAddress: "10.1.2.3", controlFrom: new Set(["192.0.2.7"]), tokenSet: false };
  assert.equal(accessDecision("127.0.0.1", rules), "allow");
  assert.equal(accessDecision("127.5.6.7", rules), "allow");
  assert.equal(accessDecision("::1", rules), "allow");
  assert.equal(accessDecision("::ffff:127.0.0.1", rules), "allow");
  assert.equal(accessDecision("10.1.2.3", rules), "allow");
  assert.equal(accessDecision("::ffff:192.0.2.7", rules), "allow");
  assert.equal(accessDecision("192.0.2.8", rules), "deny");
  assert.equal(accessDecision("192.0.2.8", { ...rules, tokenSet: true }), "auth");
  assert.ok(isLoopback("[::1]") && !isLoopback("0.0.0.0"));
  assert.ok(tokenMatches("s3cret-token", "s3cret-token"));
  assert.ok(!tokenMatches("s3cret-tokeN", "s3cret-token"));
  assert.ok(!tokenMatches("", ""));
});

Deno.test("a denied client is closed with no message; a well-behaved one is served", async () => {
  let seen = "";
  const accessCheck = (peer: string): Access => {
    seen = peer;
    return "deny";
  };
  await withServer({ accessCheck }, async (port) => {
    assert.equal(await exchange(port, "STOP\n"), "");
    assert.equal(seen, "127.0.0.1");
  });
});

Deno.test("AUTH: required, wrong, right; loopback needs none; pause after failures", async () => {
  let access: Access = "auth";
  const opts: Partial<CommandServerOptions> = {
    authToken: "correct horse",
    accessCheck: () => access,
    limits: { maxAuthFailures: 3, authPauseMs: 60_000 },
  };
  await withServer(opts, async (port, target) => {
    assert.equal(
      await exchange(port, "STOP\n"),
      "ERROR Authentication required: send AUTH <token> first\n",
    );
    assert.equal(await exchange(port, "AUTH wrong\nSTOP\n"), "ERROR Authentication failed\n");
    assert.equal(
      await exchange(port, "auth correct horse\nRECONNECTDATA\nEXIT\n"),
      "OK Authenticated\nOK \nOK Goodbye\n",
    );
    assert.deepEqual(target.calls, ["reconnectData"]);
    // The loopback rule needs no AUTH even with a token set.
    access = "allow";
    assert.equal(await exchange(port, "RECONNECTDATA\nEXIT\n"), "OK \nOK Goodbye\n");
    // Three failures pause the address, even for the right token.
    access = "auth";
    assert.equal(await exchange(port, "AUTH x\n"), "ERROR Authentication failed\n");
    assert.equal(await exchange(port, "AUTH y\n"), "ERROR Authentication failed\n");
    assert.equal(
      await exchange(port, "AUTH correct horse\n"),
      "ERROR Too many failed AUTH attempts; try again later\n",
    );
  });
});

Deno.test("oversized line: ERROR and close, without affecting a well-behaved client", async () => {
  await withServer({ limits: { maxLineBytes: 1024 } }, async (port) => {
    const big = await RawClient.connect(port);
    const good = await RawClient.connect(port);
    await big.write("X".repeat(1025));
    assert.equal(await big.untilEof("oversized line closed"), "ERROR Line too long\n");
    await good.write("RECONNECTDATA\nEXIT\n");
    assert.equal(await good.untilEof("good client"), "OK \nOK Goodbye\n");
    await Promise.all([big.close(), good.close()]);
    // Exactly the limit is fine.
    assert.equal(
      await exchange(port, "A".repeat(1024) + "\nEXIT\n"),
      "ERROR Command invalid\nOK Goodbye\n",
    );
  });
});

Deno.test("an idle client is closed after the idle timeout; others are served meanwhile", async () => {
  await withServer({ limits: { idleTimeoutMs: 300 } }, async (port) => {
    const idle = await RawClient.connect(port);
    await idle.write("RECONNE"); // half a command, then silence
    assert.equal(await exchange(port, "RECONNECTDATA\nEXIT\n"), "OK \nOK Goodbye\n");
    assert.equal(await idle.untilEof("idle client closed", 3000), "");
    await idle.close();
  });
});

Deno.test("200 idle connections never lock out a well-behaved client", async () => {
  await withServer({ limits: { maxConnections: 64 } }, async (port, _t, server) => {
    const idle = await Promise.all(Array.from({ length: 200 }, () => RawClient.connect(port)));
    await waitFor("server saw connections", 5000, () => server.connectionCount >= 64);
    const started = performance.now();
    assert.equal(await exchange(port, "RECONNECTDATA\nEXIT\n"), "OK \nOK Goodbye\n");
    const ms = performance.now() - started;
    assert.ok(server.connectionCount <= 64);
    await Promise.all(idle.map((c) => c.close()));
    console.log(`well-behaved client served in ${ms.toFixed(1)} ms with 200 idle connections`);
  });
});

Deno.test("200 concurrent clients each get their own correct reply", async () => {
  await withServer({ limits: { maxConnections: 256 } }, async (port, target) => {
    const outs = await within(
      "200 concurrent exchanges",
      20_000,
      Promise.all(Array.from({ length: 200 }, () => exchange(port, "RECONNECTACCOUNT\nEXIT\n"))),
    );
    for (const o of outs) assert.equal(o, "OK \nOK Goodbye\n");
    assert.equal(target.calls.length, 200);
  });
});

Deno.test("a hung supervisor answers ERROR after the action timeout and blocks nobody", async () => {
  const t = new FakeTarget();
  let release = () => {};
  t.hang = new Promise((r) => release = r);
  await withServer({ target: t, limits: { actionTimeoutMs: 300 } }, async (port) => {
    const stuck = RawClient.connect(port).then(async (c) => {
      await c.write("STOP\n");
      return c;
    });
    assert.equal(await exchange(port, "RECONNECTDATA\nEXIT\n"), "OK \nOK Goodbye\n");
    const c = await stuck;
    assert.equal(await c.untilEof("STOP times out"), "ERROR STOP timed out\n");
    await c.close();
  });
  release();
});

Deno.test("LineSplitter: Java readLine rules and the length limit", () => {
  const s = new LineSplitter(8);
  const e = new TextEncoder();
  assert.deepEqual(s.push(e.encode("a\rb\nc\r")), { lines: ["a", "b", "c"], overflow: false });
  assert.deepEqual(s.push(e.encode("\nd\r\n\n")), { lines: ["d", ""], overflow: false });
  assert.deepEqual(s.push(e.encode("123456789")).overflow, true);
});

/** Deterministic PRNG (mulberry32) so a failing fuzz run can be replayed from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  "STOP",
  "EXIT",
  "RESTART",
  "PAUSE",
  "ENABLEAPI",
  "RECONNECTDATA",
  "RECONNECTACCOUNT",
  "STATUS",
  "AUTH tok",
  "AUTH correct horse",
];

function fuzzInput(r: () => number): Uint8Array {
  const e = new TextEncoder();
  const kind = r();
  if (kind < 0.35) {
    // Random bytes, any length up to 3 KiB (crosses the line limit).
    const n = Math.floor(r() * r() * 3000);
    return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
  }
  // A mutated valid command.
  const base = Array.from(e.encode(SEEDS[Math.floor(r() * SEEDS.length)]));
  const ops = 1 + Math.floor(r() * 4);
  for (let i = 0; i < ops; i++) {
    const at = Math.floor(r() * (base.length + 1));
    const op = r();
    if (op < 0.25) base.splice(at, 1);
    else if (op < 0.5) base.splice(at, 0, Math.floor(r() * 256));
    else if (op < 0.65) base.splice(at, 0, [0x0a, 0x0d, 0x20, 0x00][Math.floor(r() * 4)]);
    else if (op < 0.8) base[at % Math.max(1, base.length)] ^= 1 << Math.floor(r() * 8);
    else base.push(...base.slice(0, Math.floor(r() * base.length)));
  }
  const end = [[0x0a], [0x0d], [0x0d, 0x0a], []][Math.floor(r() * 4)];
  return Uint8Array.from([...base, ...end]);
}

Deno.test("fuzz: 10,000 random and mutated inputs, no crash, no hang", async () => {
  const seed = Number(Deno.env.get("FUZZ_SEED") ?? 20240607);
  const r = rng(seed);
  const TOTAL = 10_000;
  const BATCH = 50;
  let sent = 0;
  const started = performance.now();
  await withServer(
    { authToken: "correct horse", limits: { idleTimeoutMs: 2000, maxLineBytes: 1024 } },
    async (port, target, server) => {
      while (sent < TOTAL) {
        const batch = Array.from({ length: Math.min(BATCH, TOTAL - sent) }, () => fuzzInput(r));
        sent += batch.length;
        await within(
          `fuzz batch ending at ${sent} (seed ${seed})`,
          10_000,
          Promise.all(batch.map(async (input) => {
            const c = await RawClient.connect(port);
            try {
              await c.write(input).catch(() => {}); // the server may close first
              await c.write("\nEXIT\n").catch(() => {});
              const out = await c.untilEof("fuzz reply", 5000);
              for (const line of out.split("\n").filter(Boolean)) {
                assert.match(line, /^(OK|ERROR)( |$)/, `reply line ${JSON.stringify(line)}`);
              }
            } finally {
              await c.close();
            }
          })),
        );
        target.stopping = false;
        target.restarting = false;
      }
      await waitFor("connections drained", 5000, () => server.connectionCount === 0);
      assert.equal(await exchange(port, "RECONNECTDATA\nEXIT\n"), "OK \nOK Goodbye\n");
    },
  );
  console.log(
    `fuzz: ${sent} inputs (seed ${seed}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  assert.equal(sent, TOTAL);
});
