/**
 * Logging for ibg-pilot: LogTape set up once, human text by default or JSON lines, one category
 * per module under `ibg-pilot`, and redaction in the sink pipeline so that no configured secret,
 * no live TOTP code and no IBKR account id ever reaches output, whatever a caller logs.
 *
 * `ALERT_*` tokens are a stable contract for operators (docs/observability.md): one helper,
 * {@link alert}, emits them as `ALERT_NAME key=value ...` with the same fields as structured
 * properties, and tells subscribers (metrics, /health) about them.
 */

import {
  configureSync,
  getJsonLinesFormatter,
  getLogger,
  getTextFormatter,
  type Logger,
  type LogLevel,
  type LogRecord,
  resetSync,
  type Sink,
  type TextFormatter,
} from "@logtape/logtape";
import { redactByPattern, type RedactionPattern } from "@logtape/redaction";

export type { Logger, LogLevel };

/** IBKR account ids: `U` or `DU` (and the `DF`/`DI` variants) followed by digits. */
export const ACCOUNT_ID_PATTERN: RedactionPattern = {
  pattern: /\b(D?[UFI])\d{5,10}\b/g,
  replacement: (_m: string, prefix: string) => `${prefix}[REDACTED]`,
};

/** What replaces a secret in output. */
export const REDACTED = "***";

/** The secrets registry: values that must never be printed. Codes are added while live. */
const secrets = new Map<string, number>(); // value -> expiry (epoch ms), Infinity for config

/**
 * Registers a value that must never reach output. `ttlMs` bounds short-lived values (TOTP
 * codes); configuration secrets live for the whole process. Values shorter than 4 characters
 * are refused because redacting them would shred unrelated output.
 */
export function addSecret(value: string | undefined, ttlMs = Infinity): void {
  if (!value || value.length < 4) return;
  secrets.set(value, ttlMs === Infinity ? Infinity : Date.now() + ttlMs);
  // Common transformations a secret takes on its way into a log line.
  const normalised = value.replace(/\s+/g, "").toUpperCase();
  if (normalised !== value && normalised.length >= 4) secrets.set(normalised, secrets.get(value)!);
}

/** Removes every registered secret (tests). */
export function clearSecrets(): void {
  secrets.clear();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces every registered secret in `text`, in raw and JSON-escaped form. */
export function redactSecrets(text: string): string {
  if (secrets.size === 0) return text;
  const now = Date.now();
  const live: string[] = [];
  for (const [value, expiry] of secrets) {
    if (expiry < now) secrets.delete(value);
    else {
      live.push(value);
      const json = JSON.stringify(value).slice(1, -1);
      if (json !== value) live.push(json);
    }
  }
  if (live.length === 0) return text;
  live.sort((a, b) => b.length - a.length);
  const re = new RegExp(live.map(escapeRegExp).join("|"), "g");
  return text.replace(re, REDACTED);
}

/** Wraps a formatter so its output passes through account-id and secret redaction. */
export function redactingFormatter(inner: TextFormatter): TextFormatter {
  const byPattern = redactByPattern(inner, [ACCOUNT_ID_PATTERN]);
  return (record: LogRecord) => redactSecrets(byPattern(record));
}

/** Options for {@link setupLogging}. */
export interface LogOptions {
  level: LogLevel;
  format: "text" | "json";
  /** Where formatted lines go; stderr by default (stdout stays clean for command output). */
  write?: (line: string) => void;
}

function stderrWriter(): (line: string) => void {
  const encoder = new TextEncoder();
  return (line) => {
    Deno.stderr.writeSync(encoder.encode(line));
  };
}

/** Configures LogTape for the whole process. Safe to call again (it resets first). */
export function setupLogging(options: LogOptions): void {
  const inner = options.format === "json"
    ? getJsonLinesFormatter({ properties: "flatten", categorySeparator: "." })
    : getTextFormatter({ timestamp: "date-time-tz", category: "." });
  const format = redactingFormatter(inner);
  const write = options.write ?? stderrWriter();
  const sink: Sink = (record) => write(format(record));
  resetSync();
  configureSync({
    sinks: { main: sink },
    loggers: [
      { category: ["ibg-pilot"], lowestLevel: options.level, sinks: ["main"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["main"] },
    ],
  });
}

/** The logger for one module: `log("session")` is category `ibg-pilot.session`. */
export function log(...category: string[]): Logger {
  return getLogger(["ibg-pilot", ...category]);
}

/** A field value of an ALERT line. */
export type AlertValue = string | number | boolean | null | undefined;

/** An emitted alert, as subscribers see it. */
export interface AlertEvent {
  token: `ALERT_${string}`;
  level: LogLevel;
  fields: Record<string, AlertValue>;
  at: number;
}

const alertListeners = new Set<(event: AlertEvent) => void>();

/** Subscribes to alerts (metrics, health); returns an unsubscribe function. */
export function onAlert(listener: (event: AlertEvent) => void): () => void {
  alertListeners.add(listener);
  return () => alertListeners.delete(listener);
}

/** Formats alert fields as `key=value`, double-quoting values with spaces or quotes. */
export function formatAlertFields(fields: Record<string, AlertValue>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      const s = v === null ? "none" : String(v);
      return /[\s"=]/.test(s) || s === "" ? `${k}=${JSON.stringify(s)}` : `${k}=${s}`;
    })
    .join(" ");
}

/**
 * Emits one `ALERT_*` line. The token and field names are a stable contract: add fields,
 * never rename them (docs/observability.md lists every token).
 */
export function alert(
  token: `ALERT_${string}`,
  fields: Record<string, AlertValue>,
  level: LogLevel = "error",
): void {
  const line = `${token} ${formatAlertFields(fields)}`.trim();
  const props: Record<string, unknown> = { alert: token };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) props[k] = v;
  getLogger(["ibg-pilot", "alert"]).emit(
    {
      level,
      message: [line],
      rawMessage: line,
      properties: props,
      timestamp: Date.now(),
    } as unknown as Parameters<Logger["emit"]>[0],
  );
  const event: AlertEvent = { token, level, fields, at: Date.now() };
  for (const listener of alertListeners) {
    try {
      listener(event);
    } catch { /* a broken subscriber must not break logging */ }
  }
}
