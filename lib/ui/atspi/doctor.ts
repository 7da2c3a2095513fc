/**
 * Owns `ibg-pilot doctor`'s accessibility-stack checks: the session bus, the accessibility bus,
 * the registry daemon, the ATK bridge jar and JNI library, and the Java accessibility properties.
 * Every check returns what it saw and, when it failed, the fix. Nothing is started or changed.
 */

import { UiError } from "../port.ts";
import { atkBridgeJavaOptions } from "./bridge.ts";
import { type BusConnection, connectBus, socketPathOf } from "./dbus.ts";
import { errorText } from "../../util/errors.ts";

/** One doctor check. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** How to fix it (empty when ok). */
  fix: string;
}

/** Where the doctor looks (defaults: this process's environment). */
export interface AtspiDoctorOptions {
  env?: (name: string) => string | undefined;
  /** The Java home Gateway runs with, for its `conf/accessibility.properties`. */
  javaHome?: string;
}

async function dbusCall(conn: BusConnection, member: string, args: unknown[] = []) {
  const [v] = await conn.call(
    "org.freedesktop.DBus",
    "/org/freedesktop/DBus",
    "org.freedesktop.DBus",
    member,
    args.length ? "s" : "",
    args,
  );
  return v;
}

/** Runs every accessibility-stack check; never throws. */
export async function atspiDoctor(opts: AtspiDoctorOptions = {}): Promise<CheckResult[]> {
  const env = opts.env ?? ((n: string) => Deno.env.get(n));
  const out: CheckResult[] = [];
  const check = (name: string, ok: boolean, detail: string, fix = "") =>
    out.push({ name, ok, detail, fix });
  // A permission error names its own fix (dbus.ts).
  const fixFor = (err: unknown, otherwise: string) =>
    err instanceof UiError && err.code === "permission"
      ? "grant the permissions named above"
      : otherwise;
  const startBus =
    "start a session bus (dbus-daemon --session --address=unix:path=$XDG_RUNTIME_DIR/bus " +
    "--print-address --fork) and export DBUS_SESSION_BUS_ADDRESS";

  // 1. Session bus (or a direct AT_SPI_BUS_ADDRESS, which makes it unnecessary).
  let a11yAddress = env("AT_SPI_BUS_ADDRESS");
  const session = env("DBUS_SESSION_BUS_ADDRESS");
  if (a11yAddress) {
    check("session bus", true, "not needed: AT_SPI_BUS_ADDRESS is set");
  } else if (!session) {
    check("session bus", false, "DBUS_SESSION_BUS_ADDRESS is unset", startBus);
  } else {
    let conn: BusConnection | undefined;
    try {
      conn = await connectBus(session);
      check("session bus", true, `connected to ${socketPathOf(session)}`);
      const owned = await dbusCall(conn, "NameHasOwner", ["org.a11y.Bus"]);
      if (!owned) {
        check(
          "a11y bus",
          false,
          "no owner for org.a11y.Bus on the session bus",
          "start /usr/libexec/at-spi-bus-launcher --launch-immediately (package at-spi2-core)",
        );
      } else {
        const [address] = await conn.call(
          "org.a11y.Bus",
          "/org/a11y/bus",
          "org.a11y.Bus",
          "GetAddress",
        );
        a11yAddress = String(address);
      }
    } catch (err) {
      check("session bus", false, errorText(err), fixFor(err, startBus));
    } finally {
      conn?.close();
    }
  }

  // 2. Accessibility bus and 3. the registry daemon on it.
  if (a11yAddress) {
    let conn: BusConnection | undefined;
    try {
      conn = await connectBus(a11yAddress);
      check("a11y bus", true, `connected to ${socketPathOf(a11yAddress)}`);
      const owned = await dbusCall(conn, "NameHasOwner", ["org.a11y.atspi.Registry"]);
      const activatable = owned ? [] : (await dbusCall(conn, "ListActivatableNames")) as string[];
      const activates = activatable.includes("org.a11y.atspi.Registry");
      check(
        "registry daemon",
        Boolean(owned) || activates,
        owned
          ? "org.a11y.atspi.Registry is running"
          : activates
          ? "not running; the a11y bus will activate it on first use"
          : "org.a11y.atspi.Registry is neither running nor activatable",
        owned || activates ? "" : "start /usr/libexec/at-spi2-registryd (package at-spi2-core)",
      );
    } catch (err) {
      check(
        "a11y bus",
        false,
        errorText(err),
        fixFor(err, "restart /usr/libexec/at-spi-bus-launcher --launch-immediately"),
      );
    } finally {
      conn?.close();
    }
  }

  // 4./5. The bridge jar and its JNI library.
  const bridge = atkBridgeJavaOptions();
  if (bridge.ok) check("ATK bridge", true, `${bridge.classpath[0]} and ${bridge.library}`);
  else check("ATK bridge", false, bridge.error, bridge.fix);

  // 6. Java accessibility properties: a JRE-wide assistive_technologies loads the bridge into
  // every JVM (the deadlock risk) unless our launcher overrides it on the command line.
  const javaHome = opts.javaHome ?? env("JAVA_HOME");
  const home = env("HOME");
  const files = [
    ...(javaHome
      ? [`${javaHome}/conf/accessibility.properties`, `${javaHome}/lib/accessibility.properties`]
      : []),
    ...(home ? [`${home}/.accessibility.properties`] : []),
  ];
  const enabledIn: string[] = [];
  for (const f of files) {
    try {
      const text = Deno.readTextFileSync(f);
      if (/^\s*assistive_technologies\s*=\s*\S/m.test(text)) enabledIn.push(f);
    } catch { /* absent */ }
  }
  check(
    "Java accessibility properties",
    enabledIn.length === 0,
    enabledIn.length
      ? `assistive_technologies is enabled globally in ${enabledIn.join(", ")}`
      : `no global assistive_technologies (${
        files.length ? "checked " + files.join(", ") : "JAVA_HOME unset"
      }); ibg-pilot passes the bridge on the command line only when UI_DRIVER chooses AT-SPI`,
    enabledIn.length
      ? "comment out assistive_technologies there: a JRE-wide bridge has deadlocked Gateway's login (docs/atspi.md)"
      : "",
  );
  return out;
}
