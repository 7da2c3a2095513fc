/**
 * Owns the AT-SPI protocol on top of one D-Bus connection to the accessibility bus: the desktop's
 * applications and their process ids, event registration (without `Registry.RegisterEvent` the
 * Java bridge emits nothing), reading a node (role, name, states, interfaces, children, text),
 * a pipelined tree walk mapped onto the port's `ComponentNode`, and the actions (Action,
 * EditableText, Selection). Plain method calls and signals only: no introspection.
 */

import type { ComponentNode, Role, WindowInfo } from "../port.ts";
import { UiError } from "../port.ts";
import { type BusConnection, connectBus, findA11yBusAddress } from "./dbus.ts";
import { decodeStates, mapRole, State, windowKind } from "./model.ts";

/** An accessible object: the bus name of its application and its object path. */
export interface Ref {
  bus: string;
  path: string;
}

/** An application registered on the desktop. */
export interface AppInfo {
  ref: Ref;
  pid: number;
  name: string;
  toolkit: string;
}

/** What one round of calls tells about a node. */
export interface RawNode {
  ref: Ref;
  roleName: string;
  name: string;
  description: string;
  states: Set<number>;
  ifaces: Set<string>;
  children: Ref[];
}

/** A walked node: the port's model plus the reference to act on it. */
export interface WalkedNode extends ComponentNode {
  ref: Ref;
  ifaces: Set<string>;
  children: WalkedNode[];
}

/** The registry's desktop root, whose children are the applications. */
export const DESKTOP: Ref = {
  bus: "org.a11y.atspi.Registry",
  path: "/org/a11y/atspi/accessible/root",
};

const I = {
  accessible: "org.a11y.atspi.Accessible",
  application: "org.a11y.atspi.Application",
  action: "org.a11y.atspi.Action",
  text: "org.a11y.atspi.Text",
  editable: "org.a11y.atspi.EditableText",
  selection: "org.a11y.atspi.Selection",
  collection: "org.a11y.atspi.Collection",
};

/** Event types the adapter registers for (the bridge is silent until someone does). */
export const EVENTS = [
  "object:children-changed",
  "object:state-changed:showing",
  "object:state-changed:active",
];

/** Window id for a reference: stable, since the bridge never reuses object paths. */
export function refId(ref: Ref): string {
  return `${ref.bus}${ref.path}`;
}

/** Inverse of {@link refId}. */
export function parseRefId(id: string): Ref {
  const slash = id.indexOf("/");
  if (slash <= 0) throw new UiError("not_found", `not an AT-SPI window id: ${id}`);
  return { bus: id.slice(0, slash), path: id.slice(slash) };
}

function toRef(v: unknown): Ref {
  const [bus, path] = v as [string, string];
  return { bus, path };
}

/** A connected AT-SPI client. */
export class AtspiClient {
  private constructor(readonly conn: BusConnection) {}

  /**
   * Connects to the accessibility bus (`address`, else `AT_SPI_BUS_ADDRESS`, else asked of the
   * session bus). Permissions are checked before any socket is opened.
   */
  static async connect(opts: { address?: string; sessionAddress?: string } = {}) {
    const address = opts.address ??
      await findA11yBusAddress({ sessionAddress: opts.sessionAddress });
    return new AtspiClient(await connectBus(address));
  }

  /** Adds the signal match rules and registers the events with the registry. */
  async registerEvents(events: string[] = EVENTS): Promise<void> {
    await this.conn.addMatch("type='signal',interface='org.a11y.atspi.Event.Object'");
    for (const event of events) {
      await this.conn.call(
        "org.a11y.atspi.Registry",
        "/org/a11y/atspi/registry",
        "org.a11y.atspi.Registry",
        "RegisterEvent",
        "sass",
        [event, [], ""],
      );
    }
  }

  /** Process id of the connection that owns `busName` on the accessibility bus. */
  async pidOf(busName: string): Promise<number> {
    const [pid] = await this.conn.call(
      "org.freedesktop.DBus",
      "/org/freedesktop/DBus",
      "org.freedesktop.DBus",
      "GetConnectionUnixProcessID",
      "s",
      [busName],
    );
    return Number(pid);
  }

  /** The applications on the desktop, with their process ids. */
  async applications(): Promise<AppInfo[]> {
    const refs = await this.children(DESKTOP);
    const apps = await Promise.all(refs.map(async (ref) => {
      try {
        const [pid, name, toolkit] = await Promise.all([
          this.pidOf(ref.bus),
          this.conn.getProperty(ref.bus, ref.path, I.accessible, "Name"),
          this.conn.getProperty(ref.bus, ref.path, I.application, "ToolkitName").catch(() => ""),
        ]);
        return { ref, pid, name: String(name), toolkit: String(toolkit) };
      } catch {
        return undefined; // the application went away while we asked
      }
    }));
    return apps.filter((a): a is AppInfo => a !== undefined);
  }

