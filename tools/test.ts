/**
 * `deno task test`: the whole test suite, set up by itself. Checks the machine has what the
 * tests need (naming what to install if not), builds the agent and simulator jars, type-checks
 * the test files once, then runs each test file in its own `deno test` process, several at a
 * time. Every end-to-end file brings its own Xvfb, ports, runtime and temporary directories, so
 * files are independent; most of a file's time is spent waiting for Gateway's JVM, which is why
 * running them side by side pays off even on two cores. A file's output is printed in one piece
 * when it ends, then a table of per-file times, then the plain `N passed, N failed` line CI
 * reads. An ignored test counts as a failure.
 *
 * Usage: deno task test [--jobs N] [files or directories...] [other deno test args...]
 *   --jobs N (or TEST_JOBS=N): files run at once (default 4: measured best on 2 cores; most of
 *   an end-to-end file's time is waiting on a JVM, Xvfb or a timer, not CPU).
 */

import { join, relative } from "node:path";
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

/** Files run at once unless --jobs or TEST_JOBS says otherwise (see the note in the header). */
const DEFAULT_JOBS = 4;
/** Per-file times of the last run, used to start the longest files first. */
const TIMES_FILE = ".tmp/test-times.json";

async function have(cmd: string): Promise<boolean> {
  const out = await new Deno.Command("sh", { args: ["-c", `command -v ${cmd}`], stdout: "null" })
    .output();
  return out.success;
}

/** Test files under a path, as deno test finds them (`*_test.ts`, `*.test.ts`, `test.ts`). */
function testFiles(path: string): string[] {
  const isTest = (name: string) => /(^|[_.])test\.(ts|tsx|mts|js|mjs|jsx)$/.test(name);
  const info = Deno.statSync(path);
  if (info.isFile) return [path];
  const out: string[] = [];
  for (const e of Deno.readDirSync(path)) {
    const p = join(path, e.name);
    if (e.isDirectory && e.name !== "build" && e.name !== "node_modules") out.push(...testFiles(p));
    else if (e.isFile && isTest(e.name)) out.push(p);
  }
  return out.sort();
}

interface Args {
  jobs: number;
  files: string[];
  passThrough: string[];
}

function parseArgs(argv: string[]): Args {
  let jobs = Number(Deno.env.get("TEST_JOBS") ?? DEFAULT_JOBS);
  const paths: string[] = [];
  const passThrough: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--jobs" || a.startsWith("--jobs=")) {
      jobs = Number(a === "--jobs" ? argv[++i] : a.slice("--jobs=".length));
    } else if (!a.startsWith("-") && existsPath(a)) {
      paths.push(a);
    } else {
      passThrough.push(a);
      // A flag's value (e.g. --filter name) is passed on with it.
      if (/^--(filter|reporter|seed|coverage)$/.test(a) && i + 1 < argv.length) {
        passThrough.push(argv[++i]);
      }
    }
  }
  if (!Number.isInteger(jobs) || jobs < 1) {
    console.error(`--jobs / TEST_JOBS must be a whole number >= 1, got "${jobs}"`);
    Deno.exit(2);
  }
  const files = [...new Set((paths.length ? paths : ["tests/"]).flatMap(testFiles))]
    .map((f) => relative(".", f));
  return { jobs, files, passThrough };
}

function existsPath(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}

function readTimes(): Record<string, number> {
  try {
    return JSON.parse(Deno.readTextFileSync(TIMES_FILE));
  } catch {
    return {};
  }
}

/** The result of one file's `deno test`. */
interface FileResult {
  file: string;
  ms: number;
  passed: number;
  failed: number;
  ignored: number;
  output: string;
}

/** Runs one test file and reads its summary; a file that ends without one counts as a failure. */
async function runFile(file: string, passThrough: string[]): Promise<FileResult> {
  const t0 = performance.now();
  // Through sh so stderr joins stdout in order (a test's own logging stays next to its result).
  const out = await new Deno.Command("sh", {
    args: [
      "-c",
      'exec "$0" "$@" 2>&1',
      Deno.execPath(),
      ...["test", "-A", "--no-prompt", "--no-check", ...passThrough, file],
    ],
    stdout: "piped",
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const ms = performance.now() - t0;
  const output = new TextDecoder().decode(out.stdout);
  // deno-lint-ignore no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  // deno test ends with e.g. "ok | 12 passed (3 steps) | 0 failed | 1 ignored (4s)".
  const summaries = [
    ...plain.matchAll(/(\d+) passed[^|\n]*\|\s*(\d+) failed(?:\s*\|\s*(\d+) ignored)?/g),
  ];
  const m = summaries.at(-1);
  if (!m) return { file, ms, passed: 0, failed: 1, ignored: 0, output };
  // A process that failed with no failed test (an error outside the tests) still fails the file.
  const failed = Number(m[2]) || (out.success ? 0 : 1);
  return { file, ms, passed: Number(m[1]), failed, ignored: Number(m[3] ?? 0), output };
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

const { jobs, files, passThrough } = parseArgs(Deno.args);
const started = performance.now();

// One type-check for all files (children then skip theirs, which would repeat it per process).
const check = await new Deno.Command(Deno.execPath(), { args: ["check", ...files] }).output();
if (!check.success) {
  console.log(`type-check of the test files failed\n0 passed, 1 failed`);
  Deno.exit(1);
}

// Longest first, so the slow end-to-end files do not start last and stretch the wall time: by the
// last run's times; files without one (a fresh clone, a new file) first, end-to-end files and
// bigger files before the others.
const previous = readTimes();
const guess = (f: string) => (f.includes("/e2e/") ? 1e12 : 1e9) + Deno.statSync(f).size;
const queue = [...files].sort((a, b) => (previous[b] ?? guess(b)) - (previous[a] ?? guess(a)));
const results: FileResult[] = [];
const width = String(files.length).length;
async function worker(): Promise<void> {
  for (let file = queue.shift(); file; file = queue.shift()) {
    const r = await runFile(file, passThrough);
    results.push(r);
    const verdict = r.failed || r.ignored ? "FAILED" : "ok";
    const n = String(results.length).padStart(width);
    await Deno.stdout.write(new TextEncoder().encode(r.output.trimEnd() + "\n"));
    console.log(`[${n}/${files.length}] ${verdict} ${file} (${(r.ms / 1000).toFixed(1)} s)\n`);
  }
}
console.log(`running ${files.length} test files, ${jobs} at a time`);
await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));
const wallMs = performance.now() - started;

const times: Record<string, number> = { ...previous };
for (const r of results) times[r.file] = Math.round(r.ms);
await Deno.mkdir(".tmp", { recursive: true });
await Deno.writeTextFile(TIMES_FILE, JSON.stringify(times, null, 1) + "\n");

const sumMs = results.reduce((s, r) => s + r.ms, 0);
console.log("per-file times (s):");
for (const r of [...results].sort((a, b) => b.ms - a.ms)) {
  const mark = r.failed || r.ignored ? "  FAILED" : "";
  console.log(`  ${(r.ms / 1000).toFixed(1).padStart(6)}  ${r.file}${mark}`);
}
console.log(
  `wall ${(wallMs / 1000).toFixed(1)} s with ${jobs} jobs; the files took ${
    (sumMs / 1000).toFixed(1)
  } s in all`,
);
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
const ignored = results.reduce((s, r) => s + r.ignored, 0);
if (ignored > 0) {
  console.log(`${ignored} tests were ignored: a skipped test counts as a failure here`);
}
console.log(`${passed} passed, ${failed + ignored} failed`);
Deno.exit(failed + ignored === 0 ? 0 : 1);
