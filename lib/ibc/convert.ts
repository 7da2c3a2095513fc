/**
 * IBC config.ini -> ibg-pilot environment variables, driven by the table in mapping.ts: values
 * read as IBC reads them (trimmed, empty = unset, IBC's booleans), validated by the settings
 * schema, and printed as a .env file, `docker run -e` flags or a compose `environment:` block.
 * Every skipped or unknown line is reported with its line number.
 */

import { SETTING_NAMES, settingDef, type SettingName } from "../config/schema.ts";
import { closest } from "../cli/args.ts";
import { IBC_ROWS, ibcBool, isSecret } from "./mapping.ts";
import { parsePropertiesEntries, type PropertyEntry } from "./properties.ts";

/** Output formats. */
export type OutputFormat = "env" | "docker" | "compose";

/** The conversion's result. */
export interface Conversion {
  /** Environment variables in schema order. */
  vars: [SettingName, string][];
  /** Problems and ignored lines, each starting with `line N:` where there is a line. */
  warnings: string[];
  /** Information (secrets left out, defaults that differ from IBC's). */
  notes: string[];
}

/** Converts parsed config.ini entries. */
export function convertEntries(
  entries: PropertyEntry[],
  opts: { includeSecrets?: boolean } = {},
): Conversion {
  const warnings: string[] = [];
  const notes: string[] = [];
  const last = new Map<string, PropertyEntry>();
  for (const e of entries) {
    const prev = last.get(e.key);
    if (prev) {
      warnings.push(
        `line ${e.line}: ${e.key} repeats line ${prev.line}; the later one wins, as in IBC`,
      );
    }
    last.set(e.key, e);
  }
  const out = new Map<SettingName, { value: string; line: number }>();
  const known = [...IBC_ROWS.keys()];
  for (const e of last.values()) {
    const row = IBC_ROWS.get(e.key);
    if (!row) {
      const guess = closest(e.key, known);
      const hint = guess && guess.toLowerCase() === e.key.toLowerCase()
        ? ` (IBC reads keys case-sensitively: it ignored this line; did you mean ${guess}?)`
        : guess
        ? ` (did you mean ${guess}?)`
        : "";
      warnings.push(`line ${e.line}: unknown IBC setting ${e.key}; ignored${hint}`);
      continue;
    }
    const value = e.value.trim();
    if (value === "") continue; // IBC: an empty value is unset.
    if (row.status === "unsupported") {
      // "no", "manual" or "ignore" asks for nothing ibg-pilot lacks.
      if (ibcBool(value) === false || /^(manual|ignore)$/i.test(value)) continue;
      if (row.key === "FIXPassword") {
        warnings.push(`line ${e.line}: ${row.key} is not supported (${row.how})`);
      } else {
        warnings.push(`line ${e.line}: ${row.key}=${value} is not supported: ${row.how}`);
      }
      continue;
    }
    if (row.status === "not needed") {
      notes.push(`line ${e.line}: ${row.key} is not needed: ${row.how}`);
      continue;
    }
    const env = row.env!;
    if (
      row.key === "ExitAfterSecondFactorAuthenticationTimeout" &&
      (last.get("ReloginAfterSecondFactorAuthenticationTimeout")?.value.trim() ?? "") !== ""
    ) {
      notes.push(
        `line ${e.line}: ${row.key} ignored: ReloginAfterSecondFactorAuthenticationTimeout is set (as in IBC)`,
      );
      continue;
    }
    const c = row.convert ? row.convert(value) : { value };
    if ("skip" in c) {
      warnings.push(`line ${e.line}: ${row.key}: ${c.skip}; ${env} not set`);
      continue;
    }
    const def = settingDef(env);
    const parsed = def.type.parse(c.value);
    if (!parsed.ok) {
      const shown = isSecret(env) ? "(secret)" : JSON.stringify(value);
      warnings.push(
        `line ${e.line}: ${row.key}=${shown} is not valid for ${env} (expected ${parsed.expected}); not set`,
      );
      continue;
    }
    if (isSecret(env) && !opts.includeSecrets) {
      notes.push(
        `line ${e.line}: ${row.key} is a secret and was not copied; set ${env}_FILE (preferred) or ${env} yourself, or run with --include-secrets`,
      );
      continue;
    }
    const text = isSecret(env) ? c.value : def.type.format(parsed.value);
    out.set(env, { value: text, line: e.line });
  }
  // IBC's defaults that differ from ibg-pilot's, for keys the file does not set.
  for (const row of IBC_ROWS.values()) {
    if (!row.ibcDefault || !row.env || (last.get(row.key)?.value.trim() ?? "") !== "") continue;
    if (row.key === "BindAddress" && !out.has("CONTROLLER_COMMAND_SERVER_PORT")) continue;
    const ours = settingDef(row.env).default;
    notes.push(
      `${row.key} is not set: IBC used ${row.ibcDefault}, ibg-pilot's default for ${row.env} is ${
        ours === undefined ? "unset" : settingDef(row.env).type.format(ours)
      }; set ${row.env} to keep IBC's behaviour`,
    );
  }
  const vars: [SettingName, string][] = [];
  for (const name of SETTING_NAMES) {
    const v = out.get(name);
    if (v) vars.push([name, v.value]);
  }
  return { vars, warnings, notes };
}

/** Parses config.ini text and converts it. Throws PropertiesError for a malformed escape. */
export function convertIbcConfig(
  text: string,
  opts: { includeSecrets?: boolean } = {},
): Conversion {
  return convertEntries(parsePropertiesEntries(text), opts);
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]*$/;

function shellQuote(s: string): string {
  return SAFE.test(s) && s !== "" ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * A .env line (docker compose's .env rules): plain when safe, else single-quoted (literal), else
 * double-quoted with `\`, `"` and `$` escaped.
 */
function envValue(s: string): string {
  if (SAFE.test(s)) return s;
  if (!s.includes("'") && !/[\r\n]/.test(s)) return `'${s}'`;
  return `"${s.replace(/[\\"$]/g, (c) => "\\" + c).replace(/\n/g, "\\n").replace(/\r/g, "\\r")}"`;
}

/** YAML double-quoted scalar, with `$` doubled so compose does not interpolate it. */
function composeValue(s: string): string {
  const escaped = s.replace(/[\\"]/g, (c) => "\\" + c)
    .replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")
    .replace(/\$/g, "$$$$");
  return `"${escaped}"`;
}

/** Renders converted variables in one of the output formats. */
export function formatVars(vars: [string, string][], format: OutputFormat): string {
  if (format === "env") return vars.map(([k, v]) => `${k}=${envValue(v)}\n`).join("");
  if (format === "docker") {
    return vars.map(([k, v], i) =>
      `-e ${shellQuote(`${k}=${v}`)}${i < vars.length - 1 ? " \\" : ""}\n`
    ).join("");
  }
  if (vars.length === 0) return "environment: {}\n";
  return "environment:\n" + vars.map(([k, v]) => `  ${k}: ${composeValue(v)}\n`).join("");
}
