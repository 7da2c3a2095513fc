/**
 * `deno task test`: the whole test suite, set up by itself. Checks the machine has what the
 * tests need (naming what to install if not), builds the agent and simulator jars, runs every
 * test under tests/, and ends with the plain `N passed, N failed` line CI reads.
 *
 * Usage: deno task test [deno test filter args...]
 */

import { buildJava } from "./build_java.ts";
import { buildConsole } from "./build_console.ts";

const NEEDED: [cmd: string, pkg: string][] = [
  ["java", "openjdk-17-jdk-headless"],
  ["javac", "openjdk-17-jdk-headless"],
  ["Xvfb", "xvfb"],
  ["oathtool", "oathtool"],
  ["dbus-daemon", "dbus"],
  ["x11vnc", "x11vnc"],
  ["chromium", "chromium"],
];

async function have(cmd: string): Promise<boolean> {
  const out = await new Deno.Command("sh", { args: ["-c", `command -v ${cmd}`], stdout: "null" })
    .output();
  return out.success;
}

const missing: string[] = [];
for (const [cmd, pkg] of NEEDED) if (!(await have(cmd))) missing.push(pkg);
if (missing.length) {
  console.error(
    `The tests need Debian packages that are missing: ${[...new Set(missing)].join(" ")}\n` +
      `Install them (as root: apt-get update && apt-get install -y ${
        [...new Set(missing)].join(" ")
      }) or run ./dev.sh test, which does it for you.`,
  );
  Deno.exit(2);
}

await buildJava("agent");
await buildConsole();
await buildJava("sim");

const args = Deno.args.length ? Deno.args : ["tests/"];
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--no-prompt", ...args],
  stdout: "piped",
  stderr: "inherit",
}).spawn();

// Echo deno test's output while keeping its summary line.
let tail = "";
const decoder = new TextDecoder();
for await (const chunk of child.stdout) {
  const text = decoder.decode(chunk, { stream: true });
  await Deno.stdout.write(chunk);
  tail = (tail + text).slice(-4000);
}
const status = await child.status;
// deno test ends with e.g. "ok | 12 passed (3 steps) | 0 failed | 1 ignored (4s)".
// deno-lint-ignore no-control-regex
const plain = tail.replace(/\x1b\[[0-9;]*m/g, "");
const m = /(\d+) passed[^|]*\|\s*(\d+) failed(?:\s*\|\s*(\d+) ignored)?/.exec(plain);
if (m) {
  const ignored = Number(m[3] ?? 0);
  if (ignored > 0) {
    console.log(`${ignored} tests were ignored: a skipped test counts as a failure here`);
  }
  console.log(`${m[1]} passed, ${Number(m[2]) + ignored} failed`);
  Deno.exit(status.success && ignored === 0 ? 0 : 1);
}
console.log(`0 passed, 1 failed`);
Deno.exit(status.success ? 1 : status.code || 1);