  /**
   * Waits (polling the desktop, bounded by `deadlineMs`) for the application of process `pid`, or
   * when no pid is given for the single Java application (several are an error: pass the pid).
   */
  async findApplication(pid?: number, deadlineMs = 10_000): Promise<AppInfo> {
    const until = Date.now() + deadlineMs;
    let seen: AppInfo[] = [];
    while (true) {
      seen = await this.applications();
      const java = seen.filter((a) => a.toolkit.includes("J2SE") || a.toolkit.includes("Java"));
      if (pid !== undefined) {
        const hit = seen.find((a) => a.pid === pid);
        if (hit) return hit;
      } else if (java.length === 1) return java[0];
      else if (java.length > 1) {
        throw new UiError(
          "ambiguous",
          `several Java applications on the accessibility bus (pids ${
            java.map((a) => a.pid).join(", ")
          }): give the Gateway JVM's pid`,
        );
      }
      if (Date.now() >= until) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new UiError(
      "not_found",
      `no ${pid !== undefined ? `application with pid ${pid}` : "Java application"} on the ` +
        `accessibility bus after ${deadlineMs} ms (seen: ${
          seen.map((a) => `${a.name || "?"}[${a.pid}]`).join(", ") || "none"
        }); is the JVM running with the ATK bridge (docs/atspi.md)?`,
    );
  }

  /** Children of a node. */
  async children(ref: Ref): Promise<Ref[]> {
    const [children] = await this.conn.call(ref.bus, ref.path, I.accessible, "GetChildren");
    return (children as unknown[]).map(toRef);
  }

  /** States of a node. */
  async states(ref: Ref): Promise<Set<number>> {
    const [words] = await this.conn.call(ref.bus, ref.path, I.accessible, "GetState");
    return decodeStates(words as number[]);
  }

  /** Accessible name of a node. */
  async name(ref: Ref): Promise<string> {
    return String(await this.conn.getProperty(ref.bus, ref.path, I.accessible, "Name"));
  }

  /** Everything one round of pipelined calls tells about a node. */
  async readNode(ref: Ref): Promise<RawNode> {
    const c = this.conn;
    const [[roleName], name, description, states, [ifaces], children] = await Promise.all([
      c.call(ref.bus, ref.path, I.accessible, "GetRoleName"),
      c.getProperty(ref.bus, ref.path, I.accessible, "Name"),
      c.getProperty(ref.bus, ref.path, I.accessible, "Description"),
      this.states(ref),
      c.call(ref.bus, ref.path, I.accessible, "GetInterfaces"),
      this.children(ref),
    ]);
    return {
      ref,
      roleName: String(roleName),
      name: String(name ?? ""),
      description: String(description ?? ""),
      states,
      ifaces: new Set((ifaces as string[]).map((i) => i.replace("org.a11y.atspi.", ""))),
      children,
    };
  }

  /** A top-level window's port description (including hidden ones: see `showing`). */
  async windowInfo(ref: Ref): Promise<WindowInfo> {
    const [[roleName], name, states] = await Promise.all([
      this.conn.call(ref.bus, ref.path, I.accessible, "GetRoleName"),
      this.name(ref),
      this.states(ref),
    ]);
    return {
      id: refId(ref),
      title: name,
      className: String(roleName),
      kind: windowKind(String(roleName)),
      modal: states.has(State.MODAL),
      showing: states.has(State.SHOWING) && !states.has(State.DEFUNCT),
      toolkit: "swing",
    };
  }

  /** Every top-level window of an application, showing or not. */
  async allWindows(app: Ref): Promise<WindowInfo[]> {
    const refs = await this.children(app);
    const infos = await Promise.all(refs.map((r) => this.windowInfo(r).catch(() => undefined)));
    return infos.filter((w): w is WindowInfo => w !== undefined);
  }

  /** Text of a node's Text interface (never call it on a password field). */
  async text(ref: Ref): Promise<string> {
    const [text] = await this.conn.call(ref.bus, ref.path, I.text, "GetText", "ii", [0, -1]);
    return String(text);
  }

  /** Character count of a node's Text interface. */
  async characterCount(ref: Ref): Promise<number> {
    return Number(await this.conn.getProperty(ref.bus, ref.path, I.text, "CharacterCount"));
  }

  /**
   * Walks the subtree under `ref` with every call of a level in flight at once, mapping each node
   * onto the port's model. Password text is never read: only its length. `showingOnly` skips the
   * subtrees of components that are not showing (enough for finding a target, which must show).
   */
  async walk(
    ref: Ref,
    parentRole?: Role,
    opts: { showingOnly?: boolean } = {},
  ): Promise<WalkedNode> {
    const raw = await this.readNode(ref);
    if (opts.showingOnly && !raw.states.has(State.SHOWING)) raw.children = [];
    const role = mapRole(raw.roleName, parentRole, raw.states);
    const node: WalkedNode = {
      ref,
      ifaces: raw.ifaces,
      role,
      type: raw.roleName,
      enabled: raw.states.has(State.ENABLED) || raw.states.has(State.SENSITIVE),
      showing: raw.states.has(State.SHOWING),
      children: [],
    };
    const textual = role === "text" || role === "textarea" || role === "password";
    const [children, text] = await Promise.all([
      Promise.all(raw.children.map((c) => this.walk(c, role, opts).catch(() => undefined))),
      textual && raw.ifaces.has("Text")
        ? (role === "password" ? this.characterCount(ref) : this.text(ref)).catch(() => undefined)
        : Promise.resolve(undefined),
    ]);
    node.children = children.filter((c): c is WalkedNode => c !== undefined);
    if (role === "password") {
      if (typeof text === "number") node.passwordLength = text;
      if (raw.name) node.accessibleName = raw.name;
    } else if (textual) {
      if (typeof text === "string") node.text = text;
      if (raw.name && raw.name !== text) node.accessibleName = raw.name;
    } else if (raw.name) {
      node.text = raw.name;
    } else if (raw.description) {
      node.accessibleName = raw.description;
    }
    if (["toggle", "checkbox", "radio"].includes(role)) {
      node.selected = raw.states.has(State.CHECKED);
    } else if (role === "listitem" || role === "treenode") {
      node.selected = raw.states.has(State.SELECTED);
    }
    if (textual || role === "combo") node.editable = raw.states.has(State.EDITABLE);
    if (role === "list" || role === "combo" || role === "tree") {
      node.items = node.children.filter((c) => c.role === "listitem" || c.role === "treenode")
        .map((c) => c.text ?? "");
    }
    return node;
  }

  /** The names of a node's actions, in index order. */
  async actionNames(ref: Ref): Promise<string[]> {
    const [actions] = await this.conn.call(ref.bus, ref.path, I.action, "GetActions");
    return (actions as [string, string, string][]).map(([name]) => name);
  }

  /**
   * Performs a named action (first of `names` the node offers, else action 0 when `names`
   * includes "*"). Returns at once even when the action opens a modal dialog.
   */
  async doAction(ref: Ref, names: string[]): Promise<void> {
    const offered = await this.actionNames(ref);
    let index = offered.findIndex((n) => names.includes(n));
    if (index < 0 && names.includes("*") && offered.length) index = 0;
    if (index < 0) {
      throw new UiError(
        "unsupported",
        `the component offers no ${names.join("/")} action (it offers: ${
          offered.join(", ") || "none"
        })`,
      );
    }
    const [ok] = await this.conn.call(ref.bus, ref.path, I.action, "DoAction", "i", [index]);
    if (!ok) throw new UiError("failed", `action ${offered[index]} was refused`);
  }

  /** `EditableText.SetTextContents`; false means the field refused. */
  async setTextContents(ref: Ref, value: string): Promise<boolean> {
    const [ok] = await this.conn.call(ref.bus, ref.path, I.editable, "SetTextContents", "s", [
      value,
    ]);
    return Boolean(ok);
  }

  /** `Selection.SelectChild` on a container (list, tree node's parent). */
  async selectChild(ref: Ref, index: number): Promise<boolean> {
    const [ok] = await this.conn.call(ref.bus, ref.path, I.selection, "SelectChild", "i", [index]);
    return Boolean(ok);
  }

  /**
   * `Collection.GetMatches` with don't-care sets (match type 1, "all": type 0 matches nothing),
   * restricted to any of `roles` (AtspiRole numbers, match type 2) when given; canonical order.
   */
  async matches(ref: Ref, roles: number[] = [], count = 0): Promise<Ref[]> {
    const rule = [[0, 0], 1, {}, 1, roleBits(roles), roles.length ? 2 : 1, [], 1, false];
    const [refs] = await this.conn.call(
      ref.bus,
      ref.path,
      I.collection,
      "GetMatches",
      "(aiia{ss}iaiiasib)uib",
      [rule, 1, count, true],
    );
    return (refs as unknown[]).map(toRef);
  }

  /** Closes the connection. */
  close(): void {
    this.conn.close();
  }
}

function roleBits(roles: number[]): number[] {
  const words = [0, 0, 0, 0];
  for (const r of roles) words[r >> 5] |= 1 << (r & 31);
  return words.map((w) => w >>> 0);
}
