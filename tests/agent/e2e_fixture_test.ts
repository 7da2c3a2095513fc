/**
 * End to end under Xvfb: a JVM started with `-javaagent`, driven through AgentClient, with every
 * action verified by what the Swing fixture logged it received (tests/agent/fixture), not by the
 * agent's reply. Also: window events for every window, modal clicks that do not block, a frozen
 * Swing thread answered with timeouts while ping still works, and WINDOW_CLOSING delivered.
 */

import { startXvfb } from "../support/xvfb.ts";
import { AgentClient, connectAgent } from "../../lib/ui/agent/client.ts";
import { UiError, type UiEvent, type WindowInfo } from "../../lib/ui/port.ts";
import assert from "node:assert/strict";
import { collectEvents, type FixtureLog, privateDir, startFixture } from "./harness.ts";

const D = 10_000; // deadline for anything the GUI does

function code(c: string) {
  return (e: Error) => e instanceof UiError && e.code === c;
}

Deno.test("agent end to end on the Swing fixture", async (t) => {
  const xvfb = await startXvfb();
  const dir = await privateDir();
  const jvm = await startFixture({ display: xvfb.display, dir });
  let client: AgentClient | undefined;
  try {
    client = await connectAgent(jvm.socket, { helloDeadlineMs: 20_000 });
    const c = client;
    const events = collectEvents(c);
    const log = jvm.log;
    const next = (pred: (l: FixtureLog) => boolean, what: string) => log.next(pred, D, what);
    let login: WindowInfo;

    await t.step("hello names the JVM", () => {
      assert.deepEqual(c.hello.pid, jvm.pid);
      assert.deepEqual(c.hello.mainClass, "fixture.Main");
      assert.deepEqual(c.hello.protocol, 1);
    });

    await t.step("window-opened for the login frame; windows lists it", async () => {
      const ev = await events.wait(
        (e) => e.type === "window-opened" && e.window.title === "Fixture Login",
        D,
        "window-opened Fixture Login",
      ) as Extract<UiEvent, { type: "window-opened" }>;
      login = ev.window;
      assert.deepEqual(login.kind, "frame");
      assert.deepEqual(login.modal, false);
      assert.deepEqual(login.toolkit, "swing");
      assert.deepEqual(login.className, "javax.swing.JFrame");
      const ws = await c.windows();
      assert.deepEqual(ws.map((w) => w.id), [login.id]);
    });

    await t.step("snapshot: roles, html stripped, password masked as its length", async () => {
      const seen = next(
        (l) => l.kind === "field-set" && l.field === "password" && l.length === 13,
        "password set",
      );
      await c.setText(login.id, { label: "Password" }, "hunter2secret");
      await seen;
      const root = await c.snapshot(login.id);
      const text = JSON.stringify(root);
      assert.ok(!text.includes("hunter2secret"), "the password never appears in a snapshot");
      const flat: Record<string, unknown>[] = [];
      const walk = (n: Record<string, unknown>) => {
        flat.push(n);
        for (const ch of n.children as Record<string, unknown>[]) walk(ch);
      };
      walk(root as unknown as Record<string, unknown>);
      const pw = flat.find((n) => n.role === "password")!;
      assert.deepEqual(pw.passwordLength, 13);
      assert.deepEqual(pw.text, undefined);
      assert.ok(flat.some((n) => n.role === "button" && n.text === "Log In"), "html stripped");
      const list = flat.find((n) => n.role === "list")!;
      assert.deepEqual(list.items, ["IB Key", "Mobile Authenticator app", "Security Card"]);
      const tree = flat.find((n) => n.role === "tree")!;
      assert.deepEqual(tree.items, ["API", "Lock and Exit"]);
      assert.ok(flat.some((n) => n.role === "treenode" && n.text === "Settings"), "tree nodes");
      assert.ok(flat.some((n) => n.role === "menuitem" && n.text === "Settings"), "menu items");
      assert.deepEqual(flat.find((n) => n.name === "combo")!.items, ["One", "Two"]);
      assert.deepEqual(flat.find((n) => n.role === "checkbox")!.selected, true);
    });

    await t.step("click by whole text, case-insensitive, html stripped", async () => {
      const seen = next((l) => l.kind === "click" && l.button === "Log In", "Log In click");
      await c.click(login.id, { text: "  log in " });
      await seen;
      await assert.rejects(() => c.click(login.id, { text: "Log" }), code("not_found"), "partial");
    });

    await t.step("disabled button: reported, clicked only with force", async () => {
      await assert.rejects(
        () => c.click(login.id, { text: "Disabled Thing" }),
        code("disabled"),
      );
      const seen = next((l) => l.kind === "click" && l.button === "Disabled Thing", "forced");
      await c.click(login.id, { text: "Disabled Thing" }, { force: true });
      await seen;
    });

    await t.step(
      "setText by label (next field), labelFor, accessible name, name, index",
      async () => {
        let seen = next((l) => l.field === "username" && l.text === "alice", "username by label");
        await c.setText(login.id, { label: "username" }, "alice");
        await seen;
        seen = next((l) => l.field === "password" && l.length === 3, "password by labelFor");
        await c.setText(login.id, { label: "Pass" }, "abc");
        await seen;
        seen = next((l) => l.field === "code" && l.text === "123456", "code by accessible name");
        await c.setText(login.id, { label: "Second factor" }, "123456");
        await seen;
        seen = next((l) => l.field === "port" && l.text === "4002", "port by component name");
        await c.setText(login.id, { name: "Socket port" }, "4002");
        await seen;
        seen = next((l) => l.field === "username" && l.text === "bob", "username by index 0");
        await c.setText(login.id, { index: 0 }, "bob");
        await seen;
        // IBC's rule: the password field counts as text field #1.
        seen = next((l) => l.field === "password" && l.length === 5, "password by index 1");
        await c.setText(login.id, { index: 1, role: "text" }, "abcde");
        await seen;
        seen = next((l) => l.field === "password" && l.length === 2, "password by role");
        await c.setText(login.id, { role: "password" }, "xy");
        await seen;
        await assert.rejects(
          () => c.setText(login.id, { name: "locked" }, "x"),
          code("not_editable"),
        );
        await assert.rejects(() => c.setText(login.id, { label: "nope" }, "x"), code("not_found"));
      },
    );

    await t.step("setSelected on toggles, checkboxes and radios", async () => {
      let seen = next(
        (l) => l.kind === "toggle" && l.button === "Paper Trading" && l.selected === true,
        "Paper Trading on",
      );
      await c.setSelected(login.id, { text: "paper trading" }, true);
      await seen;
      seen = next(
        (l) => l.kind === "toggle" && l.button === "Read-Only API" && l.selected === false,
        "Read-Only API off",
      );
      await c.setSelected(login.id, { text: "Read-Only API", role: "checkbox" }, false);
      await seen;
      seen = next((l) => l.kind === "toggle" && l.button === "AM" && l.selected === true, "AM on");
      await c.setSelected(login.id, { text: "AM" }, true);
      await seen;
      await assert.rejects(
        () => c.setSelected(login.id, { text: "AM" }, false),
        code("unsupported"),
      );
      // Already in the wanted state: nothing is clicked.
      const before = log.seen.length;
      const r = await c.request<{ changed: boolean }>("setSelected", {
        window: login.id,
        target: { text: "Paper Trading" },
        selected: true,
      });
      assert.deepEqual(r.changed, false);
      const probe = next((l) => l.kind === "click" && l.button === "Log In", "probe click");
      await c.click(login.id, { text: "Log In" });
      await probe;
      assert.ok(
        !log.seen.slice(before).some((l) => l.kind === "toggle"),
        "no toggle event for an unchanged state",
      );
    });

    await t.step("selectTreePath and selectListItem", async () => {
      let seen = next((l) => l.kind === "tree-select" && l.path === "API/Settings", "tree");
      await c.selectTreePath(login.id, ["api", "SETTINGS"]);
      await seen;
      seen = next((l) => l.kind === "tree-select" && l.path === "Lock and Exit", "tree 2");
      await c.selectTreePath(login.id, ["Lock and Exit"]);
      await seen;
      await assert.rejects(() => c.selectTreePath(login.id, ["API", "Nope"]), code("not_found"));
      seen = next((l) => l.kind === "list-select" && l.index === 1, "list item");
      await c.selectListItem(login.id, " mobile authenticator APP ");
      await seen;
      seen = next((l) => l.kind === "list-select" && l.index === 2, "html list item");
      await c.selectListItem(login.id, "Security Card");
      await seen;
      await assert.rejects(() => c.selectListItem(login.id, "Mobile"), code("not_found"));
      seen = next((l) => l.kind === "combo-select" && l.item === "Two", "combo item");
      await c.selectListItem(login.id, "two", { role: "combo" });
      await seen;
    });

    await t.step("menu paths; a disabled item is reported", async () => {
      const seen = next((l) => l.button === "menu:Configure/Settings", "menu click");
      await c.menu(login.id, ["configure", "Settings"]);
      await seen;
      await assert.rejects(() => c.menu(login.id, ["Configure", "Unavailable"]), code("disabled"));
      await assert.rejects(() => c.menu(login.id, ["Configure", "Missing"]), code("not_found"));
    });

    await t.step("key chords reach the focused window", async () => {
      let seen = next((l) => l.kind === "key" && l.chord === "ctrl alt F", "ctrl alt F");
      await c.key(login.id, "ctrl alt F");
      await seen;
      seen = next((l) => l.kind === "key" && l.chord === "ENTER", "Enter in the username field");
      await c.request("key", {
        window: login.id,
        chord: "Enter",
        target: { label: "Username" },
      });
      await seen;
    });

    await t.step("a click that opens a modal returns at once; the modal is driven", async () => {
      const opened = events.next(
        (e) => e.type === "window-opened" && e.window.title === "Modal Dialog",
        D,
        "modal window-opened",
      );
      const r = await c.request<{ returned: boolean }>("click", {
        window: login.id,
        target: { text: "Open Modal" },
      });
      assert.deepEqual(r.returned, false, "the click's handler is still inside the modal loop");
      const ev = await opened as Extract<UiEvent, { type: "window-opened" }>;
      assert.deepEqual(ev.window.kind, "dialog");
      assert.deepEqual(ev.window.modal, true);
      assert.deepEqual(await c.ping().then((p) => p.pong), true);
      const closed = events.next(
        (e) => e.type === "window-closed" && e.windowId === ev.window.id,
        D,
        "modal closed",
      );
      const returned = next((l) => l.kind === "modal-returned", "modal returned");
      await c.click(ev.window.id, { text: "OK" });
      await returned;
      await closed;
    });

    await t.step("window events for every window opened, hidden and closed", async () => {
      const ids: string[] = [];
      for (const title of ["Extra One", "Extra Two", "Extra Three"]) {
        const opened = events.next(
          (e) => e.type === "window-opened" && e.window.title === title,
          D,
          `window-opened ${title}`,
        );
        await jvm.send(`open ${title}`);
        ids.push(((await opened) as Extract<UiEvent, { type: "window-opened" }>).window.id);
      }
      assert.deepEqual(new Set([...ids, login.id]).size, 4, "ids are unique");
      const hidden = events.next(
        (e) => e.type === "window-closed" && e.windowId === ids[0],
        D,
        "window-closed on hide",
      );
      await jvm.send("hide Extra One");
      await hidden;
      // closeWindow posts WINDOW_CLOSING: the application's own listener runs (and disposes).
      const closing = next(
        (l) => l.kind === "window-closing" && l.title === "Extra Two",
        "closing",
      );
      const closed = events.next(
        (e) => e.type === "window-closed" && e.windowId === ids[1],
        D,
        "window-closed after WINDOW_CLOSING",
      );
      await c.closeWindow(ids[1]);
      await closing;
      await closed;
      const titles = (await c.windows()).map((w) => w.title).sort();
      assert.deepEqual(titles, ["Extra Three", "Fixture Login"]);
    });

    await t.step("a second client gets its own hello and the same events", async () => {
      const other = await connectAgent(jvm.socket, { helloDeadlineMs: D });
      try {
        const theirs = collectEvents(other);
        const mine = events.next(
          (e) => e.type === "window-opened" && e.window.title === "Shared",
          D,
          "event on client 1",
        );
        await jvm.send("open Shared");
        const a = await mine as Extract<UiEvent, { type: "window-opened" }>;
        const b = await theirs.wait(
          (e) => e.type === "window-opened" && e.window.title === "Shared",
          D,
          "event on client 2",
        ) as Extract<UiEvent, { type: "window-opened" }>;
        assert.deepEqual(a.window.id, b.window.id);
      } finally {
        await other.close();
      }
    });

    await t.step(
      "a frozen Swing thread: timeouts, ping still answers, nothing runs late",
      async () => {
        const frozen = next((l) => l.kind === "edt-frozen", "edt-frozen");
        await jvm.send("freeze");
        await frozen;
        const t0 = performance.now();
        await assert.rejects(
          () => c.request("windows", { timeoutMs: 300 }),
          code("timeout"),
          "windows while frozen",
        );
        assert.ok(performance.now() - t0 < 2_000, "the agent answered within its own bound");
        await assert.rejects(
          () =>
            c.request("setText", {
              window: login.id,
              target: { label: "Username" },
              value: "late",
              timeoutMs: 300,
            }),
          code("timeout"),
          "setText while frozen",
        );
        await assert.rejects(
          () =>
            c.request("click", { window: login.id, target: { text: "Log In" }, timeoutMs: 300 }),
          code("timeout"),
          "click while frozen",
        );
        for (let i = 0; i < 5; i++) {
          const p0 = performance.now();
          assert.deepEqual((await c.ping()).pong, true);
          assert.ok(performance.now() - p0 < 500, "ping is fast while the EDT is frozen");
        }
        const thawed = next((l) => l.kind === "edt-thawed", "edt-thawed");
        await jvm.send("thaw");
        await thawed;
        const root = JSON.stringify(await c.snapshot(login.id));
        assert.ok(!root.includes('"late"'), "the timed-out setText never ran");
        const clicksAfter = log.seen.filter((l) => l.kind === "edt-thawed");
        assert.deepEqual(clicksAfter.length, 1);
        const idx = log.seen.indexOf(clicksAfter[0]);
        // The cancelled click must not have happened after the thaw either.
        const probe = next((l) => l.kind === "click" && l.button === "Log In", "post-thaw click");
        await c.click(login.id, { text: "Log In" });
        const p = await probe;
        const lateClicks = log.seen.slice(idx).filter((l) => l.kind === "click" && l !== p);
        assert.deepEqual(lateClicks.length, 0, "no late click from the timed-out request");
      },
    );

    await t.step("closeWindow on the main frame delivers WINDOW_CLOSING", async () => {
      const closing = next(
        (l) => l.kind === "window-closing" && l.title === "Fixture Login",
        "main frame closing",
      );
      await c.closeWindow(login.id);
      await closing;
    });

    await t.step("disconnected is reported when the JVM goes away", async () => {
      const frozen = next((l) => l.kind === "edt-frozen", "edt-frozen again");
      await jvm.send("freeze");
      await frozen;
      const gone = events.next((e) => e.type === "disconnected", D, "disconnected");
      const pending = c.request("windows", { timeoutMs: D }, { timeoutMs: 2 * D }).then(
        () => new Error("resolved"),
        (e) => e,
      );
      await jvm.stop();
      await gone;
      const err = await pending;
      assert.ok(err instanceof UiError && err.code === "disconnected", `pending: ${err}`);
      await assert.rejects(() => c.ping(), code("disconnected"), "after disconnect");
    });
  } catch (e) {
    console.error(jvm.stderr());
    throw e;
  } finally {
    await client?.close();
    await jvm.stop();
    await xvfb.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
