/**
 * The agent's wire protocol, against a real agent in a JVM without a GUI (fixture.Idle): hello,
 * the hand-rolled JSON reader/writer (through the `echo` op), error replies with stable codes
 * for bad input, several requests in flight, several clients, the socket's mode and refusal to
 * steal a live agent's socket, and that a broken agent never stops the JVM.
 */

import assert from "node:assert/strict";
import { type FixtureJvm, privateDir, startFixture, Waiter } from "./harness.ts";
import { pollUntil, untilOk } from "../support/poll.ts";

/** A raw NDJSON connection to the agent. */
class Raw {
  lines = new Waiter<Record<string, unknown>>();
  #conn: Deno.UnixConn;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  done: Promise<void>;

  private constructor(conn: Deno.UnixConn) {
    this.#conn = conn;
    this.#writer = conn.writable.getWriter();
    this.done = (async () => {
      const dec = new TextDecoder();
      let buf = "";
      try {
        for await (const chunk of conn.readable) {
          buf += dec.decode(chunk, { stream: true });
          let nl;
          while ((nl = buf.indexOf("\n")) >= 0) {
            this.lines.push(JSON.parse(buf.slice(0, nl)));
            buf = buf.slice(nl + 1);
          }
        }
      } catch { /* closed */ }
    })();
  }

  static async connect(path: string, deadlineMs = 15_000): Promise<Raw> {
    // The JVM binds the socket a moment after it starts: connect until it is there.
    return new Raw(
      await untilOk(() => Deno.connect({ transport: "unix", path }), {
        deadlineMs,
        what: `agent socket ${path}`,
      }),
    );
  }

  send(text: string): Promise<void> {
    return this.#writer.write(new TextEncoder().encode(text));
  }

  reply(id: unknown, what = `reply ${id}`): Promise<Record<string, unknown>> {
    return this.lines.wait((l) => l.type === "reply" && l.id === id, 10_000, what);
  }

  async close(): Promise<void> {
    try {
      this.#conn.close();
    } catch { /* closed */ }
    await this.done;
  }
}

