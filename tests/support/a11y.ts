/**
 * Brings up a private accessibility stack for a test or the demo, on a display the caller owns:
 * a session bus (dbus-daemon, our child, on a path socket in a private 0700 runtime directory),
 * the a11y bus launcher (`at-spi-bus-launcher --launch-immediately`, which runs the a11y bus
 * daemon) and the registry daemon. Each is a child of this process and ended by the PID recorded
 * at start; nothing we did not start is ever signalled. Product code never starts buses.
 *
 * Order (sources.md lab): display, session bus, launcher, wait for an owner of org.a11y.Bus,
 * GetAddress, registry daemon, wait for org.a11y.atspi.Registry.
 */

import { existsSync } from "node:fs";
import { connectBus } from "../../lib/ui/atspi/dbus.ts";
import { pollUntil } from "./poll.ts";

/** A running private accessibility stack. */
export interface A11yStack {
  display: string;
  /** Private runtime directory (XDG_RUNTIME_DIR for the launcher and the JVM). */
  runtimeDir: string;
  sessionAddress: string;
  a11yAddress: string;
  /** Environment for a JVM (or pyatspi) that should join this stack. */
  env: Record<string, string>;
  /** PIDs we started, by role. */
  pids: { sessionBus: number; launcher: number; a11yBus?: number; registry: number };
  /** Ends everything we started (by PID), then removes the runtime directory. */
  stop(): Promise<void>;
}

async function firstLine(stream: ReadableStream<Uint8Array>, what: string, ms: number) {
  const reader = stream.getReader();
  let text = "";
  const timer = setTimeout(() => reader.cancel().catch(() => {}), ms);
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  const line = text.split("\n")[0].trim();
  if (!line) throw new Error(`${what}: printed nothing within ${ms} ms`);
  return line;
}

/** Waits until `name` has an owner on the bus at `address`, bounded by `ms`. */
export async function waitForName(address: string, name: string, ms: number): Promise<void> {
  const conn = await connectBus(address, { deadlineMs: ms });
  try {
    await pollUntil(async () => {
      const [owned] = await conn.call(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus",
        "NameHasOwner",
        "s",
        [name],
      );
      return Boolean(owned);
    }, { deadlineMs: ms, name: "ms", what: `an owner of ${name} on ${address}` });
  } finally {
    conn.close();
  }
}

function childrenOf(pid: number): number[] {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/)
      .filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function end(child: Deno.ChildProcess | undefined, pid: number | undefined) {
  if (child) {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    const t = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 2000);
    await child.status.catch(() => {});
    clearTimeout(t);
  } else if (pid) {
    // Only if it is still the a11y bus daemon we recorded (it normally ends with its launcher).
    let cmd = "";
    try {
      cmd = Deno.readTextFileSync(`/proc/${pid}/cmdline`);
    } catch { /* gone */ }
    if (cmd.includes("dbus-daemon") && cmd.includes("at-spi")) {
      try {
        Deno.kill(pid, "SIGTERM");
      } catch { /* gone */ }
      // Wait (bounded) until its parent, the launcher, has reaped it.
      await pollUntil(() => !existsSync(`/proc/${pid}`), {
        deadlineMs: 2000,
        name: "reap",
        what: `bus daemon ${pid} reaped`,
      }).catch(() => {});
    }
  }
}

/** Starts the stack on `display`; rejects (after cleaning up) when a piece does not come up. */
export async function startA11yStack(
  opts: { display: string; deadlineMs?: number },
): Promise<A11yStack> {
  const ms = opts.deadlineMs ?? 10_000;
  const runtimeDir = await Deno.makeTempDir({ prefix: "ibg-a11y-" });
  await Deno.chmod(runtimeDir, 0o700);
  const started: { child?: Deno.ChildProcess; pid?: number }[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await end(s.child, s.pid);
    await Deno.remove(runtimeDir, { recursive: true }).catch(() => {});
  };
  try {
    const bus = new Deno.Command("dbus-daemon", {
      args: ["--session", "--nofork", `--address=unix:path=${runtimeDir}/bus`, "--print-address=1"],
      stdout: "piped",
      stderr: "null",
      env: { XDG_RUNTIME_DIR: runtimeDir },
    }).spawn();
    started.push({ child: bus });
    const sessionAddress = await firstLine(bus.stdout, "dbus-daemon", ms);
    bus.stdout.cancel().catch(() => {});
    const baseEnv = {
      DISPLAY: opts.display,
      DBUS_SESSION_BUS_ADDRESS: sessionAddress,
      XDG_RUNTIME_DIR: runtimeDir,
    };
    const launcher = new Deno.Command("/usr/libexec/at-spi-bus-launcher", {
      args: ["--launch-immediately"],
      stdout: "null",
      stderr: "null",
      env: baseEnv,
    }).spawn();
    started.push({ child: launcher });
    await waitForName(sessionAddress, "org.a11y.Bus", ms);
    const conn = await connectBus(sessionAddress);
    let a11yAddress: string;
    try {
      const [address] = await conn.call(
        "org.a11y.Bus",
        "/org/a11y/bus",
        "org.a11y.Bus",
        "GetAddress",
      );
      a11yAddress = String(address);
    } finally {
      conn.close();
    }
    const a11yBus = childrenOf(launcher.pid)[0];
    const registry = new Deno.Command("/usr/libexec/at-spi2-registryd", {
      args: [],
      stdout: "null",
      stderr: "null",
      env: { ...baseEnv, AT_SPI_BUS_ADDRESS: a11yAddress },
    }).spawn();
    started.push({ child: registry });
    await waitForName(a11yAddress, "org.a11y.atspi.Registry", ms);
    // The launcher's bus daemon is the launcher's child: end it (by its PID) while the launcher
    // lives to reap it, so no zombie is re-parented to PID 1.
    started.splice(2, 0, { pid: a11yBus });
    return {
      display: opts.display,
      runtimeDir,
      sessionAddress,
      a11yAddress,
      env: { ...baseEnv, AT_SPI_BUS_ADDRESS: a11yAddress },
      pids: { sessionBus: bus.pid, launcher: launcher.pid, a11yBus, registry: registry.pid },
      stop: (() => {
        let done: Promise<void> | undefined;
        return () => (done ??= stopAll());
      })(),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
