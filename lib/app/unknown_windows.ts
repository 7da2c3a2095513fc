/**
 * Evidence of windows the dialog catalogue does not know. The first time one shows (per redacted
 * title, dump.ts `unknownKey`) its redacted component tree (JSON) and a picture painted inside
 * Gateway's JVM by the agent (password and code fields painted empty) are written to
 * `<settings directory>/unknown-windows/` (0700, files 0600, the newest {@link EVIDENCE_KEEP}
 * kept); `ALERT_UNKNOWN_WINDOW` names both files and the metrics count it. The files are how a
 * new Gateway build is met: `ibg-pilot inspect --suggest-rule` turns them into rules.
 */

import { join } from "node:path";
import { type RedactedNode, redactText, redactTree } from "../dialogs/dump.ts";
import { normalise } from "../ui/text.ts";
import { alert, log } from "../log.ts";
import type { ComponentNode, UiPort, WindowInfo } from "../ui/port.ts";
import type { Mode } from "../config/mod.ts";
import { errorText } from "../util/errors.ts";

/** The folder under the settings directory. */
export const EVIDENCE_DIR = "unknown-windows";
/** How many windows' evidence is kept (the oldest go first). */
export const EVIDENCE_KEEP = 50;

/** What the JSON file holds. */
export interface EvidenceRecord {
  /** ISO time it was first seen. */
  at: string;
  mode: Mode;
  window: Omit<WindowInfo, "id" | "showing">;
  /** The picture's size (the window's), when one was painted. */
  size?: { width: number; height: number };
  /** The picture's file name in the same folder, when one was painted. */
  picture?: string;
  tree: RedactedNode;
}

/** A recorded unknown window: its files. */
export interface Recorded {
  json: string;
  png?: string;
}

/** Options of {@link UnknownWindowEvidence}. */
export interface EvidenceOptions {
  /** The folder (usually `<settings>/unknown-windows`). */
  dir: string;
  mode: Mode;
  /** Called once per recorded window (the metrics counter). */
  onRecorded?: () => void;
  now?: () => number;
  keep?: number;
}

/** Writes the evidence of unknown windows for one session. */
export class UnknownWindowEvidence {
  readonly #o: EvidenceOptions;
  readonly #log = log("dialogs");

  constructor(options: EvidenceOptions) {
    this.#o = options;
  }

  /**
   * Records one unknown window (the caller decides it is the first time): tree, picture when the
   * UI channel can paint, alert, count. Never throws: evidence must not disturb the session.
   */
  async record(
    window: WindowInfo,
    tree: ComponentNode,
    ui?: UiPort,
  ): Promise<Recorded | undefined> {
    try {
      return await this.#record(window, tree, ui);
    } catch (e) {
      this.#log.error("could not record the unknown window {title} in {dir}: {e}", {
        title: redactText(window.title),
        dir: this.#o.dir,
        e: errorText(e),
      });
      return undefined;
    }
  }

  async #record(window: WindowInfo, tree: ComponentNode, ui?: UiPort): Promise<Recorded> {
    const { dir, mode } = this.#o;
    const now = this.#o.now?.() ?? Date.now();
    const stem = await this.#stem(now, window);
    const out: Recorded = { json: join(dir, `${stem}.json`) };
    const record: EvidenceRecord = {
      at: new Date(now).toISOString(),
      mode,
      window: {
        title: redactText(window.title),
        className: window.className,
        kind: window.kind,
        modal: window.modal,
        toolkit: window.toolkit,
      },
      tree: redactTree(tree),
    };
    let pictureError: string | undefined;
    try {
      if (!ui?.paint) throw new Error(`the ${ui?.channel ?? "UI"} channel cannot paint windows`);
      const pic = await ui.paint(window.id);
      out.png = join(dir, `${stem}.png`);
      await writePrivate(out.png, pic.png);
      record.size = { width: pic.width, height: pic.height };
      record.picture = `${stem}.png`;
    } catch (e) {
      pictureError = errorText(e);
      out.png = undefined;
    }
    try {
      await writePrivate(out.json, new TextEncoder().encode(JSON.stringify(record, null, 2)));
      await this.#prune();
    } catch (e) {
      this.#log.error("could not write the evidence of an unknown window to {dir}: {e}", {
        dir,
        e: errorText(e),
      });
    }
    alert("ALERT_UNKNOWN_WINDOW", {
      mode,
      title: redactText(window.title),
      tree: out.json,
      picture: out.png ?? `none (${pictureError})`,
      suggested_action: "ibg-pilot inspect --suggest-rule, then PILOT_DIALOG_RULES",
    }, "warning");
    this.#o.onRecorded?.();
    return out;
  }

  /** A unique, sortable file stem: time, then the title as a slug. */
  async #stem(now: number, window: WindowInfo): Promise<string> {
    await Deno.mkdir(this.#o.dir, { recursive: true, mode: 0o700 });
    await Deno.chmod(this.#o.dir, 0o700);
    const time = new Date(now).toISOString().replace(/[-:]/g, "").replace(".", "-");
    const slug = normalise(redactText(window.title)).toLowerCase().replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "").slice(0, 40) || "untitled";
    for (let n = 0;; n++) {
      const stem = `${time}-${slug}${n ? `-${n}` : ""}`;
      try {
        await Deno.lstat(join(this.#o.dir, `${stem}.json`));
      } catch {
        return stem;
      }
    }
  }

  /** Keeps the newest windows' files (stems sort by time). */
  async #prune(): Promise<void> {
    const keep = this.#o.keep ?? EVIDENCE_KEEP;
    const stems = new Map<string, string[]>();
    for await (const e of Deno.readDir(this.#o.dir)) {
      const m = /^(.*)\.(json|png)$/.exec(e.name);
      if (!e.isFile || !m) continue;
      stems.set(m[1], [...(stems.get(m[1]) ?? []), e.name]);
    }
    const old = [...stems.keys()].sort().slice(0, Math.max(0, stems.size - keep));
    for (const stem of old) {
      for (const f of stems.get(stem)!) await Deno.remove(join(this.#o.dir, f)).catch(() => {});
    }
  }
}

async function writePrivate(path: string, data: Uint8Array): Promise<void> {
  await Deno.writeFile(path, data, { mode: 0o600 });
  await Deno.chmod(path, 0o600);
}

/** The evidence records in a folder, oldest first (unreadable files are skipped). */
export async function readEvidence(
  dir: string,
): Promise<{ file: string; record: EvidenceRecord }[]> {
  const out: { file: string; record: EvidenceRecord }[] = [];
  let names: string[];
  try {
    names = [];
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  for (const name of names.sort()) {
    try {
      const record = JSON.parse(await Deno.readTextFile(join(dir, name))) as EvidenceRecord;
      if (record?.window && record.tree) out.push({ file: join(dir, name), record });
    } catch {
      // a file someone edited or truncated: not evidence
    }
  }
  return out;
}