async function withIdleJvm(fn: (jvm: FixtureJvm, raw: Raw) => Promise<void>): Promise<void> {
  const dir = await privateDir();
  const jvm = await startFixture({ dir, main: "fixture.Idle" });
  let raw: Raw | undefined;
  try {
    raw = await Raw.connect(jvm.socket);
    await fn(jvm, raw);
  } catch (e) {
    console.error(jvm.stderr());
    throw e;
  } finally {
    await raw?.close();
    await jvm.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.test("agent protocol on a JVM without a GUI", async (t) => {
  await withIdleJvm(async (jvm, raw) => {
    await t.step("hello first, with pid, Java version and main class", async () => {
      const hello = await raw.lines.wait((l) => l.type === "hello", 10_000, "hello");
      assert.deepEqual(hello.protocol, 1);
      assert.deepEqual(hello.pid, jvm.pid);
      assert.match(String(hello.java), /^17\./);
      assert.deepEqual(hello.mainClass, "fixture.Idle");
      assert.deepEqual(hello.ready, false);
    });

    await t.step("socket is mode 0600", async () => {
      const st = await Deno.stat(jvm.socket);
      assert.deepEqual(st.mode! & 0o777, 0o600);
    });

    await t.step("JSON round trip through echo", async () => {
      const values: unknown[] = [
        "plain",
        'quote " backslash \\ slash / newline \n tab \t cr \r nul \u0000 bell \u0007',
        "unicode é 中文 emoji 😀 line sep \u2028",
        0,
        -1,
        9007199254740991,
        -9007199254740991,
        3.5,
        -0.25,
        1e-7,
        6.02e23,
        true,
        false,
        null,
        [],
        {},
        [1, [2, [3, [4, { deep: ["x"] }]]]],
        { "a b": 1, "": "empty key", nested: { list: [true, null, "s"] } },
      ];
      let id = 100;
      for (const value of values) {
        const reqId = id++;
        await raw.send(JSON.stringify({ id: reqId, op: "echo", value }) + "\n");
        const r = await raw.reply(reqId);
        assert.deepEqual(r.ok, true, `echo ${JSON.stringify(value)}`);
        assert.deepEqual((r.result as { value: unknown }).value, value);
      }
      // Escapes the writer never produces but the reader must accept.
      await raw.send(
        `{"id":"esc","op":"echo","value":"\\u00e9\\ud83d\\ude00\\/\\b\\f"}\r\n`,
      );
      const esc = await raw.reply("esc");
      assert.deepEqual((esc.result as { value: unknown }).value, "é😀/\b\f");
      // Whitespace everywhere, string ids.
      await raw.send(` { "id" : "s-1" ,\t"op":"echo" , "value" : [ 1 , 2 ] } \n`);
      assert.deepEqual(((await raw.reply("s-1")).result as { value: unknown }).value, [1, 2]);
    });

    await t.step("bad input gets error replies with stable codes; the agent lives on", async () => {
      const cases: [string, string, unknown][] = [
        ["{not json", "bad_json", null],
        ['{"id":1,"op":"echo"', "bad_json", null],
        ['{"id":1,"op":"echo"} trailing', "bad_json", null],
        ['"just a string"', "bad_request", null],
        ["[1,2]", "bad_request", null],
        ['{"id":{"x":1},"op":"ping"}', "bad_request", null],
        ['{"id":7}', "bad_request", 7],
        ['{"id":8,"op":42}', "bad_request", 8],
        ['{"id":9,"op":"frobnicate"}', "unknown_op", 9],
        ['{"id":10,"op":"snapshot"}', "bad_request", 10],
        ['{"id":11,"op":"snapshot","window":"w999"}', "not_found", 11],
        ['{"id":12,"op":"click","window":"w1","target":"Log In"}', "bad_request", 12],
        ['{"id":13,"op":"setSelected","window":"w1","target":{"text":"x"}}', "bad_request", 13],
        [
          '{"id":18,"op":"setSelected","window":"w1","target":{"text":"x"},"selected":true}',
          "not_found",
          18,
        ],
        ['{"id":14,"op":"menu","window":"w1","path":[]}', "bad_request", 14],
        ['{"id":15,"op":"key","window":"w1","chord":"ctrl"}', "bad_request", 15],
        ['{"id":19,"op":"key","window":"w1","chord":"ctrl+alt+F"}', "not_found", 19],
        ['{"id":16,"op":"echo","value":"\\x"}', "bad_json", null],
        ['{"id":17,"op":"windows","timeoutMs":"soon"}', "bad_request", 17],
      ];
      for (const [line, code, id] of cases) {
        const from = raw.lines.seen.length;
        await raw.send(line + "\n");
        const r = await raw.lines.wait(
          (l) => raw.lines.seen.indexOf(l) >= from && l.type === "reply",
          10_000,
          `error reply to ${line}`,
        );
        assert.deepEqual(r.ok, false, line);
        assert.deepEqual(r.id ?? null, id, line);
        assert.deepEqual((r.error as { code: string }).code, code, line);
        assert.ok(typeof (r.error as { message: string }).message === "string");
      }
      // Blank lines are ignored, and the agent still answers.
      await raw.send("\n\n   \n");
      await raw.send('{"id":"alive","op":"ping"}\n');
      assert.deepEqual((await raw.reply("alive")).ok, true);
    });

    await t.step("an oversized line is refused, the next one works", async () => {
      const big = "x".repeat((1 << 20) + 10);
      const from = raw.lines.seen.length;
      await raw.send(`{"id":"big","op":"echo","value":"${big}"}\n{"id":"after","op":"ping"}\n`);
      const r = await raw.lines.wait(
        (l) => raw.lines.seen.indexOf(l) >= from && l.type === "reply" && l.ok === false,
        10_000,
        "too_large",
      );
      assert.deepEqual((r.error as { code: string }).code, "too_large");
      assert.deepEqual((await raw.reply("after")).ok, true);
    });

    await t.step("windows is empty and snapshot not_found before the GUI starts", async () => {
      await raw.send('{"id":"w","op":"windows"}\n');
      const r = await raw.reply("w");
      assert.deepEqual(r.ok, true);
      assert.deepEqual((r.result as { windows: unknown[] }).windows, []);
    });

    await t.step("many requests in flight on one connection all correlate", async () => {
      const n = 200;
      let batch = "";
      for (let i = 0; i < n; i++) {
        batch += JSON.stringify({ id: `m${i}`, op: i % 2 ? "ping" : "echo", value: i }) + "\n";
      }
      await raw.send(batch);
      for (let i = 0; i < n; i++) {
        const r = await raw.reply(`m${i}`);
        assert.deepEqual(r.ok, true);
        if (i % 2 === 0) assert.deepEqual((r.result as { value: number }).value, i);
      }
    });

    await t.step("several clients each get a hello and their own replies", async () => {
      const others = await Promise.all([1, 2, 3].map(() => Raw.connect(jvm.socket)));
      try {
        for (const [i, o] of others.entries()) {
          await o.lines.wait((l) => l.type === "hello", 10_000, `hello ${i}`);
          await o.send(JSON.stringify({ id: 1, op: "echo", value: `client ${i}` }) + "\n");
          const r = await o.reply(1);
          assert.deepEqual((r.result as { value: string }).value, `client ${i}`);
        }
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    });

    await t.step("a second agent does not steal a live agent's socket", async () => {
      const second = await startFixture({
        dir: jvm.socket.slice(0, jvm.socket.lastIndexOf("/")),
        main: "fixture.Idle",
      });
      try {
        await second.log.wait((l) => l.kind === "ready", 15_000, "second JVM ready");
        await waitFor(
          () => second.stderr().includes("another agent already listens"),
          10_000,
          "the second agent's refusal",
        );
        await raw.send('{"id":"still-mine","op":"ping"}\n');
        assert.deepEqual((await raw.reply("still-mine")).ok, true);
        const hello = raw.lines.seen.find((l) => l.type === "hello")!;
        assert.deepEqual(hello.pid, jvm.pid);
      } finally {
        await second.stop();
      }
    });
  });
});

/** Waits until `cond()` holds, re-checking on a short interval, within a named deadline. */
async function waitFor(cond: () => boolean, deadlineMs: number, what: string): Promise<void> {
  await pollUntil(cond, { deadlineMs, name: "deadlineMs", what });
}

Deno.test("a stale socket file is replaced; a bad socket path leaves the JVM running", async () => {
  const dir = await privateDir();
  try {
    // A stale socket: bound once, listener closed, file left behind.
    const stale = `${dir}/agent.sock`;
    // (Deno unlinks its own sockets on close, so let a short-lived Python process bind it.)
    const py = await new Deno.Command("python3", {
      args: ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", stale],
    }).output();
    assert.ok(py.success, "python3 could not bind a socket");
    assert.ok((await Deno.lstat(stale)).isSocket, "a stale socket file is left behind");
    const jvm = await startFixture({ dir, main: "fixture.Idle" });
    try {
      const raw = await Raw.connect(jvm.socket);
      const hello = await raw.lines.wait((x) => x.type === "hello", 15_000, "hello");
      assert.deepEqual(hello.pid, jvm.pid);
      await raw.close();
    } finally {
      await jvm.stop();
    }
    // A path the agent cannot bind: the application still runs.
    const broken = await startFixture({
      dir,
      main: "fixture.Idle",
      agentArgs: "/proc/ibg-pilot-no-such-dir/agent.sock",
    });
    try {
      await broken.log.wait((x) => x.kind === "ready", 15_000, "the JVM's own start");
      await waitFor(
        () => broken.stderr().includes("[ibg-pilot-agent] not started"),
        10_000,
        "the agent's failure line",
      );
      let exited = false;
      broken.status.then(() => exited = true);
      assert.deepEqual(exited, false);
    } finally {
      await broken.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
