/**
 * Test harness for the AT-SPI tests: one Xvfb + private accessibility stack per test file, the
 * Swing fixture (tests/atspi/fixture/Fixture.java) compiled with javac into a temp dir and run
 * with the ATK bridge, and its JSON-lines event log (what its components received) to assert on.
 * Every process is ended by the PID we started it with.
 */

import { fileURLToPath as fromFileUrl } from "node:url";
import { atkBridgeJavaOptions } from "../../lib/ui/atspi/bridge.ts";
import { startXvfb, type Xvfb } from "../support/xvfb.ts";
import { type A11yStack, startA11yStack } from "../support/a11y.ts";

/** Xvfb plus the accessibility stack. */
export interface Desktop {
  xvfb: Xvfb;
  stack: A11yStack;
  stop(): Promise<void>;
}

/** Starts Xvfb and the private accessibility stack on it. */
export async function startDesktop(): Promise<Desktop> {
  const xvfb = await startXvfb();
  try {
    const stack = await startA11yStack({ display: xvfb.display });
    return {
      xvfb,
      stack,
      async stop() {
        await stack.stop();
        await xvfb.stop();
      },
    };
  } catch (err) {
    await xvfb.stop();
    throw err;
  }
}

/** The JVM options that load the ATK bridge (throws with the fix when it is not installed). */
export function bridgeArgs(): { classpath: string[]; props: string[] } {
  const bridge = atkBridgeJavaOptions();
  if (!bridge.ok) throw new Error(`${bridge.error}; fix: ${bridge.fix}`);
  return bridge;
}

/** One line of the fixture's event log. */
export interface FixtureEvent {
  event: string;
  ts: number;
  [k: string]: string | number;
}

/** A running fixture JVM. */
export interface Fixture {
  pid: number;
  events: FixtureEvent[];
  /** Resolves with the first event (already seen or future) matching `pred`, or rejects. */
  waitFor(
    pred: (e: FixtureEvent) => boolean,
    what: string,
    deadlineMs?: number,
  ): Promise<FixtureEvent>;
  /** Sends a stdin command (see Fixture.java). */
  send(command: string): Promise<void>;
  stop(): Promise<void>;
}

let compiled: Promise<string> | undefined;

/** Compiles the fixture once per process into a temp dir (removed when the process ends). */
export function compileFixture(): Promise<string> {
  compiled ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "ibg-atspi-fixture-" });
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch { /* already gone */ }
    });
    const src = fromFileUrl(new URL("./fixture/Fixture.java", import.meta.url));
    const out = await new Deno.Command("javac", {
      args: ["--release", "17", "-d", dir, src],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(`javac failed: ${new TextDecoder().decode(out.stderr)}`);
    return dir;
  })();
  return compiled;
}

/**
 * Starts the fixture with the bridge (unless `bridge: false`, e.g. for the agent's contract run)
 * plus `jvmArgs` (e.g. `-javaagent:...`) on `desktop`; resolves once its frame has opened.
 */
export async function startFixture(
  desktop: Desktop,
  opts: { deadlineMs?: number; jvmArgs?: string[]; bridge?: boolean } = {},
): Promise<Fixture> {
  const deadlineMs = opts.deadlineMs ?? 20_000;
  const dir = await compileFixture();
  const bridge = opts.bridge === false
    ? { classpath: [], props: ["-Djavax.accessibility.assistive_technologies="] }
    : bridgeArgs();
  const child = new Deno.Command("java", {
    args: [
      "-Xshare:auto",
      "-XX:TieredStopAtLevel=1",
      "-cp",
      [dir, ...bridge.classpath].join(":"),
      ...bridge.props,
      ...(opts.jvmArgs ?? []),
      "Fixture",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: desktop.stack.env,
  }).spawn();
  child.stderr.pipeTo(new WritableStream()).catch(() => {});
  const events: FixtureEvent[] = [];
  const waiters = new Set<
    { pred: (e: FixtureEvent) => boolean; resolve: (e: FixtureEvent) => void }
  >();
  (async () => {
    let buf = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        const e = JSON.parse(line) as FixtureEvent;
        events.push(e);
        for (const w of [...waiters]) {
          if (w.pred(e)) {
            waiters.delete(w);
            w.resolve(e);
          }
        }
      }
    }
  })().catch(() => {});
  const writer = child.stdin.getWriter();
  const waitFor: Fixture["waitFor"] = (pred, what, ms = 5_000) => {
    const seen = events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = {
        pred,
        resolve: (e: FixtureEvent) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(
          new Error(
            `fixture: no ${what} within ${ms} ms; last events: ${
              events.slice(-6).map((e) => JSON.stringify(e)).join(" ")
            }`,
          ),
        );
      }, ms);
      waiters.add(w);
    });
  };
  let stopped: Promise<void> | undefined;
  const fixture: Fixture = {
    pid: child.pid,
    events,
    waitFor,
    async send(command) {
      await writer.write(new TextEncoder().encode(command + "\n"));
    },
    stop() {
      stopped ??= (async () => {
        try {
          await writer.close();
        } catch { /* gone */ }
        const t = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* gone */ }
        }, 3000);
        await child.status;
        clearTimeout(t);
      })();
      return stopped;
    },
  };
  try {
    await waitFor(
      (e) => e.event === "window-opened" && e.title === "Fixture Login",
      "frame",
      deadlineMs,
    );
  } catch (err) {
    await fixture.stop();
    throw err;
  }
  return fixture;
}
