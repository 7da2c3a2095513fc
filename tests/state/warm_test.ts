/**
 * Warm state and export-state on real folders: only state is exported (0600, times kept), only
 * missing files are copied, once, per mode; the CLI says what it copied.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { applyWarmState, warmSourceFor } from "../../lib/state/warm.ts";
import { exportState } from "../../lib/state/export.ts";
import { stateFiles } from "../../lib/state/files.ts";
import { baseEnv, runCli } from "../support/cli.ts";

const USERDIR = "abcdefghijklmnopabcdefghijklmnopabcdefgh";
const OLD = new Date("2026-12-01T10:00:00Z");

/** A settings dir as Gateway leaves it, with a program folder beside (TWS_SETTINGS_PATH unset). */
async function settingsDir(root: string): Promise<string> {
  const d = join(root, "Jts");
  await Deno.mkdir(join(d, USERDIR), { recursive: true });
  await Deno.mkdir(join(d, "ibgateway", "10.45.1j", "jars"), { recursive: true });
  await Deno.mkdir(join(d, ".ibg-pilot-install-x"), { recursive: true });
  await Deno.writeTextFile(join(d, "ibgateway", "10.45.1j", "jars", "a.jar"), "jar");
  await Deno.writeTextFile(join(d, "jts.ini"), "[IBGateway]\nApiOnly=true\n");
  await Deno.writeTextFile(join(d, "launcher.log"), "log");
  await Deno.writeTextFile(join(d, USERDIR, "ibg.xml"), "<settings/>");
  await Deno.writeTextFile(join(d, USERDIR, "autorestart"), "dG9rZW4=\n");
  await Deno.writeTextFile(join(d, USERDIR, "ibgateway.20261201.ibenc"), "enc");
  await Deno.utime(join(d, USERDIR, "autorestart"), OLD, OLD);
  return d;
}

Deno.test("export-state: the state only, 0600 files in 0700 folders, times kept", async () => {
  const root = await Deno.makeTempDir();
  const src = await settingsDir(root);
  const out = join(root, "warm");
  const [e] = await exportState([{ mode: "paper", settingsDir: src }], out);
  const want = [`${USERDIR}/autorestart`, `${USERDIR}/ibg.xml`, "jts.ini"];
  assert.deepEqual(e.files, want);
  assert.deepEqual(stateFiles(out).map((f) => f.rel), want);
  for (const f of stateFiles(out)) assert.equal(f.info.mode! & 0o777, 0o600, f.rel);
  assert.equal(Deno.statSync(out).mode! & 0o777, 0o700);
  assert.equal(Deno.statSync(join(out, USERDIR)).mode! & 0o777, 0o700);
  assert.equal(Deno.statSync(join(out, USERDIR, "autorestart")).mtime?.getTime(), OLD.getTime());
  await Deno.remove(root, { recursive: true });
});

Deno.test("warm state: missing files copied, existing kept, applied once", async () => {
  const root = await Deno.makeTempDir();
  const warm = join(root, "warm");
  await exportState([{ mode: "paper", settingsDir: await settingsDir(root) }], warm);
  const target = join(root, "new");
  await Deno.mkdir(target);
  await Deno.writeTextFile(join(target, "jts.ini"), "[IBGateway]\nLocalServerPort=4123\n");

  const r = await applyWarmState(warmSourceFor(warm, "paper", false), target);
  assert.deepEqual(r.copied, [`${USERDIR}/autorestart`, `${USERDIR}/ibg.xml`]);
  assert.deepEqual(r.kept, ["jts.ini"]);
  assert.match(await Deno.readTextFile(join(target, "jts.ini")), /4123/, "never overwritten");
  assert.equal(
    Deno.statSync(join(target, USERDIR, "autorestart")).mtime?.getTime(),
    OLD.getTime(),
    "the token keeps its age (a token older than the weekly reset is then discarded)",
  );

  // Gateway consumes the token; the next start must not bring it back.
  await Deno.remove(join(target, USERDIR, "autorestart"));
  const again = await applyWarmState(warmSourceFor(warm, "paper", false), target);
  assert.deepEqual(again.copied, []);
  assert.match(
    again.skipped!,
    /applied before .*delete .*\.ibg-pilot-warm-state to apply it again/,
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("warm state per mode: live/ and paper/; both mode needs them", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(join(root, "flat"));
  await Deno.mkdir(join(root, "modes", "live"), { recursive: true });
  assert.equal(warmSourceFor(join(root, "flat"), "paper", false), join(root, "flat"));
  assert.equal(warmSourceFor(join(root, "flat"), "paper", true), undefined);
  assert.equal(warmSourceFor(join(root, "modes"), "live", true), join(root, "modes", "live"));
  assert.equal(warmSourceFor(join(root, "modes"), "paper", false), undefined);
  const r = await applyWarmState(undefined, join(root, "s"));
  assert.match(r.skipped!, /TRADING_MODE=both needs live\/ and paper\//);
  await Deno.remove(root, { recursive: true });
});

Deno.test("ibg-pilot export-state: writes the folder and lists what it wrote, a usage error without DIR", async () => {
  const root = await Deno.makeTempDir();
  const src = await settingsDir(root);
  const warm = join(root, "warm");
  const r = await runCli(["export-state", warm], baseEnv({ TWS_PATH: src }));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`exported 3 file\\(s\\) from ${src} to ${warm}`));
  assert.ok(!r.stdout.includes("dG9rZW4"), "the token's content is never printed");
  const usage = await runCli(["export-state"], baseEnv({ TWS_PATH: src }));
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /export-state takes one folder/);
  await Deno.remove(root, { recursive: true });
});
