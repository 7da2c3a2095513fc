/**
 * `deno task bench`: runs every benchmark module in tests/bench/ (each exports `run()`), which
 * measure and print medians and p95s. Benchmarks never fail a test run: they only report.
 *
 * Usage: deno task bench [name ...]   (for example: deno task bench agent)
 */

import { buildJava } from "./build_java.ts";
import { buildConsole } from "./build_console.ts";

const wanted = Deno.args;
await buildJava("agent");
await buildConsole();
await buildJava("sim");
const dir = new URL("../tests/bench/", import.meta.url);
const names = [...Deno.readDirSync(dir)]
  .map((e) => e.name)
  .filter((n) => n.endsWith("_bench.ts"))
  .filter((n) => wanted.length === 0 || wanted.some((w) => n.startsWith(w)))
  .sort();
for (const name of names) {
  console.log(`\n== ${name.replace(/_bench\.ts$/, "")} ==`);
  const mod = await import(new URL(name, dir).href);
  try {
    await mod.run();
  } catch (e) {
    console.log(`(benchmark ${name} could not run: ${e instanceof Error ? e.message : e})`);
  }
}
