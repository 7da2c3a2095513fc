/**
 * The permission boundary (issue 9, item 5): under ibg-pilot's own permission flags, reading a
 * file, connecting to an address and running a program outside the `controller` set are each
 * refused with an error naming the resource, by Deno and by ibg-pilot's own commands, while what
 * the controller needs works. The other half of the proof, a full login on the simulator under
 * the same set, is every end-to-end test: tests/e2e/* start the controller through
 * tests/support/cli.ts pilotArgs, whose flags tests/deploy/compile_test.ts pins to the set.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { baseEnv, ROOT, runCli } from "../support/cli.ts";
import { PERMISSION_FLAGS } from "../../tools/compile.ts";
import { ALLOWED_PROGRAMS } from "../../lib/gateway/programs.ts";

/** Asserts that `text` contains `part`, showing `text` when it does not. */
function includes(text: string, part: string): void {
  assert.ok(text.includes(part), `expected ${JSON.stringify(part)} in:\n${text}`);
}

/** Runs the probe fixture under exactly the controller's flags; returns its outcomes. */
async function probe(port: number, dir: string): Promise<Record<string, string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...PERMISSION_FLAGS,
      "--quiet",
      join(ROOT, "tests/deploy/fixtures/permission_probe.ts"),
      JSON.stringify({ port, dir }),
    ],
    cwd: ROOT,
    env: baseEnv(),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert(out.success, `probe failed:\n${dec.decode(out.stderr)}`);
  return JSON.parse(dec.decode(out.stdout));
}

Deno.test("the controller set refuses files, addresses and programs outside it, allows its own", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ibg-pilot-perm-" });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const r = await probe((listener.addr as Deno.NetAddr).port, dir);
    const denied = /^NotCapable: Requires (read|write|net|run) access/;

    // Files outside the read/write roots.
    assert.match(r.readEtc, denied);
    includes(r.readEtc, "/etc/hostname");
    assert.match(r.writeEtc, denied);
    assert.deepEqual([r.writeTmp, r.readTmp], ["ok", "ok"]);

    // Addresses: only listed hosts and exact Unix socket paths.
    assert.deepEqual(r.connectListed, "ok");
    assert.match(r.connectUnlisted, denied);
    includes(r.connectUnlisted, "127.0.0.2");
    assert.match(r.connectUnlistedSocket, denied);

    // Programs: a shell, coreutils and java itself are refused; setsid and kill are allowed.
    for (const k of ["runShell", "runTrue", "runJava", "runX11vnc", "denoKillOther"]) {
      assert.match(r[k], /^NotCapable: Requires run access/, k);
    }
    // The listed paths, /usr/bin first (merged /usr); /bin on systems without merged /usr.
    assert.ok(ALLOWED_PROGRAMS.setsid.includes(r.allowedSetsid), r.allowedSetsid);
    assert.ok(ALLOWED_PROGRAMS.kill.includes(r.allowedKill), r.allowedKill);
    assert.equal(r.runSetsid, "ok");
    // Both spellings are listed: never refused (missing only on systems without merged /usr).
    assert.match(r.runBinSetsid, /^(ok|NotFound)/);
    // x11vnc runs only as ibg-pilot starts it (through setsid), and answers on 127.0.0.1.
    assert.equal(r.x11vncThroughSetsid, "ok");
    // Signals still reach our children through kill(1).
    assert.deepEqual([r.sendSignalOther, r.sleeperEnded], ["ok", "SIGTERM"]);

    // ibg-pilot's spawn: a direct JVM spawn is refused with the fix; through setsid it runs,
    // without the LD_* variables a scoped run refuses to pass on.
    assert.match(r.spawnDirect, /^GatewayError: Not allowed to run \/usr\/bin\/true/);
    includes(r.spawnDirect, "install util-linux");
    assert.deepEqual(r.spawnThroughSetsid, "ok");
  } finally {
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ibg-pilot refuses a secret file outside the read list, naming the path and the permission", async () => {
  const r = await runCli(
    ["config"],
    baseEnv({ TWS_USERID: "u", TWS_PASSWORD_FILE: "/etc/hostname", TRADING_MODE: "paper" }),
  );
  assert.deepEqual(r.code, 2, r.stderr);
  includes(r.stderr, 'TWS_PASSWORD_FILE: cannot read "/etc/hostname"');
  includes(r.stderr, 'Requires read access to "/etc/hostname"');
  includes(r.stderr, "docs/permissions.md");
});

Deno.test("ibg-pilot send refuses an address outside the net list, naming it and the permission", async () => {
  const r = await runCli(["send", "--host", "127.0.0.2", "--port", "7462", "STATUS"]);
  assert.deepEqual(r.code, 4, r.stderr);
  includes(r.stderr, 'Requires net access to "127.0.0.2:7462"');
  includes(r.stderr, "may connect only to 127.0.0.1, localhost and [::1]");
});
