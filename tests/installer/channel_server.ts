/**
 * A stand-in for IBKR's download host on 127.0.0.1: serves `version.json` (JSONP, as IBKR does)
 * and an offline installer for each channel under IBKR's layout. The installer is a shell script
 * that behaves like install4j's unattended mode (`sh <installer> -q -dir <dir>`): it lays out the
 * gateway simulator (tests/gateway-sim/install.ts) in `<dir>` with a bundled `jre` (a link to the
 * JDK running the tests) and records it in `.install4j/inst_jre.cfg`, as install4j does. Padding
 * after its `exit` makes it megabytes long, like a real installer with its payload.
 *
 * Each path can be told to misbehave: answer 404, stall after half the bytes, or close early.
 * A raw TCP server, so a short body and a stall are exactly what the client sees.
 */

import { join } from "node:path";
import { installSimGateway, javaHomeFromPath } from "../gateway-sim/install.ts";

/** How the server answers one path. */
export type Behaviour = "ok" | "404" | "stall" | "truncate";

/** A running channel server. */
export interface ChannelServer {
  /** The base URL to use as PILOT_GATEWAY_DOWNLOAD_URL. */
  base: string;
  /** The installer's bytes (for checksums). */
  installer: Uint8Array;
  /** Paths requested so far. */
  requests: string[];
  /** Makes `path` (relative to the base, e.g. `ibgateway/...sh`) misbehave. */
  behave(path: string, how: Behaviour): void;
  /** Publishes a new build on a channel (for upgrades). */
  publish(channel: "stable" | "latest", version: string, payload: string): void;
  close(): Promise<void>;
}

/** The installer path of a channel under the base (x64 and arm serve the same script). */
export function installerPath(channel: string, arch: string): string {
  return `ibgateway/${channel}-standalone/ibgateway-${channel}-standalone-linux-${arch}.sh`;
}

/**
 * The install4j-like installer that copies `payload` (a simulator program dir) into `-dir`.
 * `padBytes` of comment after `exit 0` stand for the real installer's payload.
 */
export function installerScript(payload: string, padBytes = 3 * 1024 * 1024): Uint8Array {
  const head = `#!/bin/sh
# install4j-style unattended installer (test double for IBKR's offline installer)
dir=""
quiet=0
while [ $# -gt 0 ]; do
  case "$1" in
    -q) quiet=1 ;;
    -dir) shift; dir="$1" ;;
  esac
  shift
done
if [ "$quiet" != 1 ] || [ -z "$dir" ]; then
  echo "usage: $0 -q -dir <dir> (only the unattended mode is simulated)" >&2
  exit 1
fi
echo "Extracting files into $dir"
mkdir -p "$dir" || exit 1
cp -R '${payload}/.' "$dir/" || exit 1
mkdir -p "$dir/.install4j"
echo "$dir/jre" > "$dir/.install4j/inst_jre.cfg"
echo "Finishing installation"
exit 0
`;
  const line = `# ${"x".repeat(76)}\n`;
  return new TextEncoder().encode(head + line.repeat(Math.ceil(padBytes / line.length)));
}

/** Lays out the payload: the simulator of `version` with a bundled `jre` link. */
export async function simPayload(root: string, version: string): Promise<string> {
  const sim = await installSimGateway({ root, version });
  await Deno.symlink(await javaHomeFromPath(), join(sim.programDir, "jre"));
  return sim.programDir;
}

/** Starts the server; `versions` maps a channel to its build and payload directory. */
export function startChannelServer(
  versions: Partial<Record<"stable" | "latest", { version: string; payload: string }>>,
): ChannelServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const behaviour = new Map<string, Behaviour>();
  const requests: string[] = [];
  const current = new Map<string, { version: string; payload: string }>(
    Object.entries(versions) as [string, { version: string; payload: string }][],
  );
  const scripts = new Map<string, Uint8Array>();
  const scriptOf = (payload: string) => {
    if (!scripts.has(payload)) scripts.set(payload, installerScript(payload));
    return scripts.get(payload)!;
  };
  const conns = new Set<Deno.Conn>();
  const enc = new TextEncoder();

  const body = (path: string): { bytes: Uint8Array; type: string } | undefined => {
    const json = /^tws\/(stable|latest)-standalone\/version\.json$/.exec(path);
    if (json && current.has(json[1])) {
      const v = current.get(json[1])!.version;
      return {
        type: "application/javascript",
        bytes: enc.encode(
          `tws${json[1]}_callback({"buildVersion":"${v}","buildDateTime":"20261201"});\n`,
        ),
      };
    }
    const inst =
      /^ibgateway\/(stable|latest)-standalone\/ibgateway-\1-standalone-linux-(x64|arm)\.sh$/
        .exec(path);
    if (inst && current.has(inst[1])) {
      return { type: "application/x-sh", bytes: scriptOf(current.get(inst[1])!.payload) };
    }
    return undefined;
  };

  const serve = async (conn: Deno.Conn) => {
    conns.add(conn);
    try {
      const buf = new Uint8Array(8192);
      let head = "";
      while (!head.includes("\r\n\r\n")) {
        const n = await conn.read(buf);
        if (n === null) return;
        head += new TextDecoder().decode(buf.subarray(0, n));
      }
      const target = /^GET (\S+) HTTP/.exec(head)?.[1] ?? "";
      const path = target.replace(/^\/installers\//, "").split("?")[0];
      requests.push(path);
      const how = behaviour.get(path) ?? "ok";
      const found = body(path);
      if (how === "404" || !found) {
        await conn.write(enc.encode(
          "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found",
        ));
        return;
      }
      const { bytes, type } = found;
      await conn.write(enc.encode(
        `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nContent-Length: ${bytes.length}\r\n` +
          "Connection: close\r\n\r\n",
      ));
      if (how === "ok") {
        await conn.write(bytes);
        return;
      }
      const half = bytes.subarray(0, Math.floor(bytes.length / 2));
      for (let at = 0; at < half.length; at += 65536) {
        await conn.write(half.subarray(at, at + 65536));
      }
      if (how === "stall") {
        // Say nothing more until the client gives up (it closes) or the server closes.
        await conn.read(buf).catch(() => null);
      }
    } catch {
      // the client went away
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch {
        // closed already
      }
    }
  };

  const accepting = (async () => {
    try {
      for await (const conn of listener) serve(conn);
    } catch {
      // closed
    }
  })();

  return {
    base: `http://127.0.0.1:${port}/installers`,
    get installer() {
      const first = [...current.values()][0];
      return scriptOf(first.payload);
    },
    requests,
    behave: (path, how) => behaviour.set(path, how),
    publish: (channel, version, payload) => current.set(channel, { version, payload }),
    async close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // closed
        }
      }
      await accepting;
    },
  };
}
