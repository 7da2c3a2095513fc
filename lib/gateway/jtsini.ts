/**
 * `jts.ini` in Gateway's settings directory: the keys ibg-pilot owns (language, API-only mode,
 * trusted IPs, time zone, the IBKR server host) are set; every other line (unknown keys, unknown
 * sections, comments, blank lines, order, line endings) is kept byte for byte.
 *
 * Pure functions parse, edit and serialise the text; {@link ensureJtsIni} is the only one that
 * touches the disk, and it writes atomically (temp file in the same directory, then rename) so a
 * crash never leaves Gateway a half-written file.
 */

import { join } from "node:path";
import { GatewayError } from "./errors.ts";
import type { Product } from "./install.ts";

/** One line of an ini file, with its role. */
export interface IniLine {
  /** The line exactly as read, without its line ending. */
  raw: string;
  /** `section` for `[Name]`, `entry` for `key=value`, `other` for comments, blanks and junk. */
  kind: "section" | "entry" | "other";
  /** The section the line belongs to (the header's own name for `section` lines; "" before any). */
  section: string;
  /** The key of an `entry`, trimmed. */
  key?: string;
  /** The value of an `entry`: everything after the first `=`, trimmed. */
  value?: string;
}

/** A parsed ini file that serialises back to the same text. */
export interface IniDoc {
  lines: IniLine[];
  /** The line ending the file uses (kept on write). */
  eol: "\n" | "\r\n";
  /** Whether the text ended with a line ending. */
  finalNewline: boolean;
}

/** Parses ini text, keeping every line. */
export function parseIni(text: string): IniDoc {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const finalNewline = text === "" || text.endsWith("\n");
  const rawLines = text.split(/\r?\n/);
  if (finalNewline) rawLines.pop();
  let section = "";
  const lines = rawLines.map((raw): IniLine => {
    const header = raw.match(/^\s*\[([^\]]*)\]\s*$/);
    if (header) {
      section = header[1].trim();
      return { raw, kind: "section", section };
    }
    const trimmed = raw.trim();
    const eq = raw.indexOf("=");
    if (eq > 0 && !trimmed.startsWith("#") && !trimmed.startsWith(";")) {
      const key = raw.slice(0, eq).trim();
      if (key !== "") return { raw, kind: "entry", section, key, value: raw.slice(eq + 1).trim() };
    }
    return { raw, kind: "other", section };
  });
  return { lines, eol, finalNewline };
}

/** Serialises a document back to text. */
export function serialiseIni(doc: IniDoc): string {
  if (doc.lines.length === 0) return "";
  return doc.lines.map((l) => l.raw).join(doc.eol) + (doc.finalNewline ? doc.eol : "");
}

/** The value of `key` in `section` (first occurrence), or undefined. */
export function getIniValue(doc: IniDoc, section: string, key: string): string | undefined {
  return doc.lines.find((l) => l.kind === "entry" && l.section === section && l.key === key)
    ?.value;
}

/**
 * Sets `key=value` in `section`: every existing occurrence is rewritten; a missing key is added
 * after the section's last entry; a missing section is appended at the end. Returns a new doc.
 */
export function setIniValue(doc: IniDoc, section: string, key: string, value: string): IniDoc {
  const line = (): IniLine => ({ raw: `${key}=${value}`, kind: "entry", section, key, value });
  let found = false;
  const lines = doc.lines.map((l) => {
    if (l.kind === "entry" && l.section === section && l.key === key) {
      found = true;
      return l.value === value ? l : line();
    }
    return l;
  });
  if (found) return { ...doc, lines };

  // Insert after the last entry (or the header) of the last block of this section.
  let at = -1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].section !== section) continue;
    if (lines[i].kind === "section" || lines[i].kind === "entry") at = i;
  }
  if (at >= 0) {
    return { ...doc, lines: [...lines.slice(0, at + 1), line(), ...lines.slice(at + 1)] };
  }

  const appended = [...lines];
  const last = appended[appended.length - 1];
  if (last && last.raw.trim() !== "") {
    appended.push({ raw: "", kind: "other", section: last.section });
  }
  appended.push({ raw: `[${section}]`, kind: "section", section }, line());
  return { ...doc, lines: appended, finalNewline: true };
}

