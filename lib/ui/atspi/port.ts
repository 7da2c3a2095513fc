/**
 * Owns `AtspiPort`, the AT-SPI adapter of the UI port (lib/ui/port.ts): one Java application on
 * the accessibility bus, chosen by the Gateway JVM's pid so two Gateways (dual mode) never mix;
 * its top-level windows as `WindowInfo`; window events derived from `object:children-changed` on
 * the application root and `state-changed:showing/active` (java-atk-wrapper 0.40 never sends
 * `window:create`), reconciled level-triggered against the live window list; and the port's
 * actions done through Action, EditableText, Selection.
 *
 * What AT-SPI cannot do here rejects with `UiError("unsupported")` (docs/atspi.md):
 * `Target.name` (no Swing component names over AT-SPI), `key` (synthetic key events do not reach
 * Swing fields: sources.md peers A8), `closeWindow` (frames expose no close action), `click` with `force` on a disabled button,
 * and text entry on a
 * field whose content does not read back as written.
 */

import type { ClickOptions, ComponentNode, Target, UiEvent, UiPort, WindowInfo } from "../port.ts";
import { UiError } from "../port.ts";
import { log } from "../../log.ts";
import {
  type AppInfo,
  AtspiClient,
  parseRefId,
  type Ref,
  refId,
  type WalkedNode,
} from "./client.ts";
import { findTarget, type FlatNode, flatten, State } from "./model.ts";
import { sameText } from "../text.ts";

/** How to reach the application. */
export interface AtspiPortOptions {
  /** The Gateway JVM's pid; without it the single Java application on the bus is used. */
  pid?: number;
  /** The accessibility bus address (default: AT_SPI_BUS_ADDRESS, else asked of the session bus). */
  address?: string;
  /** Session bus address used to find the accessibility bus (default DBUS_SESSION_BUS_ADDRESS). */
  sessionAddress?: string;
  /** How long to wait for the application to appear on the bus (default 30 s). */
  appDeadlineMs?: number;
  /** How long an action waits for its effect to show (default 3 s). */
  effectDeadlineMs?: number;
}

