/**
 * Starts a private Xvfb for a test and ends it by the PID we started. Xvfb chooses a free display
 * itself (-displayfd), so parallel tests and a developer's own X server never collide.
 */

import { existsSync } from "node:fs";
import { endChild } from "./process.ts";
import { pollUntil } from "./poll.ts";

/** A running Xvfb that this process started. */
export interface Xvfb {
  /** The DISPLAY value, for example ":12". */
  display: string;
  /** PID of the Xvfb process we started. */
  pid: number;
  /** Ends our Xvfb (SIGTERM, then SIGKILL after 2 s) and waits for it. */
  stop(): Promise<void>;
}

/** Starts Xvfb and resolves once it accepts clients; rejects with Xvfb's output on failure. */
export async function startXvfb(
  opts: { screen?: string; deadlineMs?: number } = {},
): Promise<Xvfb> {
  const child = new Deno.Command("Xvfb", {
    args: ["-displayfd", "1", "-screen", "0", opts.screen ?? "1280x1024x24", "-nolisten", "tcp"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  const deadline = opts.deadlineMs ?? 15_000;
  let text = "";
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, deadline);
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
  const number = text.trim();
  if (!/^\d+$/.test(number)) {
    const err = await new Response(child.stderr).text().catch(() => "");
    throw new Error(`Xvfb did not start within ${deadline} ms: ${err.slice(-500)}`);
  }
  // Keep draining stderr so Xvfb never blocks on a full pipe.
  child.stderr.pipeTo(new WritableStream()).catch(() => {});
  child.stdout.cancel().catch(() => {});
  let stopped: Promise<void> | undefined;
  return {
    display: `:${number}`,
    pid: child.pid,
    stop() {
      stopped ??= endChild(child, 2000).then(() => {});
      return stopped;
    },
  };
}

/** The PID in display `n`'s lock file (`/tmp/.X<n>-lock`), or undefined when there is none. */
export async function displayLockPid(n: string): Promise<number | undefined> {
  const text = await Deno.readTextFile(`/tmp/.X${n}-lock`).catch(() => "");
  return Number(text) > 0 ? Number(text) : undefined;
}

/**
 * Whether X server `pid`, now ended, left display `n` clean: its socket is gone or answered by
 * a live server, and its lock file (if Xvfb writes one here) is gone or names another server.
 * Test files run side by side and Xvfb takes the first free display, so a neighbour may get the
 * display at once; only a socket nobody answers on, or our own lock, is left behind.
 */
export async function displayReleasedBy(n: string, pid: number): Promise<boolean> {
  const holder = await displayLockPid(n);
  if (holder === pid) return false;
  const socket = `/tmp/.X11-unix/X${n}`;
  // A neighbour's server may have bound the socket and not listen yet: a short grace.
  return await pollUntil(async () => {
    if (!existsSync(socket)) return true;
    try {
      (await Deno.connect({ transport: "unix", path: socket })).close();
      return true;
    } catch {
      return false;
    }
  }, { deadlineMs: 2_000, name: "grace", what: `display :${n} released` }).catch(() => false);
}