/** One key the launcher owns. */
export interface JtsIniEdit {
  section: string;
  key: string;
  value: string;
  /** `always` forces the value; `if-missing` only adds the key when absent. */
  when: "always" | "if-missing";
  /** An existing value for which the edit is skipped (e.g. a cache line for the same host). */
  keep?: (current: string) => boolean;
}

/** What ibg-pilot wants in jts.ini; values come from the settings (TIME_ZONE, TWS_SERVER, ...). */
export interface JtsIniOptions {
  /** Which product runs; TrustedIPs is a Gateway setting (as in IBC). Default `gateway`. */
  product?: Product;
  /** Picks the server: live uses `server`, paper uses `serverPaper` (falling back to `server`). */
  tradingMode: "live" | "paper";
  /** TIME_ZONE, e.g. `America/New_York`, written as [Logon] TimeZone. */
  timeZone?: string;
  /** Extra trusted API client IPs (TrustedTwsApiClientIPs); 127.0.0.1 is always first. */
  trustedIps?: string[];
  /** TWS_SERVER: IBKR login host for live, e.g. `ndc1.ibllc.com`. */
  server?: string;
  /** TWS_SERVER_PAPER: IBKR login host for paper. */
  serverPaper?: string;
  /** [Communication] Region, e.g. `usr`; only written when given. */
  region?: string;
  /** Today's date for the SupportsSSL cache line (tests pass a fixed date). */
  today?: Date;
}

const SAFE_HOST = /^[A-Za-z0-9._-]+$/;
const SAFE_TZ = /^[A-Za-z0-9_+\-\/]+$/;
const SAFE_IP = /^[0-9A-Fa-f.:\/]+$/;
const SAFE_REGION = /^[A-Za-z0-9_-]+$/;

function invalid(what: string, value: string, fix: string): GatewayError {
  return new GatewayError(
    "JTS_INI_INVALID",
    `${what} ${JSON.stringify(value)} cannot be written to jts.ini.`,
    fix,
  );
}

/** `YYYYMMDD` of a date in UTC. */
function yyyymmdd(d: Date): string {
  return d.toISOString().slice(0, 10).replaceAll("-", "");
}

/**
 * The edits that bring jts.ini to what ibg-pilot needs. Values are validated first: a value with
 * a line break or stray characters could inject keys, so it is refused with the fix.
 */
export function jtsIniEdits(opts: JtsIniOptions): JtsIniEdit[] {
  const product = opts.product ?? "gateway";
  const server = opts.tradingMode === "paper" ? (opts.serverPaper || opts.server) : opts.server;
  if (server !== undefined && server !== "" && !SAFE_HOST.test(server)) {
    throw invalid(
      opts.tradingMode === "paper" && opts.serverPaper ? "TWS_SERVER_PAPER" : "TWS_SERVER",
      server,
      "set it to a bare host name such as ndc1.ibllc.com (no port, scheme or spaces).",
    );
  }
  if (opts.timeZone && !SAFE_TZ.test(opts.timeZone)) {
    throw invalid("TIME_ZONE", opts.timeZone, "set it to a tz database name such as Etc/UTC.");
  }
  for (const ip of opts.trustedIps ?? []) {
    if (!SAFE_IP.test(ip)) {
      throw invalid("Trusted IP", ip, "list IPv4/IPv6 addresses separated by commas.");
    }
  }
  if (opts.region && !SAFE_REGION.test(opts.region)) {
    throw invalid("Region", opts.region, "set it to a region code such as usr.");
  }

  const edits: JtsIniEdit[] = [];
  const set = (
    section: string,
    key: string,
    value: string,
    when: JtsIniEdit["when"] = "always",
    keep?: JtsIniEdit["keep"],
  ) => edits.push({ section, key, value, when, keep });
  set("Logon", "s3store", "true", "if-missing");
  set("Logon", "Locale", "en");
  set("Logon", "displayedproxymsg", "1");
  set("Logon", "UseSSL", "true");
  if (opts.timeZone) set("Logon", "TimeZone", opts.timeZone);
  if (server) {
    // Gateway caches the SSL capability of its login host; a cold start without this line for
    // the chosen host can time out (sources.md peers A8). An existing line for the same host is kept.
    const cached = `${server}:4000,true,${yyyymmdd(opts.today ?? new Date())},false`;
    set("Logon", "SupportsSSL", cached, "always", (v) => v.startsWith(`${server}:4000,`));
  }
  set("IBGateway", "ApiOnly", "true");
  if (product === "gateway") {
    set("IBGateway", "TrustedIPs", [...new Set(["127.0.0.1", ...opts.trustedIps ?? []])].join(","));
  }
  set("IBGateway", "WriteDebug", "false", "if-missing");
  // Deliberately no RemoteHostOrderRouting: auth and order routing can be different regional
  // hosts, and pinning it to Peer caused a "No Internet connection" loop (sources.md peers A3).
  if (server) set("Communication", "Peer", `${server}:4001`);
  if (opts.region) set("Communication", "Region", opts.region);
  return edits;
}