/** Polls `probe` until it returns true, rejecting with `UiError("timeout")` at the deadline. */
async function until(what: string, deadlineMs: number, probe: () => Promise<boolean>) {
  const end = Date.now() + deadlineMs;
  while (true) {
    if (await probe().catch(() => false)) return;
    if (Date.now() >= end) {
      throw new UiError("timeout", `${what}: not seen within ${deadlineMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 15));
  }
}

const CLICKABLE = new Set(["button", "toggle", "checkbox", "radio", "menuitem", "menu"]);

/** The AT-SPI adapter. Create it with {@link openAtspiPort}. */
export class AtspiPort implements UiPort {
  readonly channel = "atspi" as const;
  private listeners = new Set<(e: UiEvent) => void>();
  private known = new Map<string, WindowInfo>();
  /** Ids of every top-level window seen at the last reconcile, hidden ones included. */
  private topLevel = new Set<string>();
  private reconciling: Promise<void> = Promise.resolve();
  private pending = false;
  private closed = false;
  private unsubscribe: () => void = () => {};
  private readonly effectMs: number;

  private constructor(
    /** The underlying client (tests and the bench use it directly). */
    readonly client: AtspiClient,
    /** The application this port drives. */
    readonly app: AppInfo,
    opts: AtspiPortOptions,
  ) {
    this.effectMs = opts.effectDeadlineMs ?? 3_000;
  }

  /** Connects, registers for events, finds the application and takes a window baseline. */
  static async open(opts: AtspiPortOptions = {}): Promise<AtspiPort> {
    const client = await AtspiClient.connect(opts);
    try {
      await client.registerEvents();
      const app = await client.findApplication(opts.pid, opts.appDeadlineMs ?? 30_000);
      await client.conn.addMatch(
        `type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${app.ref.bus}'`,
      );
      const port = new AtspiPort(client, app, opts);
      for (const w of await client.allWindows(app.ref)) {
        port.topLevel.add(w.id);
        if (w.showing) port.known.set(w.id, w);
      }
      port.listen();
      return port;
    } catch (err) {
      client.close();
      throw err;
    }
  }

  private listen() {
    const appBus = this.app.ref.bus;
    this.unsubscribe = this.client.conn.onSignal((s) => {
      if (s.member === "NameOwnerChanged" && s.body[0] === appBus && !s.body[2]) {
        this.emit({ type: "disconnected", reason: "the application left the bus", at: Date.now() });
        return;
      }
      if (s.sender !== appBus || s.iface !== "org.a11y.atspi.Event.Object") return;
      const detail = String(s.body[0]);
      if (s.member === "ChildrenChanged" && s.path === this.app.ref.path) this.schedule();
      else if (s.member === "StateChanged" && this.isWindowPath(s.path)) {
        if (detail === "showing") this.schedule();
        else if (detail === "active" && Number(s.body[1]) === 1) {
          const w = this.known.get(refId({ bus: s.sender, path: s.path }));
          if (w) this.emit({ type: "window-activated", window: w, at: Date.now() });
        }
      }
    });
    this.client.conn.onClose((reason) => {
      if (!this.closed) this.emit({ type: "disconnected", reason, at: Date.now() });
    });
  }

  /** Whether `path` is one of the application's top-level windows (showing or hidden). */
  private isWindowPath(path: string): boolean {
    return this.topLevel.has(refId({ bus: this.app.ref.bus, path }));
  }

  private emit(event: UiEvent) {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch { /* a listener's failure is its own */ }
    }
  }

  /** Coalesces bursts of events into one reconcile against the live window list. */
  private schedule() {
    if (this.pending || this.closed) return;
    this.pending = true;
    this.reconciling = this.reconciling.then(async () => {
      this.pending = false;
      await this.reconcile().catch((err) =>
        log("ui").debug("AT-SPI reconcile failed: {err}", { err: String(err) })
      );
    });
  }

  private async reconcile() {
    const all = await this.client.allWindows(this.app.ref);
    this.topLevel = new Set(all.map((w) => w.id));
    const live = all.filter((w) => w.showing);
    const now = Date.now();
    const liveIds = new Set(live.map((w) => w.id));
    for (const [id, w] of this.known) {
      if (!liveIds.has(id)) {
        this.known.delete(id);
        this.emit({ type: "window-closed", windowId: id, title: w.title, at: now });
      }
    }
    for (const w of live) {
      if (!this.known.has(w.id)) {
        this.known.set(w.id, w);
        this.emit({ type: "window-opened", window: w, at: now });
      } else this.known.set(w.id, w);
    }
  }

  async windows(): Promise<WindowInfo[]> {
    return (await this.client.allWindows(this.app.ref)).filter((w) => w.showing);
  }

  private windowRef(windowId: string): Ref {
    const ref = parseRefId(windowId);
    if (ref.bus !== this.app.ref.bus) {
      throw new UiError("not_found", `window ${windowId} does not belong to pid ${this.app.pid}`);
    }
    return ref;
  }

  private async tree(windowId: string, showingOnly = false): Promise<WalkedNode> {
    const ref = this.windowRef(windowId);
    try {
      return await this.client.walk(ref, undefined, { showingOnly });
    } catch (err) {
      if (err instanceof UiError && err.code === "not_found") {
        throw new UiError("not_found", `window ${windowId} is gone`);
      }
      throw err;
    }
  }

  private async find(windowId: string, target: Target): Promise<FlatNode<WalkedNode>> {
    if (target.name !== undefined) return findTarget([], target); // throws unsupported
    const root = await this.tree(windowId, true);
    return findTarget(flatten(root, (n) => n as WalkedNode), target);
  }

  async snapshot(windowId: string): Promise<ComponentNode> {
    return strip(await this.tree(windowId));
  }

  async click(windowId: string, target: Target, opts: ClickOptions = {}): Promise<void> {
    const hit = await this.find(windowId, target);
    if (!CLICKABLE.has(hit.node.role) && !hit.handle.ifaces.has("Action")) {
      throw new UiError(
        "bad_request",
        `${hit.node.role} "${hit.node.text ?? ""}" is not clickable`,
      );
    }
    if (!hit.node.enabled) {
      throw opts.force
        ? new UiError("unsupported", `AT-SPI cannot enable the disabled "${hit.node.text ?? ""}"`)
        : new UiError("disabled", `"${hit.node.text ?? ""}" is disabled`);
    }
    await this.client.doAction(hit.handle.ref, ["click", "press", "activate", "*"]);
  }

  /** Waits (effectDeadlineMs) until `ref`'s state `state` is `want`: the action took effect. */
  private waitState(what: string, ref: Ref, state: number, want = true): Promise<void> {
    return until(
      what,
      this.effectMs,
      async () => (await this.client.states(ref)).has(state) === want,
    );
  }

  async setText(windowId: string, target: Target, value: string): Promise<void> {
    const hit = await this.find(windowId, target);
    const ref = hit.handle.ref;
    if (!hit.handle.ifaces.has("EditableText")) {
      throw new UiError("unsupported", `${hit.node.type} offers no EditableText over AT-SPI`);
    }
    const password = hit.node.role === "password";
    const accepted = await this.client.setTextContents(ref, value);
    const readBack = () =>
      password
        ? this.client.characterCount(ref).then((n) => n === value.length)
        : this.client.text(ref).then((t) => t === value);
    if (accepted) {
      try {
        await until("text read-back", Math.min(this.effectMs, 1_000), readBack);
        return;
      } catch { /* fall through: the field did not take it */ }
    }
    throw new UiError(
      "unsupported",
      `the ${hit.node.role} field refused text entry through AT-SPI ` +
        `(SetTextContents ${
          accepted ? "returned true but the field does not read back" : "returned false"
        })`,
    );
  }

  async setSelected(windowId: string, target: Target, selected: boolean): Promise<void> {
    const hit = await this.find(windowId, target);
    if (!["toggle", "checkbox", "radio"].includes(hit.node.role)) {
      throw new UiError("bad_request", `${hit.node.role} has no selected state`);
    }
    if (hit.node.selected === selected) return;
    const ref = hit.handle.ref;
    await this.client.doAction(ref, ["click", "press", "*"]);
    await this.waitState(
      `"${hit.node.text}" ${selected ? "checked" : "unchecked"}`,
      ref,
      State.CHECKED,
      selected,
    );
  }

  async selectTreePath(windowId: string, path: string[]): Promise<void> {
    if (!path.length) throw new UiError("bad_request", "empty tree path");
    const root = await this.tree(windowId);
    const tree = flatten(root, (n) => n as WalkedNode).find((f) =>
      f.node.role === "tree" && f.node.showing
    );
    if (!tree) throw new UiError("not_found", `no tree in window ${windowId}`);
    let container = tree.handle.ref;
    for (let level = 0; level < path.length; level++) {
      const want = path[level];
      const kids = await this.client.children(container);
      const names = await Promise.all(kids.map((k) => this.client.name(k).catch(() => "")));
      const index = names.findIndex((n) => sameText(n, want));
      if (index < 0) {
        throw new UiError(
          "not_found",
          `tree path not found at level ${level}: want "${want}", saw [${names.join(" | ")}]`,
        );
      }
      const node = kids[index];
      if (level === path.length - 1) {
        await this.client.selectChild(container, index);
        await this.waitState(`tree node "${want}" selected`, node, State.SELECTED);
        return;
      }
      const states = await this.client.states(node);
      if (!states.has(State.EXPANDED)) {
        await this.client.doAction(node, ["toggleexpand", "expand"]);
        await this.waitState(`tree node "${want}" expanded`, node, State.EXPANDED);
      }
      container = node;
    }
  }

  async selectListItem(windowId: string, item: string, target?: Target): Promise<void> {
    const root = await this.tree(windowId);
    const flat = flatten(root, (n) => n as WalkedNode);
    let list: FlatNode<WalkedNode> | undefined;
    if (target) {
      list = findTarget(flat, { ...target, role: target.role ?? "list" });
    } else list = flat.find((f) => f.node.role === "list" && f.node.showing);
    if (!list || list.node.role !== "list") {
      throw new UiError("not_found", `no list in window ${windowId}`);
    }
    const items = list.handle.children;
    const index = items.findIndex((c) => sameText(c.text, item));
    if (index < 0) {
      throw new UiError(
        "not_found",
        `list item "${item}" not found (have [${items.map((c) => c.text ?? "").join(" | ")}])`,
      );
    }
    await this.client.selectChild(list.handle.ref, index);
    await this.waitState(`list item "${item}" selected`, items[index].ref, State.SELECTED);
  }

  async menu(windowId: string, path: string[]): Promise<void> {
    if (!path.length) throw new UiError("bad_request", "empty menu path");
    const root = await this.tree(windowId);
    const bar = flatten(root, (n) => n as WalkedNode).find((f) => f.node.role === "menubar");
    if (!bar) throw new UiError("not_found", `no menu bar in window ${windowId}`);
    let scope: WalkedNode = bar.handle;
    for (let level = 0; level < path.length; level++) {
      const hit = flatten(scope, (n) => n as WalkedNode).slice(1).find((f) =>
        (f.node.role === "menu" || f.node.role === "menuitem") && sameText(f.node.text, path[level])
      );
      if (!hit) {
        throw new UiError("not_found", `menu path not found at level ${level}: "${path[level]}"`);
      }
      scope = hit.handle;
    }
    // JMenuItem.doClick fires the item's action without its popup being open.
    await this.client.doAction(scope.ref, ["click", "press", "*"]);
  }

  key(_windowId: string, chord: string): Promise<void> {
    return Promise.reject(
      new UiError(
        "unsupported",
        `AT-SPI cannot deliver key chords to Swing (${chord}): synthetic key events are ignored`,
      ),
    );
  }

  closeWindow(windowId: string): Promise<void> {
    return Promise.reject(
      new UiError(
        "unsupported",
        `AT-SPI exposes no close action on Swing windows (${windowId}); use the agent`,
      ),
    );
  }

  onEvent(listener: (event: UiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    await this.reconciling.catch(() => {});
    this.client.close();
    this.listeners.clear();
  }
}

/** Removes the adapter's handles so the snapshot is plain port data (JSON-safe). */
function strip(node: WalkedNode): ComponentNode {
  const { ref: _ref, ifaces: _ifaces, children, ...rest } = node;
  return { ...rest, children: children.map(strip) };
}

/** Opens the AT-SPI adapter for the Gateway JVM `opts.pid`. */
export function openAtspiPort(opts: AtspiPortOptions = {}): Promise<AtspiPort> {
  return AtspiPort.open(opts);
}
