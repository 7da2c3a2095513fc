/**
 * Login latency on the simulator, from the simulator's own timestamps: for each window ibg-pilot
 * acts on, the time from the sim showing it to the sim receiving our first action on it; and the
 * total from the login frame to READY (ready file written) with every sim delay at 0. Prints
 * medians and p95; asserts nothing.
 */

import { withScenario } from "../e2e/harness.ts";

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Runs `n` paper + TOTP logins and prints the numbers. */
export async function run(n = 5): Promise<void> {
  const perWindow = new Map<string, number[]>();
  const totals: number[] = [];
  for (let i = 0; i < n; i++) {
    await withScenario({}, async (r) => {
      await r.line(/-> "?ready"?/);
      await r.readyFileWritten();
      const readyAt = Deno.statSync(r.readyFile).mtime!.getTime();
      const ev = await r.events();
      const actions = ["field-set", "click", "toggle", "list-select"];
      for (const shown of ev.filter((e) => e.event === "window-shown")) {
        const act = ev.find((e) =>
          actions.includes(e.event) && e.window === shown.title && e.ts >= shown.ts
        );
        if (!act) continue;
        const key = String(shown.title);
        perWindow.set(key, [...(perWindow.get(key) ?? []), act.ts - shown.ts]);
      }
      const loginShown = ev.find((e) =>
        e.event === "window-shown" && /gateway/i.test(String(e.title))
      );
      if (loginShown) totals.push(readyAt - loginShown.ts);
    });
  }
  console.log(
    `controller-added latency per handled window (sim showed it -> sim got our first action), n=${n}:`,
  );
  for (const [title, xs] of perWindow) {
    console.log(
      `  ${title.padEnd(32)} median ${pct(xs, 50).toFixed(1)} ms   p95 ${
        pct(xs, 95).toFixed(1)
      } ms`,
    );
  }
  const all = [...perWindow.values()].flat();
  console.log(
    `  all windows                      median ${pct(all, 50).toFixed(1)} ms   p95 ${
      pct(all, 95).toFixed(1)
    } ms`,
  );
  console.log(
    `login frame shown -> READY (all sim delays 0; includes the sim's own work and the settings step): ` +
      `median ${pct(totals, 50).toFixed(0)} ms, p95 ${pct(totals, 95).toFixed(0)} ms`,
  );
}

if (import.meta.main) await run(Number(Deno.args[0] ?? 5));
