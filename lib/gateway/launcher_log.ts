/**
 * Gateway's `launcher.log` (in its settings directory) as a stream of login signals. It is the
 * only place IBKR's silent CCP timeout shows (sources.md peers A4): `AuthTimeoutMonitor-CCP:
 * Timeout!` with no `NS_AUTH_START` since the last `Authenticating` means the server never
 * answered. The tail follows the file with a file-system watch and can be drained on demand, so a
 * caller can make sure every line written before a UI event is seen before that event.
 */

import { dirname, join } from "node:path";

/** What a launcher.log line tells about the login. */
export type LauncherSignal =
  /** Gateway starts (or retries) an authentication attempt. */
  | "authenticating"
  /** The server answered: IBKR was reached (also before a bad-credentials refusal). */
  | "ns-auth-start"
  /** Gateway's 20 s CCP timer fired. */
  | "ccp-timeout"
  /** Authentication completed. */
  | "post-authenticate"
  /** Another login took this session over (COMPETE). */
  | "session-kicked";

const SIGNALS: [RegExp, LauncherSignal][] = [
  [/AuthTimeoutMonitor-CCP: Timeout!/, "ccp-timeout"],
  [/\bNS_AUTH_START\b/, "ns-auth-start"],
  [/\bPostAuthenticate\b/, "post-authenticate"],
  [/COMPETE: session kicked out|Disconnect all farms due to competing session/, "session-kicked"],
  [/ - Authenticating\s*$/, "authenticating"],
];

/** The signal of one line, if any. */
export function launcherSignal(line: string): LauncherSignal | undefined {
  for (const [re, signal] of SIGNALS) if (re.test(line)) return signal;
  return undefined;
}

/** The launcher.log of a settings directory. */
export function launcherLogPath(settingsDir: string): string {
  return join(settingsDir, "launcher.log");
}

/** Follows launcher.log from its end at the time of creation; lines written later are reported. */
export class LauncherLogTail {
  #path: string;
  #offset: number;
  #partial = "";
  #onSignal: (signal: LauncherSignal, line: string) => void;
  #watcher?: Deno.FsWatcher;
  #closed = false;

  constructor(path: string, onSignal: (signal: LauncherSignal, line: string) => void) {
    this.#path = path;
    this.#onSignal = onSignal;
    this.#offset = sizeOf(path);
    void this.#watch();
  }

  /** Reads and reports everything appended since the last read (synchronous: ordering). */
  drain(): void {
    if (this.#closed) return;
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(this.#path, { read: true });
    } catch {
      return; // not written yet
    }
    try {
      const size = file.statSync().size;
      // Gateway rolls its log over at start: a shorter file is a new one.
      if (size < this.#offset) {
        this.#offset = 0;
        this.#partial = "";
      }
      if (size === this.#offset) return;
      file.seekSync(this.#offset, Deno.SeekMode.Start);
      const buf = new Uint8Array(size - this.#offset);
      let got = 0;
      while (got < buf.length) {
        const n = file.readSync(buf.subarray(got));
        if (n === null || n === 0) break;
        got += n;
      }
      this.#offset += got;
      const text = this.#partial + new TextDecoder().decode(buf.subarray(0, got));
      const lines = text.split("\n");
      this.#partial = lines.pop() ?? "";
      for (const line of lines) {
        const signal = launcherSignal(line);
        if (signal) this.#onSignal(signal, line);
      }
    } finally {
      file.close();
    }
  }

  /** Stops following. */
  close(): void {
    this.#closed = true;
    try {
      this.#watcher?.close();
    } catch {
      // already closed
    }
  }

  async #watch() {
    try {
      this.#watcher = Deno.watchFs(dirname(this.#path), { recursive: false });
      if (this.#closed) return this.close();
      for await (const e of this.#watcher) {
        if (e.paths.some((p) => p === this.#path)) this.drain();
      }
    } catch {
      // The directory vanished or watching is not permitted: drain() on demand still works.
    }
  }
}

function sizeOf(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}
