/**
 * The JVM process wrapper and its stop ladder against real child processes (`sh` scripts stand in
 * for the JVM): one that closes on the "graceful" path, one that obeys SIGTERM, one that ignores
 * it, one that dies at start. Every process is ended by its PID (its own process group).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type AlertEvent, onAlert } from "../../lib/log.ts";
import { isGatewayError } from "../../lib/gateway/errors.ts";
import { type GatewayProcess, spawnGateway } from "../../lib/gateway/process.ts";
import { isAlive } from "../../lib/gateway/signals.ts";
import { tempDir } from "./_fixtures.ts";
import { pollUntil } from "../support/poll.ts";

/** Starts `script` under `sh -c` like the launcher starts java. */
async function start(dir: string, script: string, group: "setsid" | "inherit" = "setsid") {
  const lines: string[] = [];
  const proc = await spawnGateway({
    command: { command: "/bin/sh", args: ["-c", script] },
    env: { PATH: "/usr/bin:/bin" },
    cwd: dir,
    logFile: join(dir, "jvm.log"),
    processGroup: group,
    pathEnv: "/usr/bin:/bin",
    onLine: (l) => lines.push(l),
  });
  return { proc, lines };
}

/** Resolves once the child has printed `started` (its signal traps are installed by then). */
async function started(lines: string[], proc: GatewayProcess): Promise<void> {
  await proc.awaitStartup(
    pollUntil(() => lines.includes("started"), {
      deadlineMs: 10_000,
      name: "startup",
      what: "the child's started line",
    }),
    10_000,
    "the child's started line",
  );
}

/** Test cleanup: SIGKILL whatever is left of the group we started, by its PID. */
function cleanup(proc: GatewayProcess): void {
  for (const target of [-proc.pid, proc.pid]) {
    try {
      Deno.kill(target, "SIGKILL");
    } catch { /* gone */ }
  }
}

function collectAlerts(): { alerts: AlertEvent[] } & Disposable {
  const alerts: AlertEvent[] = [];
  const off = onAlert((e) => alerts.push(e));
  return { alerts, [Symbol.dispose]: off };
}

