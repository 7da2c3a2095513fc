/**
 * Setting types: how one raw string (from the environment, a `_FILE` or a flag) becomes a typed
 * value, and what the user is told when it cannot. Each type is a small object with a parser and
 * a human description of the expected form; the schema (schema.ts) is a table of these.
 */

import { isTimeZone } from "../util/wall_clock.ts";

/** Result of parsing one raw value. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

/** A setting type: parses raw text and describes its accepted form. */
export interface SettingType<T> {
  /** Short name shown in docs (`int`, `bool`, `enum`, ...). */
  readonly kind: string;
  /** What a valid value looks like, for docs and error messages. */
  readonly form: string;
  parse(raw: string): Parsed<T>;
  /** Canonical text of a value (docs, `config`, the IBC converter). */
  format(value: T): string;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

/** Free text; surrounding white space is trimmed. */
export const text: SettingType<string> = {
  kind: "string",
  form: "text",
  parse: (raw) => ok(raw.trim()),
  format: (v) => v,
};

/** A secret: kept verbatim (passwords may have edge spaces), never printed. */
export const secret: SettingType<string> = {
  kind: "secret",
  form: "text (secret)",
  parse: (raw) => ok(raw.replace(/\r?\n$/, "")),
  format: () => "***",
};

/** RFC 4648 base32 alphabet, no padding required. */
const BASE32 = /^[A-Z2-7]+=*$/;

/** Normalises a TOTP secret: spaces, dashes and case removed. */
export function normaliseBase32(raw: string): string {
  return raw.replace(/[\s-]+/g, "").toUpperCase();
}

/** A TOTP key: the shared secret (base32) and how codes are made from it. */
export interface TotpKey {
  secret: string;
  /** Seconds a code lasts. */
  period: number;
  digits: number;
  algorithm: "SHA1" | "SHA256" | "SHA512";
}

/** IBKR's Mobile Authenticator app codes (RFC 6238's defaults). */
export const IBKR_TOTP: Omit<TotpKey, "secret"> = { period: 30, digits: 6, algorithm: "SHA1" };

function base32Secret(raw: string): string | undefined {
  const s = normaliseBase32(raw);
  return s.length >= 16 && BASE32.test(s) ? s : undefined;
}

/**
 * An `otpauth://totp/LABEL?secret=...&period=...&digits=...&algorithm=...` URI (what the QR code
 * of the enrolment holds), read by the URI format's rules: missing parameters take RFC 6238's
 * defaults. Read with URL rather than otpauth's own parser, so that loading the configuration does
 * not load the TOTP library (it loads at the first code). The problem named never quotes the URI:
 * it holds the secret.
 */
function otpauthKey(raw: string): TotpKey | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "an otpauth:// URI that parses";
  }
  if (url.protocol !== "otpauth:" || url.host.toLowerCase() !== "totp") {
    return "an otpauth://totp/... URI (HOTP and other types are not IBKR's)";
  }
  const q = url.searchParams;
  const secret = base32Secret(q.get("secret") ?? "");
  if (!secret) return "an otpauth:// URI whose secret= is base32, at least 16 characters";
  const num = (name: string, dflt: number, min: number, max: number) => {
    const v = q.get(name);
    if (v === null) return dflt;
    return /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? Number(v) : undefined;
  };
  const period = num("period", IBKR_TOTP.period, 1, 300);
  const digits = num("digits", IBKR_TOTP.digits, 6, 8);
  const algorithm = (q.get("algorithm") ?? IBKR_TOTP.algorithm).toUpperCase();
  if (period === undefined) return "an otpauth:// URI whose period= is 1-300 seconds";
  if (digits === undefined) return "an otpauth:// URI whose digits= is 6, 7 or 8";
  if (algorithm !== "SHA1" && algorithm !== "SHA256" && algorithm !== "SHA512") {
    return "an otpauth:// URI whose algorithm= is SHA1, SHA256 or SHA512";
  }
  return { secret, period, digits, algorithm };
}

/**
 * The TOTP key of the Mobile Authenticator app method: the base32 secret as IBKR shows it when you
 * enrol (IBKR's code parameters), or the whole otpauth:// URI of its QR code.
 */
