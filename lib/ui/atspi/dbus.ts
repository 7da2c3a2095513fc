/**
 * Owns the D-Bus plumbing under the AT-SPI adapter: bus address parsing, the Deno permission check
 * that must run BEFORE dbus-next is touched (without `--allow-sys=uid` dbus-next hangs forever
 * instead of failing), finding the accessibility bus, and a thin connection with per-call
 * deadlines (dbus-next has none; a deadlocked JVM would otherwise hang the controller).
 */

import dbus from "dbus-next";
import { UiError } from "../port.ts";
import { raceTimer } from "../../util/deadline.ts";

/** The well-known name and object of the session bus's accessibility bus launcher. */
export const A11Y_BUS_NAME = "org.a11y.Bus";

/** Default deadline for one D-Bus call, in milliseconds. */
export const CALL_DEADLINE_MS = 5_000;

/** The socket path of a `unix:path=` bus address (first usable entry of a `;` list). */
export function socketPathOf(address: string): string {
  const entries = address.split(";").map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    const [transport, params = ""] = entry.split(/:(.*)/s, 2);
    if (transport !== "unix") continue;
    const kv = new Map(
      params.split(",").map((p) => {
        const i = p.indexOf("=");
        return [p.slice(0, i), decodeURIComponent(p.slice(i + 1))] as [string, string];
      }),
    );
    const path = kv.get("path");
    if (path) return path;
    if (kv.has("abstract")) {
      throw new UiError(
        "unsupported",
        `bus address ${entry} is an abstract socket, which dbus-next cannot dial under Deno; ` +
          "start the bus with a path socket (dbus-daemon --address=unix:path=...)",
      );
    }
  }
  throw new UiError("bad_request", `no unix:path= entry in bus address "${address}"`);
}

/**
 * Checks, without prompting, that this process may dial the bus at `socketPath`; throws
 * `UiError("permission")` naming every missing flag. Call it before any dbus-next use.
 */
export async function checkBusPermissions(socketPath: string): Promise<void> {
  const checks: [Deno.PermissionDescriptor, string][] = [
    [{ name: "sys", kind: "uid" }, "--allow-sys=uid"],
    [{ name: "read", path: socketPath }, `--allow-read=${socketPath}`],
    [{ name: "write", path: socketPath }, `--allow-write=${socketPath}`],
    [{ name: "net", host: `unix:${socketPath}` }, `--allow-net=unix:${socketPath}`],
  ];
  const missing: string[] = [];
  for (const [desc, flag] of checks) {
    const status = await Deno.permissions.query(desc);
    if (status.state !== "granted") missing.push(flag);
  }
  if (missing.length) {
    throw new UiError(
      "permission",
      `AT-SPI needs permission to use the bus socket ${socketPath}: run with ${
        missing.join(" ")
      } (or add them to the deno.json permission set; see docs/atspi.md)`,
    );
  }
}

/** A D-Bus signal as the adapter sees it. */
export interface Signal {
  sender: string;
  path: string;
  iface: string;
  member: string;
  body: unknown[];
}

/** One D-Bus connection with deadlines on calls. */
export interface BusConnection {
  /** Our unique name on the bus, once connected. */
  readonly address: string;
  /** Calls a method; rejects with `UiError("timeout")` after `deadlineMs`. */
  call(
    dest: string,
    path: string,
    iface: string,
    member: string,
    signature?: string,
    body?: unknown[],
    deadlineMs?: number,
  ): Promise<unknown[]>;
  /** Reads a property (`org.freedesktop.DBus.Properties.Get`), unwrapped. */
  getProperty(dest: string, path: string, iface: string, name: string): Promise<unknown>;
  /** Adds a match rule (`org.freedesktop.DBus.AddMatch`). */
  addMatch(rule: string): Promise<void>;
  /** Subscribes to every signal; returns an unsubscribe function. */
  onSignal(listener: (signal: Signal) => void): () => void;
  /** Called once when the connection ends for any reason. */
  onClose(listener: (reason: string) => void): void;
  close(): void;
}

/**
 * Connects to the bus at `address` after checking permissions. The connection is established
 * (Hello answered) when the promise resolves.
 */
