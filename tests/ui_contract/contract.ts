/**
 * The UI port's contract suite, adapter-neutral: every adapter (agent, AT-SPI) runs the same
 * steps against the same Swing app (the fixture tests/atspi/fixture/Fixture.java, or anything
 * with the same windows), and every effect is asserted on the app's own event log — what its
 * components received — not on what the adapter reports.
 *
 * An adapter declares its limitations (capability -> reason); a limited capability is not skipped:
 * the suite asserts that it rejects with `UiError("unsupported")`.
 *
 * Usage: `runContract("atspi", makeSubject)` in a `*_test.ts` file; `makeSubject` starts the app
 * and the port (one app per test file keeps the suite lean on a 2-core machine).
 */

import {
  type Target,
  UiError,
  type UiEvent,
  type UiPort,
  type WindowInfo,
} from "../../lib/ui/port.ts";
import { pollUntil } from "../support/poll.ts";

/** Every capability the suite checks. */
export type Capability =
  | "windows"
  | "snapshot"
  | "events"
  | "click"
  | "click-modal"
  | "click-force"
  | "setText"
  | "setText-password"
  | "setText-index"
  | "target-name"
  | "setSelected"
  | "selectListItem"
  | "selectTreePath"
  | "menu"
  | "key"
  | "closeWindow";

/** What the app under test recorded (one JSON object per event, at least `event`). */
export interface ContractApp {
  /** Resolves with the first recorded event satisfying `pred`, rejects after `deadlineMs`. */
  waitFor(
    pred: (e: Record<string, unknown>) => boolean,
    what: string,
    deadlineMs?: number,
  ): Promise<unknown>;
  /** Opens a non-modal window with `title` from outside the port. */
  openWindow(title: string): Promise<void>;
  /** Disposes the window with `title` from outside the port. */
  disposeWindow(title: string): Promise<void>;
}

/** What `makeSubject` returns. */
export interface ContractSubject {
  port: UiPort;
  app: ContractApp;
  /** Capabilities this adapter cannot provide, with the reason (documented limitations). */
  limitations: Partial<Record<Capability, string>>;
  stop(): Promise<void>;
}

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

async function rejectsUnsupported(p: Promise<unknown>, what: string) {
  try {
    await p;
  } catch (err) {
    assert(
      err instanceof UiError && err.code === "unsupported",
      `${what}: expected UiError unsupported, got ${err}`,
    );
    return;
  }
  throw new Error(`${what}: declared a limitation but it succeeded`);
}

