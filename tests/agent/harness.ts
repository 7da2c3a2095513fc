/**
 * Test support for the agent tests: builds the agent jar and the Swing fixture, starts a JVM
 * with the agent under a given display, reads the fixture's `LOG {json}` lines, and waits for
 * log lines or UI events with named deadlines. Every JVM is ended by the PID we started.
 */

import { endChild } from "../support/process.ts";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildJava } from "../../tools/build_java.ts";
import type { UiEvent, UiPort } from "../../lib/ui/port.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** Builds (if stale) and returns the agent jar's path. */
export function agentJar(): Promise<string> {
  return buildJava("agent");
}

let fixtureClasses: Promise<string> | undefined;

/** Compiles tests/agent/fixture into a temporary directory once per process. */
export function fixtureClasspath(): Promise<string> {
  fixtureClasses ??= (async () => {
    const out = await Deno.makeTempDir({ prefix: "ibg-pilot-fixture-" });
    const src = join(here, "fixture", "fixture");
    const r = await new Deno.Command("javac", {
      args: [
        "--release",
        "17",
        "-encoding",
        "UTF-8",
        "-d",
        out,
        join(src, "Main.java"),
        join(src, "Idle.java"),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!r.success) throw new Error(`javac fixture failed:\n${new TextDecoder().decode(r.stderr)}`);
    return out;
  })();
  return fixtureClasses;
}

/** A private 0700 runtime directory, like the one the launcher makes. */
export async function privateDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "ibg-pilot-agent-test-" });
  await Deno.chmod(dir, 0o700);
  return dir;
}

/** One line the fixture logged. */
export interface FixtureLog {
  kind: string;
  at: number;
  [key: string]: unknown;
}

/** Waits for a condition with a named deadline; the name appears in the failure. */
export class Waiter<T> {
  readonly seen: T[] = [];
  #waiters: { pred: (x: T) => boolean; resolve: (x: T) => void }[] = [];

  push(x: T): void {
    this.seen.push(x);
    for (const w of [...this.#waiters]) {
      if (w.pred(x)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(x);
      }
    }
  }

  /** Resolves with the first item (already seen, or arriving) matching `pred`. */
  wait(pred: (x: T) => boolean, deadlineMs: number, what: string): Promise<T> {
    const hit = this.seen.find(pred);
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const w = {
        pred,
        resolve: (x: T) => {
          clearTimeout(timer);
          resolve(x);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        reject(new Error(`deadline ${deadlineMs} ms passed waiting for ${what}`));
      }, deadlineMs);
      this.#waiters.push(w);
    });
  }

  /** Like {@link wait}, but only for items arriving after the call. */
  next(pred: (x: T) => boolean, deadlineMs: number, what: string): Promise<T> {
    const from = this.seen.length;
    return this.wait((x) => this.seen.indexOf(x) >= from && pred(x), deadlineMs, what);
  }
}

/** Collects a port's events for waiting on. */
export function collectEvents(port: UiPort): Waiter<UiEvent> & { stop: () => void } {
  const w = new Waiter<UiEvent>() as Waiter<UiEvent> & { stop: () => void };
  w.stop = port.onEvent((e) => w.push(e));
  return w;
}

/** A JVM running the fixture with the agent. */
export interface FixtureJvm {
  pid: number;
  socket: string;
  log: Waiter<FixtureLog>;
  /** Everything the JVM wrote to stderr so far. */
  stderr(): string;
  /** Sends one command line to the fixture's stdin. */
  send(command: string): Promise<void>;
  /** Ends the JVM we started (SIGTERM, then SIGKILL) and waits for it. */
  stop(): Promise<void>;
  status: Promise<Deno.CommandStatus>;
}

/**
 * Starts `java [-javaagent:jar=socket] -cp fixture fixture.Main` on `display` (or `fixture.Idle`,
 * a JVM without a GUI, with `main: "fixture.Idle"`).
 */
export async function startFixture(
  opts: { display?: string; dir: string; agent?: boolean; agentArgs?: string; main?: string },
): Promise<FixtureJvm> {
  const jar = await agentJar();
  const cp = await fixtureClasspath();
  const socket = join(opts.dir, "agent.sock");
  const args = [];
  if (opts.agent ?? true) args.push(`-javaagent:${jar}=${opts.agentArgs ?? socket}`);
  args.push("-cp", cp, opts.main ?? "fixture.Main");
  const env: Record<string, string> = {};
  if (opts.display) env.DISPLAY = opts.display;
  const child = new Deno.Command("java", {
    args,
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const log = new Waiter<FixtureLog>();
  let err = "";
  (async () => {
    const decoder = new TextDecoder();
    let buf = "";
    for await (const chunk of child.stdout) {
      buf += decoder.decode(chunk, { stream: true });
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith("LOG ")) log.push(JSON.parse(line.slice(4)));
      }
    }
  })().catch(() => {});
  (async () => {
    for await (const chunk of child.stderr) err += new TextDecoder().decode(chunk);
  })().catch(() => {});
  const writer = child.stdin.getWriter();
  let stopped: Promise<void> | undefined;
  return {
    pid: child.pid,
    socket,
    log,
    stderr: () => err,
    status: child.status,
    send: (command) => writer.write(new TextEncoder().encode(command + "\n")),
    stop() {
      stopped ??= (async () => {
        await writer.close().catch(() => {});
        await endChild(child, 3000);
      })();
      return stopped;
    },
  };
}