export async function connectBus(
  address: string,
  opts: { deadlineMs?: number } = {},
): Promise<BusConnection> {
  const socketPath = socketPathOf(address);
  await checkBusPermissions(socketPath);
  try {
    await Deno.lstat(socketPath);
  } catch {
    throw new UiError("not_found", `bus socket ${socketPath} does not exist (bus not running?)`);
  }
  const bus = dbus.sessionBus({ busAddress: address });
  const signalListeners = new Set<(s: Signal) => void>();
  const closeListeners: ((reason: string) => void)[] = [];
  let closed: string | undefined;
  const finish = (reason: string) => {
    if (closed !== undefined) return;
    closed = reason;
    for (const l of closeListeners) l(reason);
  };
  bus.on("error", (err: unknown) => finish(`bus error: ${err}`));
  // deno-lint-ignore no-explicit-any
  (bus as any)._connection?.on?.("end", () => finish("bus connection ended"));
  bus.on("message", (msg: dbus.Message) => {
    if (msg.type !== dbus.MessageType.SIGNAL) return;
    const signal: Signal = {
      sender: msg.sender,
      path: msg.path,
      iface: msg.interface,
      member: msg.member,
      body: msg.body,
    };
    for (const l of signalListeners) {
      try {
        l(signal);
      } catch { /* a listener's failure is its own */ }
    }
  });

  const call: BusConnection["call"] = (
    dest,
    path,
    iface,
    member,
    signature = "",
    body = [],
    ms,
  ) => {
    if (closed !== undefined) {
      return Promise.reject(new UiError("disconnected", `D-Bus connection closed: ${closed}`));
    }
    const deadline = ms ?? CALL_DEADLINE_MS;
    const reply = bus.call(
      new dbus.Message({ destination: dest, path, interface: iface, member, signature, body }),
    ).then((m) => (m?.body ?? []) as unknown[], (err: unknown) => {
      const e = err as { type?: string; text?: string; message?: string };
      throw new UiError(
        e.type?.endsWith("UnknownObject") || e.type?.endsWith("UnknownMethod") ||
          e.type?.endsWith("ServiceUnknown")
          ? "not_found"
          : "dbus_error",
        `${iface}.${member} on ${dest}${path}: ${e.type ?? ""} ${e.text ?? e.message ?? err}`,
      );
    });
    return raceTimer(reply, deadline, () => {
      throw new UiError(
        "timeout",
        `${iface}.${member} on ${dest}${path}: no reply in ${deadline} ms`,
      );
    });
  };

  // Wait for Hello, bounded.
  const deadline = opts.deadlineMs ?? CALL_DEADLINE_MS;
  await raceTimer(
    new Promise<void>((resolve, reject) => {
      // deno-lint-ignore no-explicit-any
      if ((bus as any).name) return resolve();
      bus.once("connect", () => resolve());
      closeListeners.push((reason) =>
        reject(new UiError("disconnected", `cannot connect to ${address}: ${reason}`))
      );
    }),
    deadline,
    () => {
      throw new UiError("timeout", `no D-Bus handshake from ${address} in ${deadline} ms`);
    },
  ).catch((err) => {
    try {
      bus.disconnect();
    } catch { /* already gone */ }
    throw err;
  });

  return {
    address,
    call,
    async getProperty(dest, path, iface, name) {
      const [v] = await call(
        dest,
        path,
        "org.freedesktop.DBus.Properties",
        "Get",
        "ss",
        [iface, name],
      );
      return (v as { value: unknown }).value;
    },
    async addMatch(rule) {
      await call(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus",
        "AddMatch",
        "s",
        [rule],
      );
    },
    onSignal(listener) {
      signalListeners.add(listener);
      return () => signalListeners.delete(listener);
    },
    onClose(listener) {
      if (closed !== undefined) listener(closed);
      else closeListeners.push(listener);
    },
    close() {
      finish("closed by us");
      try {
        bus.disconnect();
      } catch { /* already gone */ }
    },
  };
}

/**
 * Finds the accessibility bus address: `AT_SPI_BUS_ADDRESS` when set, else asks the session bus
 * (`DBUS_SESSION_BUS_ADDRESS` unless given) for `org.a11y.Bus.GetAddress`, but only once that
 * name has an owner: calling it earlier makes the session bus activate a second launcher.
 */
export async function findA11yBusAddress(
  opts: { sessionAddress?: string; env?: (name: string) => string | undefined } = {},
): Promise<string> {
  const env = opts.env ?? ((n: string) => Deno.env.get(n));
  const direct = env("AT_SPI_BUS_ADDRESS");
  if (direct) return direct;
  const session = opts.sessionAddress ?? env("DBUS_SESSION_BUS_ADDRESS");
  if (!session) {
    throw new UiError(
      "not_found",
      "no session bus: DBUS_SESSION_BUS_ADDRESS and AT_SPI_BUS_ADDRESS are both unset " +
        "(start one with dbus-daemon --session, or see docs/atspi.md)",
    );
  }
  const conn = await connectBus(session);
  try {
    const [owned] = await conn.call(
      "org.freedesktop.DBus",
      "/org/freedesktop/DBus",
      "org.freedesktop.DBus",
      "NameHasOwner",
      "s",
      [A11Y_BUS_NAME],
    );
    if (!owned) {
      throw new UiError(
        "not_found",
        "the accessibility bus is not running (no owner for org.a11y.Bus on the session bus): " +
          "start /usr/libexec/at-spi-bus-launcher --launch-immediately",
      );
    }
    const [address] = await conn.call(
      A11Y_BUS_NAME,
      "/org/a11y/bus",
      "org.a11y.Bus",
      "GetAddress",
    );
    return address as string;
  } finally {
    conn.close();
  }
}