export const totpSecret: SettingType<TotpKey> = {
  kind: "secret",
  form:
    "base32 TOTP secret (letters A-Z and digits 2-7, at least 16; spaces and case ignored), or the otpauth://totp/... URI of its QR code",
  parse(raw) {
    const text = raw.trim();
    if (/^otpauth:/i.test(text)) {
      const key = otpauthKey(text);
      return typeof key === "string" ? bad(key) : ok(key);
    }
    const secret = base32Secret(text);
    return secret ? ok({ secret, ...IBKR_TOTP }) : bad(this.form);
  },
  format: () => "***",
};

/** An integer within an inclusive range. */
export function int(min: number, max: number, unit = "", kind = "int"): SettingType<number> {
  const form = kind === "port"
    ? `port ${min}-${max}`
    : `whole number ${min}-${max}${unit ? ` (${unit})` : ""}`;
  return {
    kind,
    form,
    parse(raw) {
      const s = raw.trim();
      if (!/^[+-]?\d+$/.test(s)) return bad(form);
      const n = Number(s);
      return n >= min && n <= max ? ok(n) : bad(form);
    },
    format: (v) => String(v),
  };
}

/** A TCP port, 1-65535. */
export const port: SettingType<number> = int(1, 65535, "", "port");

const TRUE_WORDS = ["yes", "true", "1", "on"];
const FALSE_WORDS = ["no", "false", "0", "off"];

/** A yes/no switch: yes/no, true/false, 1/0, on/off, any case. */
export const bool: SettingType<boolean> = {
  kind: "bool",
  form: "yes or no (also true/false, 1/0, on/off)",
  parse(raw) {
    const s = raw.trim().toLowerCase();
    if (TRUE_WORDS.includes(s)) return ok(true);
    if (FALSE_WORDS.includes(s)) return ok(false);
    return bad(this.form);
  },
  format: (v) => (v ? "yes" : "no"),
};

/** One of a fixed set of words, case-insensitive; the value is the lower-case word. */
export function oneOf<const T extends string>(...values: T[]): SettingType<T> {
  const form = `one of ${values.join(", ")}`;
  return {
    kind: "enum",
    form,
    parse(raw) {
      const s = raw.trim().toLowerCase() as T;
      return values.includes(s) ? ok(s) : bad(form);
    },
    format: (v) => v,
  };
}

/** A 24-hour clock time. */
export interface ClockTime {
  hour: number;
  minute: number;
}

/** `HH:MM` with both parts zero-padded (the 24-hour, 12-hour and range forms). */
function hhmm(hour: number, minute: number): string {
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

/** `HH:MM`, 24-hour clock. */
export const clock: SettingType<ClockTime> = {
  kind: "clock",
  form: "HH:MM, 24-hour clock (for example 23:45)",
  parse(raw) {
    const m = /^(\d{1,2}):(\d{2})$/.exec(raw.trim());
    if (!m) return bad(this.form);
    const hour = Number(m[1]), minute = Number(m[2]);
    return hour < 24 && minute < 60 ? ok({ hour, minute }) : bad(this.form);
  },
  format: (v) => hhmm(v.hour, v.minute),
};

/** A 12-hour clock time as Gateway's Lock and Exit panel takes it. */
export interface Time12 {
  /** 1-12 as typed into the `hh:mm` field. */
  hour: number;
  minute: number;
  period: "AM" | "PM";
}

/** `hh:mm AM|PM` (IBC's AutoLogoffTime / AutoRestartTime form). */
export const time12: SettingType<Time12> = {
  kind: "time12",
  form: "hh:mm AM or hh:mm PM (for example 11:45 PM)",
  parse(raw) {
    const m = /^(\d{1,2}):(\d{2})\s*([AaPp])\.?[Mm]\.?$/.exec(raw.trim());
    if (!m) return bad(this.form);
    const hour = Number(m[1]), minute = Number(m[2]);
    if (hour < 1 || hour > 12 || minute > 59) return bad(this.form);
    return ok({ hour, minute, period: m[3].toUpperCase() === "A" ? "AM" : "PM" });
  },
  format: (v) => `${hhmm(v.hour, v.minute)} ${v.period}`,
};

/** A daily wall-clock range `HH:MM-HH:MM` (may cross midnight), or `off`. */
export interface MinuteRange {
  startMinute: number;
  endMinute: number;
}

/** `HH:MM-HH:MM` in 24-hour time, or `off` (null). */
export const minuteRange: SettingType<MinuteRange | null> = {
  kind: "range",
  form: "HH:MM-HH:MM in 24-hour time (for example 23:30-00:30), or off",
  parse(raw) {
    const s = raw.trim().toLowerCase();
    if (s === "off" || s === "no" || s === "none") return ok(null);
    const m = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(s);
    if (!m) return bad(this.form);
    const [h1, m1, h2, m2] = m.slice(1).map(Number);
    if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) return bad(this.form);
    const startMinute = h1 * 60 + m1, endMinute = h2 * 60 + m2;
    if (startMinute === endMinute) return bad(this.form + "; start and end differ");
    return ok({ startMinute, endMinute });
  },
  format: (v) => {
    if (!v) return "off";
    const hm = (x: number) => hhmm(Math.floor(x / 60), x % 60);
    return `${hm(v.startMinute)}-${hm(v.endMinute)}`;
  },
};

