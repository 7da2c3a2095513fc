/**
 * The session shell with a fake Gateway host and a fake UI port whose snapshots the test
 * answers by hand: the ordering between UI events and the reads they trigger.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config/mod.ts";
import { makeClassifier } from "../../lib/session/intent.ts";
import { SessionShell } from "../../lib/session/shell.ts";
import type { ComponentNode } from "../../lib/ui/port.ts";
import { TEST_SETTINGS } from "./settings.ts";
import { connectingModal } from "../dialogs/fixtures.ts";
import { pollUntil } from "../support/poll.ts";
import { InertUi } from "../support/inert_ui.ts";
import { setupLogging } from "../../lib/log.ts";

/** A UI port whose snapshot() calls wait until the test answers them. */
class HandFedUi extends InertUi {
  #pending: { windowId: string; answer: (tree: ComponentNode) => void }[] = [];
  #waiters: (() => void)[] = [];

  override snapshot(windowId: string): Promise<ComponentNode> {
    return new Promise((answer) => {
      this.#pending.push({ windowId, answer });
      for (const w of this.#waiters.splice(0)) w();
    });
  }
  /** Waits until a snapshot of `windowId` is asked for, and returns its answer function. */
  async snapshotAsked(windowId: string): Promise<(tree: ComponentNode) => void> {
    for (;;) {
      const i = this.#pending.findIndex((p) => p.windowId === windowId);
      if (i >= 0) return this.#pending.splice(i, 1)[0].answer;
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }
}

/** The catalogue's fixture of Gateway's "Connecting to server..." modal. */
const { window: CONNECTING, tree: CONNECTING_TREE } = connectingModal();

interface ShellOptions {
  /** run --attach: the session starts by probing, and the JVM's exit ends the run. */
  attached?: boolean;
  apiAnswers?: boolean;
  readyFile?: (present: boolean) => Promise<void>;
  jvmExit?: Promise<{ code: number | null }>;
}

/** A shell in its login phase (READY when attached and the API answers), on a hand-fed UI. */
async function loginShell(
  opts: ShellOptions = {},
): Promise<{ shell: SessionShell; ui: HandFedUi }> {
  const ui = new HandFedUi();
  const config = loadConfig({ env: { TRADING_MODE: "paper" }, home: "/h" }).values;
  let connected!: () => void;
  const uiConnected = new Promise<void>((r) => (connected = r));
  const shell = new SessionShell({
    mode: "paper",
    config,
    settings: { ...TEST_SETTINGS, honourMaintenance: false, attached: opts.attached },
    host: {
      launch: () =>
        Promise.resolve({
          pid: 4242,
          resumed: false,
          version: "10.45.1j",
          exited: opts.jvmExit ?? new Promise(() => {}),
        }),
      connectUi: () => {
        connected();
        return Promise.resolve(ui);
      },
      stop: () => Promise.resolve({ status: "not-running" }),
    },
    probe: () =>
      Promise.resolve(opts.apiAnswers ? { ok: true, serverVersion: 187 } : { ok: false }),
    classify: makeClassifier(config, "paper"),
    configure: () => Promise.resolve({ ok: true, mismatches: [] }),
    readyFile: opts.readyFile ?? (() => Promise.resolve()),
    maintenance: () => ({ inside: false }),
  });
  const inLogin = phase(shell, "login");
  shell.start();
  await uiConnected;
  await inLogin;
  return { shell, ui };
}

/** Resolves when the shell reaches `state` (within 5 s). */
function phase(shell: SessionShell, state: string): Promise<void> {
  if (shell.snapshot().state === state) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`no ${state} within 5 s`)), 5_000);
    const off = shell.onChange((s) => {
      if (s.state !== state) return;
      clearTimeout(deadline);
      off();
      resolve();
    });
  });
}

/** Resolves when `cond` holds (the shell acts on a read in its own continuation). */
function until(cond: () => boolean, what: string): Promise<unknown> {
  return pollUntil(cond, { deadlineMs: 5_000, name: "deadlineMs", what });
}

Deno.test("a window that closes while it is being read is not offered to the machine", async () => {
  // The shell says (at debug level) when it drops a read: that line is the condition to await.
  const lines: string[] = [];
  setupLogging({ level: "debug", format: "text", write: (l) => lines.push(l) });
  const { shell, ui } = await loginShell();
  try {
    ui.emit({ type: "window-opened", window: CONNECTING, at: Date.now() });
    const answer = await ui.snapshotAsked(CONNECTING.id);
    ui.emit({ type: "window-closed", windowId: CONNECTING.id, title: CONNECTING.title, at: 0 });
    answer(CONNECTING_TREE);
    await until(
      () => lines.some((l) => l.includes("closed while it was being read")),
      "the read of the closed window dropped",
    );
    assert.equal(shell.state.connectingWindowId, undefined, "a closed modal is not connecting");
  } finally {
    shell.dispatch({ type: "stop", reason: "test over" });
    setupLogging({ level: "warning", format: "text", write: () => {} });
  }
});

Deno.test("a window read while it stays open is offered: the connecting modal is tracked", async () => {
  const { shell, ui } = await loginShell();
  try {
    ui.emit({ type: "window-opened", window: CONNECTING, at: Date.now() });
    (await ui.snapshotAsked(CONNECTING.id))(CONNECTING_TREE);
    await until(() => shell.state.connectingWindowId === CONNECTING.id, "the modal tracked");
    ui.emit({ type: "window-closed", windowId: CONNECTING.id, title: CONNECTING.title, at: 0 });
    assert.equal(shell.state.connectingWindowId, undefined);
  } finally {
    shell.dispatch({ type: "stop", reason: "test over" });
  }
});

Deno.test("the session is done only after its ready file is removed", async () => {
  const writes: boolean[] = [];
  let removed!: () => void;
  const removal = new Promise<void>((r) => (removed = r));
  let exitJvm!: (e: { code: number | null }) => void;
  const { shell } = await loginShell({
    attached: true,
    apiAnswers: true,
    jvmExit: new Promise((r) => (exitJvm = r)),
    readyFile: (present) => {
      writes.push(present);
      return present ? Promise.resolve() : removal;
    },
  });
  await phase(shell, "ready");
  let done: number | undefined;
  shell.done.then((code) => (done = code));

  exitJvm({ code: 0 }); // the attached Gateway goes away: the run ends with exit 1
  await phase(shell, "stopped");
  await until(() => writes.length === 2, "the ready file's removal started");
  assert.deepEqual(writes, [true, false]);
  assert.equal(done, undefined, "done before the ready file was removed");
  removed();
  assert.equal(await shell.done, 1);
});

Deno.test("the snapshot reports the running Gateway build, and none once its JVM has exited", async () => {
  let exitJvm!: (e: { code: number | null }) => void;
  const { shell } = await loginShell({
    attached: true,
    apiAnswers: true,
    jvmExit: new Promise((r) => (exitJvm = r)),
  });
  await phase(shell, "ready");
  assert.equal(shell.snapshot().gatewayVersion, "10.45.1j");
  exitJvm({ code: 0 });
  await phase(shell, "stopped");
  assert.equal(shell.snapshot().gatewayVersion, undefined);
});
