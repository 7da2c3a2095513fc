/**
 * AgentClient against a fake agent (a Deno Unix-socket server speaking the protocol by script):
 * hello deadline and version check, reply correlation with interleaved replies, malformed lines,
 * per-request timeouts and late replies, error-code mapping, events, disconnect, connectAgent's
 * retry and its error, and that setText values never reach the log.
 */

import { AgentClient, connectAgent, PROTOCOL_VERSION } from "../../lib/ui/agent/client.ts";
import { writeAgentJar } from "../../lib/ui/agent/embedded.ts";
import { UiError, type UiEvent } from "../../lib/ui/port.ts";
import { setupLogging } from "../../lib/log.ts";
import assert from "node:assert/strict";
import { privateDir, Waiter } from "./harness.ts";

const enc = new TextEncoder();
const HELLO = {
  type: "hello",
  protocol: PROTOCOL_VERSION,
  agent: "fake",
  pid: 4242,
  java: "17.0.0",
  ready: true,
  ops: [],
  at: 0,
};

/** One accepted connection of the fake agent. */
interface FakeConn {
  requests: Waiter<Record<string, unknown>>;
  send(obj: unknown): Promise<void>;
  raw(text: string): Promise<void>;
  close(): void;
}

/** A scripted fake agent on a Unix socket. */
async function fakeAgent(
  opts: { hello?: unknown; autoSubscribe?: boolean; path?: string } = {},
) {
  const dir = opts.path ? undefined : await privateDir();
  const path = opts.path ?? `${dir}/agent.sock`;
  const listener = Deno.listen({ transport: "unix", path });
  const conns = new Waiter<FakeConn>();
  (async () => {
    for await (const conn of listener) {
      const writer = conn.writable.getWriter();
      const requests = new Waiter<Record<string, unknown>>();
      const fc: FakeConn = {
        requests,
        send: (obj) => writer.write(enc.encode(JSON.stringify(obj) + "\n")),
        raw: (text) => writer.write(enc.encode(text)),
        close: () => {
          try {
            conn.close();
          } catch { /* closed */ }
        },
      };
      if (opts.hello !== null) await fc.send(opts.hello ?? HELLO);
      (async () => {
        const dec = new TextDecoder();
        let buf = "";
        try {
          for await (const chunk of conn.readable) {
            buf += dec.decode(chunk, { stream: true });
            let nl;
            while ((nl = buf.indexOf("\n")) >= 0) {
              const req = JSON.parse(buf.slice(0, nl));
              buf = buf.slice(nl + 1);
              if (req.op === "subscribe" && (opts.autoSubscribe ?? true)) {
                await fc.send({ type: "reply", id: req.id, ok: true, result: { events: true } });
              } else requests.push(req);
            }
          }
        } catch { /* closed */ }
      })();
      conns.push(fc);
    }
  })().catch(() => {});
  return {
    path,
    conns,
    async stop() {
      try {
        listener.close();
      } catch { /* closed */ }
      for (const c of conns.seen) c.close();
      if (dir) await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

const code = (c: string) => (e: Error) => e instanceof UiError && e.code === c;

Deno.test("client: hello, subscribe, interleaved replies and error codes", async () => {
  const fake = await fakeAgent();
  const client = await connectAgent(fake.path, { helloDeadlineMs: 2000 });
  try {
    assert.deepEqual(client.hello.pid, 4242);
    const agent = await fake.conns.wait(() => true, 2000, "connection");
    const a = client.windows();
    const b = client.snapshot("w1");
    const cl = client.click("w1", { text: "OK" });
    const ra = await agent.requests.wait((r) => r.op === "windows", 2000, "windows");
    const rb = await agent.requests.wait((r) => r.op === "snapshot", 2000, "snapshot");
    const rc = await agent.requests.wait((r) => r.op === "click", 2000, "click");
    assert.deepEqual(rc.target, { text: "OK" });
    assert.deepEqual(typeof rc.timeoutMs, "number");
    // Replies in reverse order, two in one write, and an event in between.
    await agent.raw(
      JSON.stringify({
        type: "reply",
        id: rc.id,
        ok: false,
        error: { code: "disabled", message: "is disabled" },
      }) + "\n" +
        JSON.stringify({
          type: "reply",
          id: rb.id,
          ok: true,
          result: { root: { role: "window" } },
        }) +
        "\n",
    );
    await agent.send({ type: "reply", id: ra.id, ok: true, result: { windows: [{ id: "w1" }] } });
    assert.deepEqual(await a, [{ id: "w1" }]);
    assert.deepEqual((await b).role, "window");
    await assert.rejects(
      () => cl,
      (e: Error) => code("disabled")(e) && /is disabled/.test(e.message),
    );
  } finally {
    await client.close();
    await fake.stop();
  }
});

Deno.test("client: malformed lines are ignored, events are delivered", async () => {
  const fake = await fakeAgent();
  const client = await connectAgent(fake.path, { helloDeadlineMs: 2000 });
  const events = new Waiter<UiEvent>();
  client.onEvent((e) => events.push(e));
  try {
    const agent = await fake.conns.wait(() => true, 2000, "connection");
    const p = client.ping();
    const req = await agent.requests.wait((r) => r.op === "ping", 2000, "ping");
    await agent.raw('this is not json\n[1,2]\n{"type":"mystery"}\n\n{"type":"rep');
    await agent.raw(`ly","id":${req.id},"ok":true,"result":{"pong":true}}\n`);
    assert.deepEqual((await p).pong, true);
    assert.deepEqual(client.stats.malformed, 3);
    const w = {
      id: "w7",
      title: "T",
      className: "javax.swing.JDialog",
      kind: "dialog",
      modal: true,
      showing: true,
      toolkit: "swing",
    };
    await agent.send({ type: "event", event: "window-opened", seq: 1, at: 123.5, window: w });
    await agent.send({ type: "event", event: "window-activated", seq: 2, at: 124, window: w });
    await agent.send({
      type: "event",
      event: "window-closed",
      seq: 3,
      at: 125,
      windowId: "w7",
      title: "T",
    });
    await agent.send({ type: "event", event: "future-thing", seq: 4, at: 126 });
    const closed = await events.wait((e) => e.type === "window-closed", 2000, "closed");
    assert.deepEqual(closed, { type: "window-closed", windowId: "w7", title: "T", at: 125 });
    assert.deepEqual(events.seen.map((e) => e.type), [
      "window-opened",
      "window-activated",
      "window-closed",
    ]);
    assert.deepEqual((events.seen[0] as { window: unknown }).window, w);
    // A reply for an unknown id does not disturb anything.
    await agent.send({ type: "reply", id: 999, ok: true, result: {} });
    const p2 = client.ping();
    const r2 = await agent.requests.next((r) => r.op === "ping", 2000, "ping 2");
    await agent.send({ type: "reply", id: r2.id, ok: true, result: { pong: true } });
    await p2;
    assert.deepEqual(client.stats.orphanReplies, 1);
  } finally {
    await client.close();
    await fake.stop();
  }
});

Deno.test("client: per-request timeout; a late reply is dropped", async () => {
  const fake = await fakeAgent();
  const client = await connectAgent(fake.path, { helloDeadlineMs: 2000, requestTimeoutMs: 100 });
  try {
    const agent = await fake.conns.wait(() => true, 2000, "connection");
    const slow = client.windows();
    const req = await agent.requests.wait((r) => r.op === "windows", 2000, "windows");
    await assert.rejects(() => slow, (e: Error) => code("timeout")(e) && /100 ms/.test(e.message));
    await agent.send({ type: "reply", id: req.id, ok: true, result: { windows: [] } });
    const p = client.request("ping", {}, { timeoutMs: 2000 });
    const r = await agent.requests.next((x) => x.op === "ping", 2000, "ping");
    await agent.send({ type: "reply", id: r.id, ok: true, result: { pong: true } });
    await p;
    assert.deepEqual(client.stats.orphanReplies, 1);
  } finally {
    await client.close();
    await fake.stop();
  }
});

Deno.test("client: disconnect rejects pending requests and emits disconnected", async () => {
  const fake = await fakeAgent();
  const client = await connectAgent(fake.path, { helloDeadlineMs: 2000 });
  const events = new Waiter<UiEvent>();
  client.onEvent((e) => events.push(e));
  try {
    const agent = await fake.conns.wait(() => true, 2000, "connection");
    const pending = client.snapshot("w1");
    await agent.requests.wait((r) => r.op === "snapshot", 2000, "snapshot");
    agent.close();
    await assert.rejects(() => pending, code("disconnected"));
    const ev = await events.wait((e) => e.type === "disconnected", 2000, "disconnected");
    assert.ok(ev.type === "disconnected" && ev.reason.length > 0);
    assert.ok(client.closed);
    await assert.rejects(() => client.windows(), code("disconnected"));
  } finally {
    await client.close();
    await fake.stop();
  }
});

Deno.test("client: no hello, wrong protocol, and connectAgent's deadline", async () => {
  const silent = await fakeAgent({ hello: null });
  try {
    await assert.rejects(
      () => connectAgent(silent.path, { helloDeadlineMs: 200 }),
      (e: Error) => code("no_hello")(e) && e.message.includes(silent.path), // names the socket
    );
  } finally {
    await silent.stop();
  }
  const future = await fakeAgent({ hello: { ...HELLO, protocol: 99 } });
  try {
    await assert.rejects(
      () => connectAgent(future.path, { helloDeadlineMs: 2000 }),
      code("protocol"),
    );
  } finally {
    await future.stop();
  }
  const dir = await privateDir();
  try {
    const path = `${dir}/missing.sock`;
    const t0 = performance.now();
    await assert.rejects(
      () => connectAgent(path, { helloDeadlineMs: 300 }),
      (e: Error) =>
        code("no_agent")(e) && e.message.includes(path) && e.message.includes("-javaagent"),
    );
    assert.ok(performance.now() - t0 >= 290, "retried until the deadline");
    // The socket appears while connectAgent is retrying (a JVM still starting).
    const connecting = connectAgent(path, { helloDeadlineMs: 5000 });
    const late = await fakeAgent({ path });
    const client = await connecting;
    assert.deepEqual(client.hello.agent, "fake");
    await client.close();
    await late.stop();
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("client: setText values never reach the log", async () => {
  const lines: string[] = [];
  setupLogging({ level: "debug", format: "json", write: (l) => lines.push(l) });
  const fake = await fakeAgent();
  const client = await connectAgent(fake.path, { helloDeadlineMs: 2000 });
  try {
    const agent = await fake.conns.wait(() => true, 2000, "connection");
    const p = client.setText("w1", { label: "Password" }, "S3cr3t-value");
    const req = await agent.requests.wait((r) => r.op === "setText", 2000, "setText");
    assert.deepEqual(req.value, "S3cr3t-value");
    await agent.send({
      type: "reply",
      id: req.id,
      ok: false,
      error: { code: "not_found", message: "no text field" },
    });
    await assert.rejects(() => p, code("not_found"));
    assert.ok(lines.some((l) => l.includes("setText")), "requests are logged");
    assert.ok(!lines.some((l) => l.includes("S3cr3t")), "but never their values");
  } finally {
    await client.close();
    await fake.stop();
    setupLogging({ level: "warning", format: "text", write: () => {} });
  }
});

Deno.test("embedded: the jar is written 0600 into a 0700 directory", async () => {
  const base = await privateDir();
  try {
    const dir = `${base}/run`;
    const path = await writeAgentJar(dir);
    assert.deepEqual((await Deno.stat(dir)).mode! & 0o777, 0o700);
    assert.deepEqual((await Deno.stat(path)).mode! & 0o777, 0o600);
    const bytes = await Deno.readFile(path);
    assert.deepEqual([bytes[0], bytes[1]], [0x50, 0x4b]); // a zip
    await Deno.chmod(dir, 0o755);
    await writeAgentJar(dir); // tightens a loose directory of ours
    assert.deepEqual((await Deno.stat(dir)).mode! & 0o777, 0o700);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

// Keep the type import used in a way the checker sees.
export type { AgentClient };
