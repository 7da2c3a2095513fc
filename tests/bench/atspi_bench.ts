/**
 * AT-SPI channel benchmark (prints only; never asserts timings): event latency from Java's
 * windowOpened to Deno (the raw `children-changed:add` signal, and the port's `window-opened`
 * after reconcile), and the cost of finding and acting through `AtspiPort` on the Swing fixture.
 * Run by `deno task bench` through `run()`, or directly: `deno run -A tests/bench/atspi_bench.ts`.
 */

import { openAtspiPort } from "../../lib/ui/atspi/port.ts";
import { startDesktop, startFixture } from "../atspi/harness.ts";

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(2)} ms  p95 ${q(0.95).toFixed(2)} ms  (n=${s.length})`;
}

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

/** Runs the benchmark and prints one line per measure. */
export async function run(): Promise<void> {
  const N = 20;
  const desktop = await startDesktop();
  try {
    const fixture = await startFixture(desktop);
    try {
      const port = await openAtspiPort({ address: desktop.stack.a11yAddress, pid: fixture.pid });
      try {
        const main = (await port.windows()).find((w) => w.title === "Fixture Login")!;
        // Event latency: Java's windowOpened stamp -> Deno (both epoch ms on one machine).
        const raw: number[] = [];
        const portLat: number[] = [];
        for (let i = 0; i < N; i++) {
          const title = `Bench ${i}`;
          let signalAt = 0;
          const off = port.client.conn.onSignal((s) => {
            if (s.member === "ChildrenChanged" && s.body[0] === "add" && !signalAt) {
              signalAt = Date.now();
            }
          });
          const opened = new Promise<number>((resolve) => {
            const stop = port.onEvent((e) => {
              if (e.type === "window-opened" && e.window.title === title) {
                stop();
                resolve(Date.now());
              }
            });
          });
          await fixture.send(`open-window ${title}`);
          const portAt = await opened;
          off();
          const java = await fixture.waitFor(
            (e) => e.event === "window-opened" && e.title === title,
            title,
          );
          raw.push(signalAt - Number(java.ts));
          portLat.push(portAt - Number(java.ts));
          const closed = new Promise<void>((resolve) => {
            const stop = port.onEvent((e) => {
              if (e.type === "window-closed" && e.title === title) {
                stop();
                resolve();
              }
            });
          });
          await fixture.send(`close-window ${title}`);
          await closed;
        }
        console.log(`atspi event: Java windowOpened -> D-Bus signal in Deno   ${stats(raw)}`);
        console.log(`atspi event: Java windowOpened -> port window-opened     ${stats(portLat)}`);

        const ref = port.client.conn;
        console.log(
          `atspi call: one D-Bus round trip (GetRoleName)           ${
            stats(
              await time(N * 5, () =>
                ref.call(
                  port.app.ref.bus,
                  main.id.slice(main.id.indexOf("/")),
                  "org.a11y.atspi.Accessible",
                  "GetRoleName",
                )),
            )
          }`,
        );
        console.log(
          `atspi find: windows()                                    ${
            stats(await time(N, () => port.windows()))
          }`,
        );
        const snap = await port.snapshot(main.id);
        let count = 0;
        const walk = (n: typeof snap) => {
          count++;
          n.children.forEach(walk);
        };
        walk(snap);
        console.log(
          `atspi find: snapshot (${count} nodes, pipelined walk)     ${
            stats(await time(N, () => port.snapshot(main.id)))
          }`,
        );
        console.log(
          `atspi find: Collection.GetMatches all descendants        ${
            stats(
              await time(N, () =>
                port.client.matches({
                  bus: port.app.ref.bus,
                  path: main.id.slice(main.id.indexOf("/")),
                })),
            )
          }`,
        );
        console.log(
          `atspi act: click "Log In" (find + DoAction)              ${
            stats(await time(N, () => port.click(main.id, { text: "Log In" })))
          }`,
        );
        console.log(
          `atspi act: setText by label (find + set + read-back)     ${
            stats(await time(N, (i) => port.setText(main.id, { label: "Username" }, `user${i}`)))
          }`,
        );
        console.log(
          `atspi act: setSelected toggle (find + click + wait)      ${
            stats(
              await time(
                N,
                (i) => port.setSelected(main.id, { text: "Read-Only API" }, i % 2 === 0),
              ),
            )
          }`,
        );
        console.log(
          `atspi act: selectListItem                                ${
            stats(await time(N, (i) => port.selectListItem(main.id, i % 2 ? "SMS" : "IB Key")))
          }`,
        );
      } finally {
        await port.close();
      }
    } finally {
      await fixture.stop();
    }
  } finally {
    await desktop.stop();
  }
}

if (import.meta.main) await run();
