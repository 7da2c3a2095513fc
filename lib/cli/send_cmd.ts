/**
 * `ibg-pilot send COMMAND`: the client of the IBC-compatible command server, replacing the
 * telnet/nc one-liners of IBC's scripts. Works against ibg-pilot and against IBC itself.
 */

import { LineSplitter } from "../servers/command.ts";
import { parseFlagsAndOperands } from "./args.ts";
import { loadClientSettings, timeoutSeconds } from "./context.ts";
import { EXIT, ExitError, usageError } from "./exit.ts";
import { writeAll } from "../util/bytes.ts";
import { errorText } from "../util/errors.ts";

export const HELP = `Usage: ibg-pilot send [--host HOST] [--port PORT] [--timeout SECONDS] COMMAND

Sends one command to the command server and prints the reply lines. Commands (IBC's):
STOP, RESTART, PAUSE, RECONNECTACCOUNT, RECONNECTDATA, ENABLEAPI, and ibg-pilot's read-only
STATUS (one line: OK {json}).

The server is CONTROLLER_COMMAND_SERVER_HOST:CONTROLLER_COMMAND_SERVER_PORT (default
127.0.0.1:7462). When CONTROLLER_COMMAND_SERVER_AUTH_TOKEN (or _FILE) is set, 'AUTH <token>' is
sent first. The token is never taken from the command line.

Options:
  --host HOST         server address (overrides CONTROLLER_COMMAND_SERVER_HOST)
  --port PORT         server port (overrides CONTROLLER_COMMAND_SERVER_PORT)
  --timeout SECONDS   give up waiting for the reply after this long (default 30)
  -h, --help          this help

Exit codes: 0 the reply was OK; 4 the reply was ERROR or the server could not be reached;
2 usage.`;

const CLOSING = new Set(["STOP", "RESTART", "PAUSE"]);

/** Settings the client reads (only these; other settings' problems are not its business). */
const KEYS = [
  "CONTROLLER_COMMAND_SERVER_HOST",
  "CONTROLLER_COMMAND_SERVER_PORT",
  "CONTROLLER_COMMAND_SERVER_AUTH_TOKEN",
  "CONTROLLER_COMMAND_SERVER_AUTH_TOKEN_FILE",
  "PILOT_COMMAND_PROMPT",
];

function parsePort(raw: string, what: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535) {
    throw usageError(`${what} must be a port 1-65535, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** The lines a connection sends, until EOF. */
async function* lines(conn: Deno.Conn): AsyncGenerator<string> {
  const splitter = new LineSplitter(1 << 20);
  const buf = new Uint8Array(4096);
  while (true) {
    const n = await conn.read(buf);
    if (n === null) return;
    const { lines, overflow } = splitter.push(buf.subarray(0, n));
    yield* lines;
    if (overflow) throw new Error("reply line longer than 1 MiB");
  }
}

/** Runs the command; resolves to the exit code. */
export async function sendCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlagsAndOperands("send", args, HELP, {
    host: { type: "string" },
    port: { type: "string" },
    timeout: { type: "string" },
  });
  if (positionals.length !== 1 || positionals[0].trim() === "") {
    throw usageError(
      `send takes exactly one COMMAND (for example: ibg-pilot send STOP)\nSee: ibg-pilot send --help`,
    );
  }
  const command = positionals[0];
  if (/[\r\n]/.test(command)) throw usageError("COMMAND must be a single line");
  const timeoutS = timeoutSeconds(values.timeout, 30);

  const cfg = loadClientSettings(KEYS);
  let host = values.host ?? cfg.CONTROLLER_COMMAND_SERVER_HOST;
  if (host === "0.0.0.0") host = "127.0.0.1";
  if (host === "::" || host === "[::]") host = "::1";
  const port = values.port !== undefined
    ? parsePort(values.port, "--port")
    : cfg.CONTROLLER_COMMAND_SERVER_PORT ?? 7462;
  const token = cfg.CONTROLLER_COMMAND_SERVER_AUTH_TOKEN;
  const prompt = cfg.PILOT_COMMAND_PROMPT ?? "";

  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: host.replace(/^\[(.*)\]$/, "$1"), port });
  } catch (e) {
    const why = errorText(e).split("\n")[0];
    throw new ExitError(
      EXIT.NOT_OK,
      `cannot connect to the command server at ${host}:${port} (${why}); ` +
        (e instanceof Deno.errors.NotCapable
          // The permission set allows loopback only (docs/permissions.md).
          ? "ibg-pilot may connect only to 127.0.0.1, localhost and [::1]: run 'ibg-pilot send' " +
            "inside the container, or use nc/telnet (the protocol is one line of text)"
          : `is ibg-pilot running with CONTROLLER_COMMAND_SERVER_PORT=${port}?`),
    );
  }
  // At the deadline the connection is closed, which ends the reads below.
  const deadline = AbortSignal.timeout(timeoutS * 1000);
  deadline.onabort = () => conn.close();
  const enc = new TextEncoder();
  const write = (text: string) => writeAll(conn, enc.encode(text));
  const strip = (l: string) => {
    while (prompt && l.startsWith(prompt)) l = l.slice(prompt.length);
    return l;
  };
  const isFinal = (l: string) => /^(OK|ERROR)( |$)/.test(l);

  let ok = false;
  let sawFinal = false;
  try {
    const reader = lines(conn);
    if (token !== undefined) {
      await write(`AUTH ${token}\n`);
      while (true) {
        const next = await reader.next();
        if (next.done) break;
        const l = strip(next.value);
        if (!isFinal(l)) continue;
        if (l.startsWith("ERROR")) {
          console.log(l);
          return EXIT.NOT_OK;
        }
        break;
      }
    }
    await write(`${command}\n`);
    const closing = CLOSING.has(command.toUpperCase());
    let errors = 0;
    while (true) {
      const next = await reader.next();
      if (next.done) break;
      const l = strip(next.value);
      if (l.trim() === "") continue;
      console.log(l);
      if (!isFinal(l)) continue;
      sawFinal = true;
      if (l.startsWith("ERROR")) errors++;
      else ok = true;
      if (!closing) break;
    }
    if (!closing && sawFinal) await write("EXIT\n").catch(() => {});
    ok = ok && errors === 0;
  } catch (e) {
    if (!deadline.aborted) {
      const why = errorText(e).split("\n")[0];
      console.error(`ibg-pilot send: connection to ${host}:${port} failed: ${why}`);
      return EXIT.NOT_OK;
    }
  } finally {
    deadline.onabort = null;
    if (!deadline.aborted) conn.close();
  }
  if (deadline.aborted) {
    console.error(
      `ibg-pilot send: no final OK/ERROR reply from ${host}:${port} within ${timeoutS} s`,
    );
    return EXIT.NOT_OK;
  }
  if (!sawFinal) {
    console.error(
      `ibg-pilot send: the server at ${host}:${port} closed the connection without a reply ` +
        `(access denied? non-loopback clients need CONTROL_FROM or an AUTH token)`,
    );
    return EXIT.NOT_OK;
  }
  return ok ? EXIT.OK : EXIT.NOT_OK;
}
