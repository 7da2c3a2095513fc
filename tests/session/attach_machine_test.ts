/**
 * The session machine with `attached: true` (`run --attach`): an attached Gateway is probed as
 * soon as the agent connects, is never relaunched, and its exit ends the session with code 1.
 */

import assert from "node:assert/strict";
import { initialState, step } from "../../lib/session/machine.ts";
import type {
  Effect,
  SessionEvent,
  SessionSettings,
  SessionState,
} from "../../lib/session/types.ts";
import { TEST_SETTINGS } from "./settings.ts";

const SETTINGS: SessionSettings = { ...TEST_SETTINGS, honourMaintenance: false, attached: true };

function drive(cfg: SessionSettings = SETTINGS) {
  let state: SessionState = initialState("paper", 1_700_000_000_000);
  const send = (e: SessionEvent): Effect[] => {
    const r = step(state, e, cfg, 1_700_000_000_000, { inside: false });
    state = r.state;
    return r.effects;
  };
  return { send, state: () => state };
}

Deno.test("attached: the agent's hello is followed by a probe; a handshake is READY", () => {
  const m = drive();
  m.send({ type: "start" });
  m.send({ type: "jvm-started", pid: 77, resumed: false });
  const fx = m.send({ type: "agent-ready" });
  assert.ok(fx.some((e) => e.do === "probe"), "probed at once");
  assert.equal(m.state().phase, "login", "a login window would still be answered");
  m.send({ type: "probe", ok: true, serverVersion: 178 });
  assert.equal(m.state().phase, "ready");

  const launched = drive({ ...SETTINGS, attached: false });
  launched.send({ type: "start" });
  launched.send({ type: "jvm-started", pid: 77, resumed: false });
  assert.ok(!launched.send({ type: "agent-ready" }).some((e) => e.do === "probe"));
});

Deno.test("attached: Gateway's exit ends the session with 1; never a relaunch", () => {
  for (const code of [0, 1, null]) {
    const m = drive();
    m.send({ type: "start" });
    m.send({ type: "jvm-started", pid: 77, resumed: false });
    m.send({ type: "agent-ready" });
    m.send({ type: "probe", ok: true, serverVersion: 178 });
    const fx = m.send({ type: "jvm-exited", code });
    assert.equal(m.state().phase, "stopped");
    assert.deepEqual(fx.find((e) => e.do === "exit"), { do: "exit", code: 1 });
    assert.ok(!fx.some((e) => e.do === "launch"), `no relaunch after exit code ${code}`);
    assert.ok(fx.some((e) => e.do === "ready-file" && !e.present), "ready file removed");
  }
});

Deno.test("attached: a deadline halts instead of relaunching; a failed attach exits 1 at once", () => {
  const m = drive();
  m.send({ type: "start" });
  m.send({ type: "jvm-started", pid: 77, resumed: false });
  const fx = m.send({ type: "timer", name: "agent" });
  assert.equal(m.state().phase, "halted");
  assert.ok(!fx.some((e) => e.do === "stop-jvm" || e.do === "launch"));

  const f = drive();
  f.send({ type: "start" });
  const out = f.send({ type: "jvm-start-failed", error: "JVM 77 refuses dynamic attach" });
  assert.equal(f.state().phase, "stopped");
  assert.deepEqual(out.find((e) => e.do === "exit"), { do: "exit", code: 1 });
});

Deno.test("attached: stop while ready asks the host to stop (detach), then exits 0", () => {
  const m = drive();
  m.send({ type: "start" });
  m.send({ type: "jvm-started", pid: 77, resumed: false });
  m.send({ type: "agent-ready" });
  m.send({ type: "probe", ok: true, serverVersion: 178 });
  assert.ok(m.send({ type: "stop", reason: "SIGTERM" }).some((e) => e.do === "stop-jvm"));
  const fx = m.send({ type: "jvm-exited", code: null });
  assert.deepEqual(fx.find((e) => e.do === "exit"), { do: "exit", code: 0 });
});
