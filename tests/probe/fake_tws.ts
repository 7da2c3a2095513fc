/**
 * An in-test fake of Gateway's TWS API port: a loopback listener whose per-connection behaviour
 * each test scripts, with helpers to read the client's handshake and frames and to write replies
 * (whole, or byte by byte to split them across packets).
 */

import { decodeFields, encodeFields, FrameDecoder } from "../../lib/probe/frames.ts";

/** What a scripted connection can do. */
export interface Peer {
  conn: Deno.TcpConn;
  /** Reads `API\0` and the version frame; returns the version string (`v100..178`). */
  handshake(): Promise<string>;
  /** Reads one frame and returns its fields. */
  fields(): Promise<string[]>;
  /** Writes bytes, optionally one byte at a time with a pause between. */
  write(bytes: Uint8Array, opts?: { bytewise?: boolean; pauseMs?: number }): Promise<void>;
  /** Writes a message of fields. */
  send(fields: (string | number)[]): Promise<void>;
  /** Waits until the client closes its side (or the connection breaks). */
  untilClosed(): Promise<void>;
}

/** A running fake server. */
export interface FakeTws {
  port: number;
  /** Number of connections accepted. */
  connections(): number;
  /** Stops listening and waits for every scripted connection to finish. */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a fake on an ephemeral loopback port; `script` runs once per connection. */
export function fakeTws(script: (peer: Peer) => Promise<void>): FakeTws {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const tasks: Promise<void>[] = [];
  let count = 0;
  const accepting = (async () => {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch {
        return; // listener closed
      }
      count++;
      conn.setNoDelay(true);
      tasks.push(runScript(conn, script));
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    connections: () => count,
    async close() {
      listener.close();
      await accepting;
      await Promise.all(tasks);
    },
  };
}

async function runScript(conn: Deno.TcpConn, script: (peer: Peer) => Promise<void>) {
  const frames = new FrameDecoder();
  const buf = new Uint8Array(4096);
  let raw = new Uint8Array(0);
  const fill = async (): Promise<boolean> => {
    const n = await conn.read(buf);
    if (n === null) return false;
    const next = new Uint8Array(raw.length + n);
    next.set(raw);
    next.set(buf.subarray(0, n), raw.length);
    raw = next;
    return true;
  };
  const peer: Peer = {
    conn,
    async handshake() {
      while (raw.length < 4) if (!(await fill())) throw new Error("closed before API\\0");
      const magic = new TextDecoder().decode(raw.subarray(0, 4));
      if (magic !== "API\0") throw new Error(`bad magic ${JSON.stringify(magic)}`);
      frames.push(raw.subarray(4));
      raw = new Uint8Array(0);
      for (;;) {
        const f = frames.next();
        if (f) return new TextDecoder().decode(f);
        const n = await conn.read(buf);
        if (n === null) throw new Error("closed during handshake");
        frames.push(buf.subarray(0, n));
      }
    },
    async fields() {
      for (;;) {
        const f = frames.next();
        if (f) return decodeFields(f);
        const n = await conn.read(buf);
        if (n === null) throw new Error("closed before a frame");
        frames.push(buf.subarray(0, n));
      }
    },
    async write(bytes, opts = {}) {
      if (!opts.bytewise) {
        let at = 0;
        while (at < bytes.length) at += await conn.write(bytes.subarray(at));
        return;
      }
      for (let i = 0; i < bytes.length; i++) {
        await conn.write(bytes.subarray(i, i + 1));
        await sleep(opts.pauseMs ?? 1);
      }
    },
    async send(fields) {
      await peer.write(encodeFields(fields));
    },
    async untilClosed() {
      try {
        while ((await conn.read(buf)) !== null) { /* drain */ }
      } catch { /* reset by the client */ }
    },
  };
  try {
    await script(peer);
  } catch {
    // A script's expectations are asserted through what the probe returns; a client that went
    // away mid-script is a normal outcome in these tests.
  } finally {
    try {
      conn.close();
    } catch { /* closed by the script */ }
  }
}