/** Applies edits to a document; returns the new document and the `Section.key` names changed. */
export function applyJtsIniEdits(
  doc: IniDoc,
  edits: readonly JtsIniEdit[],
): { doc: IniDoc; changed: string[] } {
  const changed: string[] = [];
  let out = doc;
  for (const edit of edits) {
    const current = getIniValue(out, edit.section, edit.key);
    if (current !== undefined && edit.when === "if-missing") continue;
    if (current !== undefined && edit.keep?.(current)) continue;
    const next = setIniValue(out, edit.section, edit.key, edit.value);
    if (serialiseIni(next) !== serialiseIni(out)) changed.push(`${edit.section}.${edit.key}`);
    out = next;
  }
  return { doc: out, changed };
}

/**
 * Edits jts.ini text (`undefined` for a missing file) to carry the launcher's keys; returns the
 * new text and what changed.
 */
export function editJtsIni(
  text: string | undefined,
  opts: JtsIniOptions,
): { text: string; changed: string[] } {
  const { doc, changed } = applyJtsIniEdits(parseIni(text ?? ""), jtsIniEdits(opts));
  return { text: serialiseIni(doc), changed };
}

/** The result of {@link ensureJtsIni}. */
export interface JtsIniResult {
  /** The file's path. */
  path: string;
  /** True when the file did not exist. */
  created: boolean;
  /** `Section.key` names whose values were written (empty: the file was left untouched). */
  changed: string[];
}

/**
 * Makes `<settingsDir>/jts.ini` carry the launcher's keys, creating the settings directory
 * (0700: Gateway keeps encrypted credentials there) and the file when missing. Leaves the file
 * alone when nothing changes; otherwise writes a temp file in the same directory with the old
 * file's mode and renames it over the original.
 */
export async function ensureJtsIni(
  settingsDir: string,
  opts: JtsIniOptions,
): Promise<JtsIniResult> {
  const path = join(settingsDir, "jts.ini");
  const fail = (what: string, e: unknown) =>
    new GatewayError(
      "JTS_INI_INVALID",
      `Cannot ${what} ${path}: ${(e as Error).message}.`,
      `make the settings directory ${settingsDir} writable by this user (TWS_SETTINGS_PATH).`,
      { cause: e },
    );
  try {
    await Deno.mkdir(settingsDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw fail("create the directory of", e);
  }
  let text: string | undefined;
  let mode = 0o600;
  try {
    const st = await Deno.stat(path);
    if (!st.isFile) throw new Error("it is not a regular file");
    mode = (st.mode ?? mode) & 0o777;
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw fail("read", e);
  }
  const edited = editJtsIni(text, opts);
  if (text !== undefined && edited.changed.length === 0) {
    return { path, created: false, changed: [] };
  }
  const tmp = join(settingsDir, `.jts.ini.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    await Deno.writeTextFile(tmp, edited.text, { mode, createNew: true });
    await Deno.chmod(tmp, mode); // the umask may have narrowed the create mode
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw fail("write", e);
  }
  return { path, created: text === undefined, changed: edited.changed };
}
