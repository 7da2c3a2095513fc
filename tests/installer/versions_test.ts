/** Rollback bookkeeping: two failures in a row roll a version back when another is installed. */

import assert from "node:assert/strict";
import { VersionHealth, VersionWatch } from "../../lib/installer/versions.ts";
import { findInstall } from "../../lib/gateway/install.ts";
import { installSimGateway } from "../gateway-sim/install.ts";

Deno.test("two failures roll back to the newest other version; discovery then skips it", async () => {
  const twsPath = await Deno.makeTempDir();
  await installSimGateway({ root: twsPath, version: "10.45.1j" });
  await installSimGateway({ root: twsPath, version: "10.50.1d" });
  const h = new VersionHealth(twsPath, () => new Date("2026-12-06T12:00:00Z"));
  assert.equal(h.failed("10.50.1d", "paper", "why"), undefined, "one failure is not enough");
  h.reached("10.50.1d");
  assert.equal(h.failed("10.50.1d", "paper", "why"), undefined, "reaching the frame resets");
  assert.equal(h.failed("10.50.1d", "paper", "why"), "10.45.1j");
  assert.deepEqual(h.badVersions(), ["10.50.1d"]);
  assert.equal(findInstall({ twsPath }).version, "10.50.1d");
  assert.equal(findInstall({ twsPath, skipVersions: h.badVersions() }).version, "10.45.1j");
  await Deno.remove(twsPath, { recursive: true });
});

Deno.test("no other version: no rollback", async () => {
  const twsPath = await Deno.makeTempDir();
  await installSimGateway({ root: twsPath, version: "10.50.1d" });
  const h = new VersionHealth(twsPath);
  h.failed("10.50.1d", "paper", "why");
  assert.equal(h.failed("10.50.1d", "paper", "why"), undefined);
  assert.deepEqual(h.badVersions(), []);
  await Deno.remove(twsPath, { recursive: true });
});

Deno.test("the watch counts a JVM that ends before the login frame, not one we stopped", async () => {
  const twsPath = await Deno.makeTempDir();
  await installSimGateway({ root: twsPath, version: "10.45.1j" });
  await installSimGateway({ root: twsPath, version: "10.50.1d" });
  const h = new VersionHealth(twsPath);
  const w = new VersionWatch(h, "paper");
  /** One JVM: `phases` seen while it ran, then it exits. */
  const jvm = (...phases: string[]) => {
    let exit!: () => void;
    const counted = w.launched("10.50.1d", new Promise<void>((r) => exit = r));
    for (const p of phases) w.phase(p);
    exit();
    return counted;
  };
  await jvm("launching", "agent-wait"); // failure 1
  await jvm("launching", "agent-wait", "login"); // reached the frame: count starts again
  await jvm("launching"); // failure 1
  assert.deepEqual(h.badVersions(), [], "one failure in a row");
  const stopped = new VersionWatch(h, "paper");
  let exit!: () => void;
  const counted = stopped.launched("10.50.1d", new Promise<void>((r) => exit = r));
  stopped.phase("stopping");
  exit();
  await counted;
  assert.deepEqual(h.badVersions(), [], "a JVM we stopped is no failure");
  await jvm("launching"); // failure 2
  assert.deepEqual(h.badVersions(), ["10.50.1d"]);
  await Deno.remove(twsPath, { recursive: true });
});
