/**
 * Agent benchmark: round trips (ping, windows, snapshot, setText) and window-event latency
 * (agent stamp -> Deno; the Java side starting to build a window -> Deno; its setVisible(true)
 * -> Deno) against the Swing
 * fixture under a private Xvfb. Prints median and p95; never asserts (targets: round trip under
 * 1 ms, window event under 5 ms). Run through tools/bench.ts, or directly:
 * `deno run -A tests/bench/agent_bench.ts`.
 */

import { startXvfb } from "../support/xvfb.ts";
import { connectAgent } from "../../lib/ui/agent/client.ts";
import type { UiEvent } from "../../lib/ui/port.ts";
import { collectEvents, privateDir, startFixture } from "../agent/harness.ts";

const N = 200;
const WINDOWS = 100;

function now(): number {
  return performance.timeOrigin + performance.now();
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(3)} ms  p95 ${q(0.95).toFixed(3)} ms  (n=${s.length})`;
}

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

/** Runs the benchmark and prints its numbers. */
export async function run(): Promise<void> {
  const xvfb = await startXvfb();
  const dir = await privateDir();
  const jvm = await startFixture({ display: xvfb.display, dir });
  try {
    const client = await connectAgent(jvm.socket, { helloDeadlineMs: 30_000 });
    const events = collectEvents(client);
    const arrivals = new Map<UiEvent, number>();
    client.onEvent((e) => arrivals.set(e, now()));
    const login = await events.wait(
      (e) => e.type === "window-opened" && e.window.title === "Fixture Login",
      30_000,
      "the fixture's login window",
    ) as Extract<UiEvent, { type: "window-opened" }>;
    const id = login.window.id;
    const nodes = JSON.stringify(await client.snapshot(id)).split('"role"').length - 1;

    // Warm up the JIT on both sides.
    await time(100, () => client.ping());
    await time(50, () => client.windows());
    await time(50, () => client.snapshot(id));
    await time(50, (i) => client.setText(id, { label: "Username" }, `warm${i}`));

    const ping = await time(N, () => client.ping());
    const windows = await time(N, () => client.windows());
    const snapshot = await time(N, () => client.snapshot(id));
    const setText = await time(N, (i) => client.setText(id, { label: "Username" }, `user${i}`));

    const fromAgent: number[] = [];
    const fromJava: number[] = [];
    const fromVisible: number[] = [];
    for (let i = 0; i < WINDOWS + 10; i++) {
      const title = `Bench ${i}`;
      const opened = events.next(
        (e) => e.type === "window-opened" && e.window.title === title,
        10_000,
        `window-opened ${title}`,
      ) as Promise<Extract<UiEvent, { type: "window-opened" }>>;
      const requested = jvm.log.next(
        (l) => l.kind === "open-requested" && l.title === title,
        10_000,
        `open-requested ${title}`,
      );
      const visible = jvm.log.next(
        (l) => l.kind === "open-visible" && l.title === title,
        10_000,
        `open-visible ${title}`,
      );
      await jvm.send(`open ${title}`);
      const ev = await opened;
      const javaStart = (await requested).at;
      const arrived = arrivals.get(ev)!;
      if (i >= 10) { // the first few include class loading
        fromAgent.push(arrived - ev.at);
        fromJava.push(arrived - javaStart);
        fromVisible.push(arrived - (await visible).at);
      }
      const closed = events.next(
        (e) => e.type === "window-closed" && e.windowId === ev.window.id,
        10_000,
        `window-closed ${title}`,
      );
      await client.closeWindow(ev.window.id);
      await closed;
    }

    console.log(`agent bench (Swing fixture, ${nodes}-node window, Java ${client.hello.java})`);
    console.log(`  ping                      ${stats(ping)}`);
    console.log(`  windows                   ${stats(windows)}`);
    console.log(`  snapshot                  ${stats(snapshot)}`);
    console.log(`  setText (by label)        ${stats(setText)}`);
    console.log(`  window event, agent->Deno ${stats(fromAgent)}`);
    console.log(`  window event, Java->Deno  ${stats(fromJava)}  (from building the dialog)`);
    console.log(`  window event, shown->Deno ${stats(fromVisible)}  (from setVisible(true))`);
    console.log("  targets: round trip median < 1 ms; window event median < 5 ms");
    await client.close();
  } finally {
    await jvm.stop();
    await xvfb.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) await run();