Deno.test("own process group via setsid; output appended to the log file and seen as lines", async () => {
  using tmp = tempDir();
  const { proc, lines } = await start(tmp.path, "echo started; echo oops >&2; exec sleep 300");
  try {
    await started(lines, proc);
    assert.equal(proc.ownGroup, true);
    const stat = Deno.readTextFileSync(`/proc/${proc.pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    assert.equal(Number(fields[2]), proc.pid, "pgrp == pid");
    assert.equal(Number(fields[3]), proc.pid, "session == pid");
    const r = await proc.stop({ termMs: 5_000, reason: "test" });
    assert.equal(r.mode, "sigterm");
    assert.equal(r.exit.signal, "SIGTERM");
    const log = Deno.readTextFileSync(join(tmp.path, "jvm.log"));
    assert.match(log, /--- ibg-pilot: starting \/bin\/sh at .* \(process group: own\) ---/);
    assert.ok(log.includes("started\n") && log.includes("oops\n"));
  } finally {
    cleanup(proc);
  }
});

Deno.test("stop ladder: the graceful close path wins, no signal, no alert", async () => {
  using tmp = tempDir();
  using a = collectAlerts();
  // USR1 stands in for Gateway's File > Close; TERM is ignored to prove no signal was needed.
  const { proc, lines } = await start(
    tmp.path,
    "trap 'exit 0' USR1; trap '' TERM; echo started; while :; do sleep 1 & wait $!; done",
  );
  try {
    await started(lines, proc);
    let called = 0;
    const t0 = performance.now();
    const r = await proc.stop({
      closeGracefully: () => {
        called++;
        Deno.kill(proc.pid, "SIGUSR1");
        return Promise.resolve(true);
      },
      graceMs: 10_000,
      termMs: 1_000,
    });
    assert.equal(r.mode, "graceful");
    assert.equal(r.exit.code, 0);
    assert.equal(called, 1);
    assert.ok(performance.now() - t0 < 5_000);
    assert.deepEqual(a.alerts, []);
    // A second stop returns the same outcome without calling the close path again.
    assert.equal(
      (await proc.stop({ closeGracefully: () => Promise.resolve(true) })).mode,
      "graceful",
    );
    assert.equal(called, 1);
  } finally {
    cleanup(proc);
  }
});

Deno.test("stop ladder: close path unavailable -> SIGTERM obeyed -> ALERT mode=sigterm", async () => {
  using tmp = tempDir();
  using a = collectAlerts();
  const { proc, lines } = await start(tmp.path, "echo started; exec sleep 300");
  try {
    await started(lines, proc);
    const r = await proc.stop({
      closeGracefully: () => Promise.resolve(false),
      graceMs: 10_000,
      termMs: 5_000,
      reason: "shutdown",
    });
    assert.equal(r.mode, "sigterm");
    assert.equal(r.gracefulFailure, "the close path was not available");
    assert.equal(a.alerts.length, 1);
    assert.equal(a.alerts[0].token, "ALERT_JVM_UNCLEAN_SHUTDOWN");
    assert.equal(a.alerts[0].fields.mode, "sigterm");
    assert.equal(a.alerts[0].fields.pid, proc.pid);
    assert.match(String(a.alerts[0].fields.reason), /^shutdown: /);
    assert.match(String(a.alerts[0].fields.implication), /session slot/);
  } finally {
    cleanup(proc);
  }
});

Deno.test("stop ladder: close path hangs, SIGTERM ignored -> SIGKILL -> ALERT mode=sigkill", async () => {
  using tmp = tempDir();
  using a = collectAlerts();
  const { proc, lines } = await start(tmp.path, "trap '' TERM; echo started; exec sleep 300");
  try {
    await started(lines, proc);
    const t0 = performance.now();
    const r = await proc.stop({
      closeGracefully: () => new Promise<boolean>(() => {}), // never answers
      graceMs: 300,
      termMs: 300,
      killMs: 5_000,
    });
    const took = performance.now() - t0;
    assert.equal(r.mode, "sigkill");
    assert.equal(r.exit.signal, "SIGKILL");
    assert.match(r.gracefulFailure ?? "", /close path failed/);
    assert.ok(took >= 550 && took < 5_000, `took ${took} ms`);
    assert.deepEqual(a.alerts.map((x) => x.fields.mode), ["sigkill"]);
    assert.ok(!isAlive(proc.pid));
  } finally {
    cleanup(proc);
  }
});

Deno.test("stop ladder: graceful close initiated but the JVM stays -> signals", async () => {
  using tmp = tempDir();
  using a = collectAlerts();
  const { proc, lines } = await start(tmp.path, "echo started; exec sleep 300");
  try {
    await started(lines, proc);
    const r = await proc.stop({ closeGracefully: () => Promise.resolve(true), graceMs: 200 });
    assert.equal(r.mode, "sigterm");
    assert.match(r.gracefulFailure ?? "", /still running 200 ms after the close path/);
    assert.equal(a.alerts.length, 1);
  } finally {
    cleanup(proc);
  }
});

Deno.test("a JVM that dies at start: one clear error with the tail of its log", async () => {
  using tmp = tempDir();
  const { proc } = await start(
    tmp.path,
    "echo 'Error: Could not find or load main class ibgateway.GWClient' >&2; exit 1",
  );
  try {
    await assert.rejects(
      () => proc.awaitStartup(new Promise(() => {}), 10_000),
      (e) =>
        isGatewayError(e, "JVM_EXITED_AT_START") &&
        e.message.includes("exited with code 1") &&
        e.message.includes("Could not find or load main class ibgateway.GWClient") &&
        e.message.includes(join(tmp.path, "jvm.log")),
    );
    assert.equal((await proc.stop()).mode, "already-exited");
  } finally {
    cleanup(proc);
  }
});

Deno.test("startup: ready wins; the deadline gives JVM_START_TIMEOUT and leaves it running", async () => {
  using tmp = tempDir();
  const { proc, lines } = await start(tmp.path, "echo started; exec sleep 300");
  try {
    await started(lines, proc);
    assert.equal(await proc.awaitStartup(Promise.resolve("hello"), 1_000), "hello");
    await assert.rejects(
      () => proc.awaitStartup(new Promise(() => {}), 100, "the agent's hello"),
      (e) => isGatewayError(e, "JVM_START_TIMEOUT") && e.message.includes("within 100 ms"),
    );
    assert.ok(isAlive(proc.pid));
    assert.equal((await proc.stop({ termMs: 5_000 })).mode, "sigterm");
  } finally {
    cleanup(proc);
  }
});

Deno.test("shared process group when asked: signals go to the PID", async () => {
  using tmp = tempDir();
  const { proc, lines } = await start(tmp.path, "echo started; exec sleep 300", "inherit");
  try {
    await started(lines, proc);
    assert.equal(proc.ownGroup, false);
    assert.equal((await proc.stop({ termMs: 5_000 })).mode, "sigterm");
  } finally {
    try {
      Deno.kill(proc.pid, "SIGKILL");
    } catch { /* gone */ }
  }
});

Deno.test("spawn failure: a missing java is one clear error", async () => {
  using tmp = tempDir();
  await assert.rejects(
    () =>
      spawnGateway({
        command: { command: join(tmp.path, "no-java"), args: [] },
        env: {},
        cwd: tmp.path,
        logFile: join(tmp.path, "jvm.log"),
        processGroup: "inherit",
      }),
    (e) => isGatewayError(e, "SPAWN_FAILED") && e.message.includes("no-java"),
  );
});
