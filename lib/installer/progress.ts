/**
 * Download progress people can see: a redrawn bar on a terminal, and otherwise (a container log)
 * one line every few seconds, so a slow download is never silent and never floods the log.
 */

/** Receives the byte count as a download goes. */
export interface Progress {
  update(received: number, total: number | undefined): void;
  /** The download ended (successfully or not). */
  done(received: number, total: number | undefined): void;
}

/** Inputs of {@link progress}; injected so tests use a fake clock and capture output. */
export interface ProgressOptions {
  /** What is downloaded, e.g. the installer's file name. */
  label: string;
  /** True: draw a bar with `write`; false: `logLine` every `intervalMs`. */
  tty: boolean;
  /** Writes raw text to the terminal (the bar). */
  write: (text: string) => void;
  /** Logs one line (non-terminal output). */
  logLine: (line: string) => void;
  /** Milliseconds between log lines; default 5000. */
  intervalMs?: number;
  /** The clock; default Date.now. */
  now?: () => number;
}

const MIB = 1024 * 1024;

function amount(received: number, total: number | undefined): string {
  const r = (received / MIB).toFixed(1);
  if (!total) return `${r} MiB`;
  return `${r} of ${(total / MIB).toFixed(1)} MiB (${Math.floor((received / total) * 100)}%)`;
}

/** A progress reporter for one download. */
export function progress(opts: ProgressOptions): Progress {
  const now = opts.now ?? Date.now;
  const interval = opts.intervalMs ?? 5000;
  let last = now();
  let lastBar = -1;
  const bar = (received: number, total: number | undefined, end: boolean) => {
    const width = 30;
    const fraction = total ? Math.min(1, received / total) : 0;
    const filled = Math.round(fraction * width);
    opts.write(
      `\r${opts.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ` +
        `${amount(received, total)}${end ? "\n" : ""}`,
    );
  };
  return {
    update(received, total) {
      if (opts.tty) {
        // Redraw at most every 1/10 of the bar width of progress, or every second.
        const step = total ? Math.floor((received / total) * 100) : Math.floor(received / MIB);
        if (step !== lastBar || now() - last >= 1000) {
          lastBar = step;
          last = now();
          bar(received, total, false);
        }
        return;
      }
      if (now() - last >= interval) {
        last = now();
        opts.logLine(`downloading ${opts.label}: ${amount(received, total)}`);
      }
    },
    done(received, total) {
      if (opts.tty) bar(received, total, true);
      else opts.logLine(`downloaded ${opts.label}: ${amount(received, total)}`);
    },
  };
}
