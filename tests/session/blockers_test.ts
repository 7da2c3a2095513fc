/**
 * The re-login path clears the way the close path does: before logging in again inside the
 * running Gateway, a modal window nobody handles (unknown) is dismissed with its Cancel/Close/No
 * or closed, while the windows the session owns (the connecting modal, whose OK would cancel the
 * login) are left alone. Driven on a scripted UI with a hand-fired clock.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config/mod.ts";
import { makeClassifier } from "../../lib/session/intent.ts";
import { type Clock, SessionShell, type TimerId } from "../../lib/session/shell.ts";
import type { ComponentNode, Target, WindowInfo } from "../../lib/ui/port.ts";
import { InertUi } from "../support/inert_ui.ts";
import { TEST_SETTINGS } from "./settings.ts";
import { loginFrame, message } from "../dialogs/fixtures.ts";
import { pollUntil } from "../support/poll.ts";

/** A UI whose windows the test opens; clicks and closes are recorded and close the window. */
class ScriptedUi extends InertUi {
  open = new Map<string, { window: WindowInfo; tree: ComponentNode; closesOn?: string[] }>();
  calls: string[] = [];

  show(f: { window: WindowInfo; tree: ComponentNode }, closesOn?: string[]) {
    this.open.set(f.window.id, { ...f, closesOn });
    this.emit({ type: "window-opened", window: f.window, at: 0 });
  }
  /** The window goes (its close event included). */
  hide(id: string) {
    const w = this.open.get(id);
    this.open.delete(id);
    this.emit({ type: "window-closed", windowId: id, title: w?.window.title ?? "", at: 0 });
  }
  override windows() {
    return Promise.resolve([...this.open.values()].map((w) => w.window));
  }
  override snapshot(id: string): Promise<ComponentNode> {
    const w = this.open.get(id);
    return w ? Promise.resolve(w.tree) : Promise.reject(new Error("gone"));
  }
  override click(id: string, t: Target): Promise<void> {
    this.calls.push(`click ${this.open.get(id)?.window.title}: ${t.text}`);
    if (this.open.get(id)?.closesOn?.includes(t.text ?? "")) this.hide(id);
    return Promise.resolve();
  }
  override closeWindow(id: string): Promise<void> {
    this.calls.push(`close ${this.open.get(id)?.window.title}`);
    if (this.open.get(id)?.closesOn) this.hide(id);
    return Promise.resolve();
  }
}

/** Timers fire only when the test says so; `now` moves with them. */
class HandClock implements Clock {
  t = 1_700_000_000_000;
  pending = new Map<number, { at: number; fn: () => void }>();
  #n = 0;
  now = () => this.t;
  setTimeout(fn: () => void, ms: number): TimerId {
    const id = ++this.#n;
    this.pending.set(id, { at: this.t + ms, fn });
    return id as unknown as TimerId;
  }
  clearTimeout(id: TimerId) {
    this.pending.delete(id as unknown as number);
  }
  /** Fires every timer due within `ms`. */
  advance(ms: number) {
    this.t += ms;
    for (const [id, p] of [...this.pending].sort((a, b) => a[1].at - b[1].at)) {
      if (p.at <= this.t) {
        this.pending.delete(id);
        p.fn();
      }
    }
  }
}

Deno.test("re-login after a wait: an unknown modal is dismissed first, the connecting modal is not", async () => {
  const ui = new ScriptedUi();
  const clock = new HandClock();
  const config = loadConfig({ env: { TRADING_MODE: "paper" }, home: "/h" }).values;
  const shell = new SessionShell({
    mode: "paper",
    config,
    settings: { ...TEST_SETTINGS, honourMaintenance: false },
    host: {
      launch: () =>
        Promise.resolve({
          pid: 1,
          resumed: false,
          version: "10.45.1j",
          exited: new Promise(() => {}),
        }),
      connectUi: () => Promise.resolve(ui),
      stop: () => Promise.resolve({ status: "not-running" }),
    },
    probe: () => Promise.resolve({ ok: false }),
    classify: makeClassifier(config, "paper"),
    configure: () => Promise.resolve({ ok: true, mismatches: [] }),
    readyFile: () => Promise.resolve(),
    maintenance: () => ({ inside: false }),
    clock,
  });
  const until = (cond: () => boolean, what: string) =>
    pollUntil(cond, { deadlineMs: 5_000, name: "deadlineMs", what });
  shell.start();
  await until(() => shell.state.phase === "login", "the login phase");
  ui.show(loginFrame());
  const logIn = () => ui.calls.filter((c) => c.endsWith(": Paper Log In")).length;
  await until(() => logIn() === 1, "the first Log In");
  // IBKR says to wait; meanwhile an unknown modal opens, and Gateway's connecting modal shows.
  ui.show(
    message("Gateway", "Too many failed login attempts. Please wait 5 seconds.", ["OK"]),
    ["OK"],
  );
  await until(() => shell.state.phase === "backoff", "the wait");
  ui.show(message("Important Notice", "Your subscriptions change.", ["Review Later", "Close"]), [
    "Close",
  ]);
  const connecting = message("Gateway", "Connecting to server...", ["OK"]);
  ui.show(connecting, ["OK"]);
  await until(() => shell.state.connectingWindowId === connecting.window.id, "the modal read");
  // The wait is over while Gateway still connects: it waits once more, then the modal closes.
  clock.advance(8_000);
  ui.hide(connecting.window.id);
  clock.advance(5_000);
  await until(() => logIn() === 2, "the second Log In").catch((e) => {
    throw new Error(`${e.message}\nphase ${shell.state.phase}; calls:\n${ui.calls.join("\n")}`);
  });
  const notice = ui.calls.indexOf("click Important Notice: Close");
  assert.ok(notice >= 0, ui.calls.join("\n"));
  assert.ok(notice < ui.calls.lastIndexOf("click IBKR Gateway: Paper Log In"), "cleared first");
  // One OK on a `Gateway` modal: the too-many-attempts notice's, never the connecting modal's.
  assert.equal(ui.calls.filter((c) => c === "click Gateway: OK").length, 1, ui.calls.join("\n"));
});
