/**
 * Which installed Gateway versions may run, across restarts: a version whose JVM twice in a row
 * ends before Gateway showed its login frame (or resumed a session) is rolled back, i.e. marked
 * bad in `<TWS_PATH>/ibgateway/.ibg-pilot-versions.json`, with ALERT_GATEWAY_ROLLBACK; discovery
 * then skips it and the newest other version runs, until the channel offers a newer build.
 * Only with PILOT_GATEWAY_INSTALL=upgrade and no TWS_MAJOR_VRSN (a pin is the user's choice).
 */

import { join } from "node:path";
import { listInstalledVersions, productRoot } from "../gateway/install.ts";
import { readTextOrUndefined } from "../util/fsutil.ts";
import { alert, log } from "../log.ts";

/** Failures before a version is rolled back. */
export const ROLLBACK_AFTER_FAILURES = 2;

interface Record {
  /** Versions rolled back, with when and why. */
  bad: { [version: string]: { at: string; reason: string } };
  /** Launches in a row that did not reach the login frame, per version. */
  failures: { [version: string]: number };
}

/** The record of one TWS_PATH. */
export class VersionHealth {
  readonly file: string;

  constructor(readonly twsPath: string, private readonly now: () => Date = () => new Date()) {
    this.file = join(productRoot(twsPath, "gateway"), ".ibg-pilot-versions.json");
  }

  #read(): Record {
    try {
      const r = JSON.parse(readTextOrUndefined(this.file) ?? "{}");
      return { bad: r.bad ?? {}, failures: r.failures ?? {} };
    } catch {
      return { bad: {}, failures: {} };
    }
  }

  #write(r: Record): void {
    const tmp = `${this.file}.tmp`;
    Deno.writeTextFileSync(tmp, JSON.stringify(r, null, 2) + "\n");
    Deno.renameSync(tmp, this.file);
  }

  /** Versions rolled back. */
  badVersions(): string[] {
    return Object.keys(this.#read().bad);
  }

  /** The version reached the login frame (or resumed): its failure count starts again. */
  reached(version: string): void {
    const r = this.#read();
    if (!r.failures[version]) return;
    delete r.failures[version];
    this.#write(r);
  }

  /**
   * A JVM of `version` ended before the login frame. The second time in a row, the version is
   * rolled back when another one is installed; returns the version that runs next, if changed.
   */
  failed(version: string, mode: string, reason: string): string | undefined {
    const r = this.#read();
    const n = (r.failures[version] ?? 0) + 1;
    r.failures[version] = n;
    if (n < ROLLBACK_AFTER_FAILURES || r.bad[version]) {
      this.#write(r);
      return undefined;
    }
    const others = listInstalledVersions(this.twsPath, "gateway")
      .filter((v) => v !== version && !r.bad[v]);
    if (others.length === 0) {
      this.#write(r);
      log("install", mode).warn(
        "Gateway {version} failed to reach its login frame {n} times in a row and no other " +
          "version is installed to go back to",
        { version, n },
      );
      return undefined;
    }
    r.bad[version] = { at: this.now().toISOString(), reason };
    delete r.failures[version];
    this.#write(r);
    alert("ALERT_GATEWAY_ROLLBACK", {
      mode,
      from: version,
      to: others[0],
      failures: n,
      reason,
      remediation: `Gateway ${version} is skipped until the channel offers a newer build; ` +
        `remove it from ${this.file} to try it again`,
    });
    return others[0];
  }
}

/** Session phases that mean Gateway showed its login frame or resumed a session. */
const REACHED = new Set(["login", "second-factor", "post-login", "configuring", "ready"]);
const STOPPING = new Set(["stopping", "stopped", "halted"]);

/**
 * Follows one session's launches for {@link VersionHealth}: `launched` with each JVM, `phase`
 * with each state change. A JVM that exits before a REACHED phase, while the session is not
 * stopping, is a failure of its version.
 */
export class VersionWatch {
  #current?: { version: string; reached: boolean };
  #stopping = false;

  constructor(private readonly health: VersionHealth, private readonly mode: string) {}

  /** A JVM of `version` started; resolves once its exit is accounted for. */
  launched(version: string, exited: Promise<unknown>): Promise<void> {
    const launch = { version, reached: false };
    this.#current = launch;
    return exited.then(() => {
      if (!launch.reached && !this.#stopping) {
        this.health.failed(version, this.mode, "the JVM ended before Gateway's login frame");
      }
    });
  }

  phase(state: string): void {
    if (STOPPING.has(state)) this.#stopping = true;
    const c = this.#current;
    if (c && !c.reached && REACHED.has(state)) {
      c.reached = true;
      this.health.reached(c.version);
    }
  }
}