/** Waits for the next event satisfying `pred` (events are pushed, never polled). */
function nextEvent(port: UiPort, pred: (e: UiEvent) => boolean, what: string, ms = 5_000) {
  return new Promise<UiEvent>((resolve, reject) => {
    const off = port.onEvent((e) => {
      if (pred(e)) {
        clearTimeout(timer);
        off();
        resolve(e);
      }
    });
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${what} event within ${ms} ms`));
    }, ms);
  });
}

async function windowTitled(port: UiPort, title: string): Promise<WindowInfo> {
  const w = (await port.windows()).find((w) => w.title === title);
  assert(w, `no showing window titled "${title}"`);
  return w;
}

/**
 * Registers the contract's steps with `Deno.test` (one test per file, with steps, so the app
 * starts once). Steps run in order and share the app's state.
 */
export function runContract(name: string, makeSubject: () => Promise<ContractSubject>): void {
  Deno.test({
    name: `UI port contract: ${name}`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const subject = await makeSubject();
      const { port, app, limitations } = subject;
      const limited = (c: Capability) => limitations[c] !== undefined;
      const step = (c: Capability, label: string, fn: () => Promise<void>) =>
        t.step(`${c}: ${label}${limited(c) ? ` (limitation: ${limitations[c]})` : ""}`, fn);
      try {
        let main!: WindowInfo;
        await step("windows", "the login frame is listed, showing, as a frame", async () => {
          main = await windowTitled(port, "Fixture Login");
          assert(main.kind === "frame" && main.showing && !main.modal, JSON.stringify(main));
        });

        await step(
          "snapshot",
          "the tree holds the fixture's components in the shared model",
          async () => {
            const root = await port.snapshot(main.id);
            const all: {
              role: string;
              text?: string;
              items?: string[];
              passwordLength?: number;
            }[] = [];
            const walk = (n: typeof root) => {
              all.push(n);
              n.children.forEach(walk);
            };
            walk(root);
            const has = (role: string, text: string) =>
              all.some((n) => n.role === role && n.text === text);
            assert(root.role === "window", `root role ${root.role}`);
            for (
              const [role, text] of [
                ["button", "Log In"],
                ["toggle", "Paper Trading"],
                ["checkbox", "Read-Only API"],
                ["label", "Username"],
                ["menu", "Configure"],
                ["menuitem", "Settings"],
                ["listitem", "IB Key"],
                ["treenode", "API"],
              ]
            ) assert(has(role, text), `no ${role} "${text}" in the snapshot`);
            assert(all.some((n) => n.role === "text"), "no text field");
            const pw = all.find((n) => n.role === "password");
            assert(
              pw && pw.text === undefined && pw.passwordLength === 0,
              `password node ${JSON.stringify(pw)}`,
            );
            const list = all.find((n) => n.role === "list");
            assert(
              list?.items?.join("|") === "Mobile Authenticator app|IB Key|SMS",
              `list items ${list?.items}`,
            );
          },
        );

        await step(
          "events",
          "window-opened and window-closed for a window opened outside the port",
          async () => {
            const opened = nextEvent(
              port,
              (e) => e.type === "window-opened" && e.window.title === "Second",
              "window-opened",
            );
            await app.openWindow("Second");
            const e = await opened;
            assert(
              e.type === "window-opened" && e.window.kind === "dialog" && !e.window.modal,
              JSON.stringify(e),
            );
            const closed = nextEvent(
              port,
              (c) => c.type === "window-closed" && c.windowId === e.window.id,
              "window-closed",
            );
            await app.disposeWindow("Second");
            const c = await closed;
            assert(c.type === "window-closed" && c.title === "Second", JSON.stringify(c));
          },
        );

        await step("setText", "by label, whole field replaced, received by the field", async () => {
          const p = port.setText(main.id, { label: "username" }, "alice");
          if (limited("setText")) return rejectsUnsupported(p, "setText");
          await p;
          await app.waitFor(
            (e) => e.event === "text" && e.field === "username" && e.value === "alice",
            "username=alice",
          );
        });

        await step(
          "setText-password",
          "password by label; only its length is ever visible",
          async () => {
            const p = port.setText(main.id, { label: "Password" }, "pw-Secret-1");
            if (limited("setText-password")) return rejectsUnsupported(p, "setText password");
            await p;
            await app.waitFor(
              (e) => e.event === "text" && e.field === "password" && e.length === "11",
              "password length 11",
            );
            const snap = JSON.stringify(await port.snapshot(main.id));
            assert(!snap.includes("pw-Secret-1"), "password text leaked into the snapshot");
          },
        );

        await step(
          "setText-index",
          "the third text field (IBC's index rule) is the port field",
          async () => {
            const p = port.setText(main.id, { index: 2, role: "text" }, "4001");
            if (limited("setText-index")) return rejectsUnsupported(p, "setText index");
            await p;
            await app.waitFor(
              (e) => e.event === "text" && e.field === "port" && e.value === "4001",
              "port=4001",
            );
          },
        );

        await step(
          "target-name",
          "Target.name (Component.getName) finds the username field",
          async () => {
            const p = port.setText(main.id, { name: "username" }, "bob");
            if (limited("target-name")) return rejectsUnsupported(p, "Target.name");
            await p;
            await app.waitFor(
              (e) => e.event === "text" && e.field === "username" && e.value === "bob",
              "username=bob",
            );
          },
        );

        await step(
          "setSelected",
          "toggle by whole text (case-insensitive), idempotent",
          async () => {
            const t: Target = { text: "  paper trading " };
            const p = port.setSelected(main.id, t, true);
            if (limited("setSelected")) return rejectsUnsupported(p, "setSelected");
            await p;
            await app.waitFor(
              (e) => e.event === "toggle" && e.text === "Paper Trading" && e.selected === "true",
              "paper selected",
            );
            await port.setSelected(main.id, { text: "Read-Only API" }, true);
            await app.waitFor(
              (e) => e.event === "checkbox" && e.selected === "true",
              "read-only checked",
            );
            const before = JSON.stringify(await port.snapshot(main.id));
            await port.setSelected(main.id, { text: "Read-Only API" }, true); // no click when already so
            assert(
              JSON.stringify(await port.snapshot(main.id)) === before,
              "second setSelected changed state",
            );
          },
        );

        await step("selectListItem", "list item by whole text", async () => {
          const p = port.selectListItem(main.id, "ib key");
          if (limited("selectListItem")) return rejectsUnsupported(p, "selectListItem");
          await p;
          await app.waitFor((e) => e.event === "list" && e.item === "IB Key", "list IB Key");
        });

        await step("selectTreePath", "nested node below a collapsed parent", async () => {
          const p = port.selectTreePath(main.id, ["API", "Precautions"]);
          if (limited("selectTreePath")) return rejectsUnsupported(p, "selectTreePath");
          await p;
          await app.waitFor(
            (e) => e.event === "tree" && e.path === "API/Precautions",
            "tree API/Precautions",
          );
        });

        await step("menu", "Configure > Settings", async () => {
          const p = port.menu(main.id, ["Configure", "Settings"]);
          if (limited("menu")) return rejectsUnsupported(p, "menu");
          await p;
          await app.waitFor((e) => e.event === "menu" && e.item === "Settings", "menu Settings");
        });

        await step("click", "button by whole text; unknown targets are not_found", async () => {
          const p = port.click(main.id, { text: "log in" });
          if (limited("click")) return rejectsUnsupported(p, "click");
          await p;
          await app.waitFor((e) => e.event === "click" && e.text === "Log In", "click Log In");
          try {
            await port.click(main.id, { text: "Log" }); // whole text only
            throw new Error("partial button text matched");
          } catch (err) {
            assert(err instanceof UiError && err.code === "not_found", `got ${err}`);
          }
        });

        await step(
          "click-force",
          "a disabled button is `disabled`; with force it is clicked",
          async () => {
            const plain = await port.click(main.id, { text: "Apply" }).then(
              () => "clicked",
              (e) => e,
            );
            assert(
              plain instanceof UiError && plain.code === "disabled",
              `without force: ${plain}`,
            );
            const p = port.click(main.id, { text: "Apply" }, { force: true });
            if (limited("click-force")) return rejectsUnsupported(p, "click force");
            await p;
            await app.waitFor((e) => e.event === "click" && e.text === "Apply", "click Apply");
          },
        );

        await step(
          "click-modal",
          "a click that opens a modal returns; the modal is a modal dialog",
          async () => {
            const opened = nextEvent(
              port,
              (e) => e.type === "window-opened" && e.window.title === "Confirm Exit",
              "modal window-opened",
            );
            const p = port.click(main.id, { text: "Open Confirm" });
            if (limited("click-modal")) return rejectsUnsupported(p, "click-modal");
            await p; // must not wait for the modal to close
            const e = await opened;
            assert(
              e.type === "window-opened" && e.window.modal && e.window.kind === "dialog",
              JSON.stringify(e),
            );
            const closed = nextEvent(
              port,
              (c) => c.type === "window-closed" && c.windowId === e.window.id,
              "modal closed",
            );
            await port.click(e.window.id, { text: "Cancel" });
            await app.waitFor(
              (x) => x.event === "click" && x.text === "Cancel" && x.window === "Confirm Exit",
              "Cancel",
            );
            await closed;
          },
        );

        await step("key", "a key chord reaches the focus owner", async () => {
          const p = port.key(main.id, "ctrl A");
          if (limited("key")) return rejectsUnsupported(p, "key");
          await p;
        });

        await step("closeWindow", "closing runs the window's own closing handler", async () => {
          await app.openWindow("Closable");
          await app.waitFor(
            (e) => e.event === "window-opened" && e.title === "Closable",
            "Closable opened",
          );
          const w = await pollUntil(
            async () => (await port.windows()).find((x) => x.title === "Closable"),
            { deadlineMs: 5_000, name: "listing", what: "Closable listed" },
          );
          const p = port.closeWindow(w.id);
          if (limited("closeWindow")) {
            await rejectsUnsupported(p, "closeWindow");
            await app.disposeWindow("Closable");
            return;
          }
          await p;
          await app.waitFor(
            (e) => e.event === "window-closing" && e.title === "Closable",
            "windowClosing",
          );
        });
      } finally {
        await subject.stop();
      }
    },
  });
}
