/** launcher.log as login signals: the line patterns, following the file, roll-over. */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  LauncherLogTail,
  type LauncherSignal,
  launcherSignal,
} from "../../lib/gateway/launcher_log.ts";

const line = (thread: string, msg: string) =>
  `2026-11-23 12:00:00.000 [AB] INFO  [${thread}] - ${msg}`;

Deno.test("launcher.log lines map to login signals (sources.md peers A4)", () => {
  assert.equal(launcherSignal(line("JTS-Login-1", "Authenticating")), "authenticating");
  assert.equal(
    launcherSignal(line("AuthTimeoutMonitor-CCP", "AuthTimeoutMonitor-CCP: Timeout!")),
    "ccp-timeout",
  );
  assert.equal(
    launcherSignal(line("AuthTimeoutMonitor-CCP", "AuthTimeoutMonitor-CCP: activate")),
    undefined,
  );
  assert.equal(launcherSignal(line("JTS-CCPListenerS2", "NS_AUTH_START")), "ns-auth-start");
  assert.equal(launcherSignal(line("JTS-x", "COMPETE: session kicked out")), "session-kicked");
  assert.equal(
    launcherSignal(line("JTS-x", "Authenticating done, PostAuthenticate")),
    "post-authenticate",
  );
  assert.equal(launcherSignal(line("JTS-x", "DeadlockMonitor: ok")), undefined);
});

Deno.test("the tail reports only lines written after it started, in order, across a roll-over", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "launcher.log");
  try {
    await Deno.writeTextFile(path, line("old", "Authenticating") + "\n");
    const seen: LauncherSignal[] = [];
    const tail = new LauncherLogTail(path, (s) => seen.push(s));
    await Deno.writeTextFile(path, line("a", "Authenticating") + "\n", { append: true });
    // A partial line is held back until its newline arrives.
    await Deno.writeTextFile(path, line("b", "AuthTimeoutMonitor-CCP: Timeout!"), { append: true });
    tail.drain();
    assert.deepEqual(seen, ["authenticating"]);
    await Deno.writeTextFile(path, "\n", { append: true });
    tail.drain();
    assert.deepEqual(seen, ["authenticating", "ccp-timeout"]);
    // Gateway starts a new, shorter file.
    await Deno.writeTextFile(path, line("c", "NS_AUTH_START") + "\n");
    tail.drain();
    assert.deepEqual(seen, ["authenticating", "ccp-timeout", "ns-auth-start"]);
    tail.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the tail follows the file by itself (file-system events)", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "launcher.log");
  try {
    let resolve!: (s: LauncherSignal) => void;
    const got = new Promise<LauncherSignal>((r) => (resolve = r));
    const tail = new LauncherLogTail(path, (s) => resolve(s));
    // The watch is registered synchronously in the constructor: no wait needed.
    await Deno.writeTextFile(path, line("d", "NS_AUTH_START") + "\n");
    const deadline = setTimeout(() => resolve("authenticating"), 5_000);
    assert.equal(await got, "ns-auth-start", "seen through the watch, without drain()");
    clearTimeout(deadline);
    tail.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
