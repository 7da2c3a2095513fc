/**
 * Starts a private Xvfb for a test and ends it by the PID we started. Xvfb chooses a free display
 * itself (-displayfd), so parallel tests and a developer's own X server never collide.
 */

import { endChild } from "./process.ts";

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