/** A DNS host name or an IP address (no scheme, no port). */
export const host: SettingType<string> = {
  kind: "host",
  form: "host name or IP address (no scheme or port)",
  parse(raw) {
    const s = raw.trim();
    const hostname =
      /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
    const ipv6 = /^[0-9A-Fa-f:]+(%\w+)?$/;
    return hostname.test(s) || (s.includes(":") && ipv6.test(s)) ? ok(s) : bad(this.form);
  },
  format: (v) => v,
};

/** A file-system path; `~` at the start means the home directory. */
export const path: SettingType<string> = {
  kind: "path",
  form: "file-system path",
  parse(raw) {
    const s = raw.trim();
    if (s === "" || s.includes("\0")) return bad(this.form);
    if (s === "~" || s.startsWith("~/")) {
      const home = Deno.env.get("HOME");
      if (!home) return bad("path (~ needs HOME to be set; give an absolute path)");
      return ok(home + s.slice(1));
    }
    return ok(s);
  },
  format: (v) => v,
};

/** A list separated by commas or semicolons; empty items dropped, duplicates kept once. */
export function list<T = string>(
  item: SettingType<T> = text as unknown as SettingType<T>,
): SettingType<T[]> {
  const form = `comma-separated list of ${item.form}`;
  return {
    kind: "list",
    form,
    parse(raw) {
      const out: T[] = [];
      const seen = new Set<string>();
      for (const part of raw.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
        const r = item.parse(part);
        if (!r.ok) return bad(`${form}; "${part}" is not ${item.form}`);
        const key = item.format(r.value);
        if (!seen.has(key)) {
          seen.add(key);
          out.push(r.value);
        }
      }
      return ok(out);
    },
    format: (v) => v.map((x) => item.format(x)).join(","),
  };
}

/** An IANA time zone name (validated by the runtime's time zone data). */
export const timeZone: SettingType<string> = {
  kind: "timezone",
  form: "IANA time zone (for example America/New_York or Etc/UTC)",
  parse(raw) {
    const s = raw.trim();
    return isTimeZone(s) ? ok(s) : bad(this.form);
  },
  format: (v) => v,
};

/** An http(s) or file URL (installer downloads). */
export const url: SettingType<string> = {
  kind: "url",
  form: "URL (https://..., http://... or file:///...)",
  parse(raw) {
    const s = raw.trim();
    try {
      const u = new URL(s);
      return ["https:", "http:", "file:"].includes(u.protocol) ? ok(s) : bad(this.form);
    } catch {
      return bad(this.form);
    }
  },
  format: (v) => v,
};

/** A SHA-256 digest: 64 hex digits (as `sha256sum` prints; a trailing file name is dropped). */
export const sha256: SettingType<string> = {
  kind: "sha256",
  form: "64 hex digits (the first word of sha256sum's output)",
  parse(raw) {
    const s = raw.trim().split(/\s+/)[0].toLowerCase();
    return /^[0-9a-f]{64}$/.test(s) ? ok(s) : bad(this.form);
  },
  format: (v) => v,
};
