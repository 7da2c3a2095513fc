/**
 * Starts ibg-pilot as a long-running process under its permission set (`deno run -P=controller`),
 * captures everything it prints to a file (for the secret scan), and lets tests wait for log
 * lines or send signals. Ends only the process it started.
 */

import { pilotArgs, ROOT } from "./cli.ts";
import { endChild, signalChild } from "./process.ts";

/** A running ibg-pilot this test started. */
export interface PilotProcess {
  pid: number;
  /** Everything printed so far (stdout then stderr interleaved by arrival). */
  output(): string;
  /** Resolves with the first output line matching `re`, or rejects after `deadlineMs`. */
  waitForLine(re: RegExp, deadlineMs: number): Promise<string>;
  /** Sends a signal. */
  signal(sig: Deno.Signal): void;
  /** Resolves with the exit status. */
  status: Promise<Deno.CommandStatus>;
  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<Deno.CommandStatus>;
}

/** Starts `ibg-pilot <args>` with exactly `env` (nothing inherited). */
export function startPilot(
  args: string[],
  env: Record<string, string>,
  opts: { extraUnixSockets?: string[]; logFile?: string } = {},
): PilotProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: pilotArgs(args, opts),
    cwd: ROOT,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  let pending = "";
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const onText = (chunk: string) => {
    text += chunk;
    if (opts.logFile) Deno.writeTextFileSync(opts.logFile, chunk, { append: true });
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const c of s) onText(dec.decode(c, { stream: true }));
  };
  const drained = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = child.status.then(async (s) => {
    await drained.catch(() => {});
    return s;
  });
  return {
    pid: child.pid,
    output: () => text,
    waitForLine(re, deadlineMs) {
      const already = text.split("\n").find((l) => re.test(l));
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const w = { re, resolve };
        waiters.push(w);
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(
            new Error(
              `no line matching ${re} within ${deadlineMs} ms; output tail:\n${text.slice(-3000)}`,
            ),
          );
        }, deadlineMs);
        status.then(() => {
          // The process ended: no more lines will come.
          setTimeout(() => {
            if (waiters.includes(w)) {
              clearTimeout(t);
              waiters.splice(waiters.indexOf(w), 1);
              reject(
                new Error(
                  `ibg-pilot exited before printing ${re}; output tail:\n${text.slice(-3000)}`,
                ),
              );
            }
          }, 50);
        });
        const orig = w.resolve;
        w.resolve = (l) => {
          clearTimeout(t);
          orig(l);
        };
      });
    },
    signal: (sig) => signalChild(child, sig),
    status,
    stop: (graceMs = 60_000) => endChild(child, graceMs, status),
  };
}
