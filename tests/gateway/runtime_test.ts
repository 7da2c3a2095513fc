import assert from "node:assert/strict";
import { join } from "node:path";
import { isGatewayError } from "../../lib/gateway/errors.ts";
import {
  agentSocketPath,
  claimSocketPath,
  defaultRuntimeDir,
  ensureRuntimeDir,
} from "../../lib/gateway/runtime.ts";
import { put, tempDir } from "./_fixtures.ts";

const uid = Deno.uid()!;

Deno.test("runtime dir: explicit, then XDG_RUNTIME_DIR, then /tmp/ibg-pilot-<uid>", () => {
  assert.equal(defaultRuntimeDir({ dir: "/x", xdgRuntimeDir: "/run/user/1", uid: 1 }), "/x");
  assert.equal(
    defaultRuntimeDir({ xdgRuntimeDir: "/run/user/1", uid: 1 }),
    "/run/user/1/ibg-pilot",
  );
  assert.equal(defaultRuntimeDir({ uid: 1000 }), "/tmp/ibg-pilot-1000");
});

Deno.test("ensureRuntimeDir: creates 0700, tightens a wider dir, refuses a symlink", async () => {
  using tmp = tempDir();
  const dir = join(tmp.path, "a", "ibg-pilot");
  await ensureRuntimeDir(dir, uid);
  assert.equal((Deno.statSync(dir).mode ?? 0) & 0o777, 0o700);
  Deno.chmodSync(dir, 0o755);
  await ensureRuntimeDir(dir, uid);
  assert.equal((Deno.statSync(dir).mode ?? 0) & 0o777, 0o700);

  const link = join(tmp.path, "link");
  Deno.symlinkSync(dir, link);
  await assert.rejects(
    () => ensureRuntimeDir(link, uid),
    (e) => isGatewayError(e, "RUNTIME_DIR_INVALID") && e.message.includes("symlink"),
  );
  await assert.rejects(
    () => ensureRuntimeDir(dir, uid + 1),
    (e) => isGatewayError(e, "RUNTIME_DIR_INVALID") && e.message.includes(`uid ${uid}`),
  );
  put(join(tmp.path, "file"));
  await assert.rejects(
    () => ensureRuntimeDir(join(tmp.path, "file"), uid),
    (e) => isGatewayError(e, "RUNTIME_DIR_INVALID"),
  );
});

Deno.test("socket paths per mode, and the 107-byte limit", () => {
  assert.equal(
    agentSocketPath("/run/user/1000/ibg-pilot", "live"),
    "/run/user/1000/ibg-pilot/agent-live.sock",
  );
  assert.equal(agentSocketPath("/tmp/x", "paper"), "/tmp/x/agent-paper.sock");
  assert.throws(
    () => agentSocketPath("/tmp/" + "d".repeat(100), "live"),
    (e) => isGatewayError(e, "SOCKET_PATH_INVALID") && e.message.includes("107"),
  );
});

Deno.test("claimSocketPath: free, stale removed, live refused, non-socket refused", async () => {
  using tmp = tempDir();
  const path = join(tmp.path, "agent-live.sock");
  assert.equal(await claimSocketPath(path), "free");

  // A live listener: another ibg-pilot's agent.
  const listener = Deno.listen({ transport: "unix", path });
  const accepting = (async () => {
    for await (const conn of listener) conn.close();
  })().catch(() => {});
  await assert.rejects(
    () => claimSocketPath(path),
    (e) => isGatewayError(e, "SOCKET_IN_USE") && e.message.includes(path),
  );
  listener.close();
  await accepting;

  // Deno unlinks on close, so a crash's leftover is made by a child we SIGKILL while it listens.
  assert.throws(() => Deno.lstatSync(path), Deno.errors.NotFound);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `Deno.listen({ transport: "unix", path: ${JSON.stringify(path)} }); console.log("ready");` +
      " setInterval(() => {}, 1000);",
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    assert.equal(new TextDecoder().decode(value).trim(), "ready");
    reader.releaseLock();
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
  assert.equal(Deno.lstatSync(path).isSocket, true);
  assert.equal(await claimSocketPath(path), "removed-stale");
  assert.throws(() => Deno.lstatSync(path), Deno.errors.NotFound);

  put(path, "not a socket");
  await assert.rejects(
    () => claimSocketPath(path),
    (e) => isGatewayError(e, "SOCKET_PATH_INVALID"),
  );
  assert.ok(Deno.lstatSync(path).isFile);
});
