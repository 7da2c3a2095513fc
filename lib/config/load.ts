/**
 * Loading the effective configuration: defaults, then the environment (with `<NAME>_FILE` for
 * every secret, Docker-secrets style), then command-line overrides. Every problem is collected
 * and reported at once, each naming the variable, the offending value (redacted when secret)
 * and the expected form, so a user fixes a .env in one pass.
 */

import { type Config, SCHEMA, SETTING_NAMES, settingDef, type SettingName } from "./schema.ts";
import { readPeerSettings } from "./peers.ts";
import type { TotpKey } from "./types.ts";
import { errorLine, NamedError } from "../util/errors.ts";

/** Where a setting's effective value came from. */
export type Source = "default" | "env" | "file" | "flag";

/** One problem found while loading. */
export interface ConfigProblem {
  /** The variable (or flag) at fault. */
  name: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** Raised when the configuration has problems; `problems` lists all of them. */
export class ConfigError extends NamedError {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  ${p.name}: ${p.message}`).join("\n"),
    );
  }
}

/** The loaded configuration and the source of each value. */
export interface LoadedConfig {
  values: Config;
  sources: Partial<Record<SettingName, Source>>;
  /** Non-fatal notes (deprecated aliases, ignored variables). */
  warnings: string[];
}

/** Inputs of {@link loadConfig}; injected so tests need no real environment or files. */
export interface LoadInputs {
  env: Record<string, string | undefined>;
  /** `NAME=VALUE` overrides from the command line (never secrets). */
  overrides?: Record<string, string>;
  /** Reads a `_FILE` secret; defaults to Deno.readTextFileSync. */
  readFile?: (path: string) => string;
  /** Home directory for defaults like ~/Jts. */
  home?: string;
}

/** How a secret value is shown in messages. */
function shown(name: SettingName, raw: string): string {
  return settingDef(name).secret ? "(redacted)" : JSON.stringify(raw);
}

/**
 * Loads and validates the configuration. Throws {@link ConfigError} listing every problem.
 */
export function loadConfig(inputs: LoadInputs): LoadedConfig {
  const env = inputs.env;
  const readFile = inputs.readFile ?? ((p: string) => Deno.readTextFileSync(p));
  const problems: ConfigProblem[] = [];
  const problem = (name: string, message: string) => problems.push({ name, message });
  const warnings: string[] = [];
  const raw: Partial<Record<SettingName, { text: string; source: Source; alias?: string }>> = {};
  const get = (k: string) => {
    const v = env[k];
    return v === undefined || v === "" ? undefined : v;
  };

  for (const name of SETTING_NAMES) {
    const d = settingDef(name);
    const direct = get(name);
    const file = d.secret ? get(`${name}_FILE`) : undefined;
    if (!d.secret && get(`${name}_FILE`) !== undefined) {
      problem(
        `${name}_FILE`,
        `${name} is not a secret; set ${name} itself instead of ${name}_FILE`,
      );
    }
    if (direct !== undefined && file !== undefined) {
      problem(
        name,
        `both ${name} and ${name}_FILE are set; keep only one (${name}_FILE is preferred for secrets)`,
      );
      continue;
    }
    if (file !== undefined) {
      try {
        raw[name] = { text: readFile(file).replace(/\r?\n$/, ""), source: "file" };
      } catch (e) {
        const why = errorLine(e);
        problem(
          `${name}_FILE`,
          `cannot read ${JSON.stringify(file)} (${why}); point ${name}_FILE at a ` +
            (e instanceof Deno.errors.NotCapable
              // Outside the permission set's read list (docs/permissions.md).
              ? "file under /run/secrets, /home, /data or another readable root in " +
                "docs/permissions.md"
              : "readable file"),
        );
      }
      continue;
    }
    if (direct !== undefined) raw[name] = { text: direct, source: "env" };
  }

  // The gnzsnz image's, ibg-controller's and IBGA's names (peers.ts): aliases fill unset
  // settings; a set variable that is not honoured is one warning naming what to use.
  const peers = readPeerSettings(env);
  warnings.push(...peers.warnings);
  for (const [name, a] of peers.aliases) {
    raw[name] ??= { text: a.text, source: "env", alias: a.from };
  }

  // gnzsnz's undocumented alias: DUAL_MODE=yes means TRADING_MODE=both.
  if (/^(yes|true|1|on)$/i.test(get("DUAL_MODE") ?? "")) {
    if (raw.TRADING_MODE && raw.TRADING_MODE.text.toLowerCase() !== "both") {
      warnings.push("DUAL_MODE=yes overrides TRADING_MODE; remove one of them");
    }
    raw.TRADING_MODE = { text: "both", source: "env" };
  }

  for (const [key, value] of Object.entries(inputs.overrides ?? {})) {
    if (!(key in SCHEMA)) {
      problem(key, `unknown setting; see 'ibg-pilot config --help' for names`);
      continue;
    }
    const name = key as SettingName;
    if (settingDef(name).secret) {
      problem(
        name,
        `secrets are never taken from the command line (other users can read it); set ${name} or ${name}_FILE in the environment`,
      );
      continue;
    }
    raw[name] = { text: value, source: "flag" };
  }

  const values: Record<string, unknown> = {};
  const sources: Partial<Record<SettingName, Source>> = {};
  for (const name of SETTING_NAMES) {
    const d = settingDef(name);
    const r = raw[name];
    if (r === undefined) {
      if (d.default !== undefined) {
        values[name] = d.default;
        sources[name] = "default";
      }
      continue;
    }
    const parsed = d.type.parse(r.text);
    if (!parsed.ok) {
      const from = r.alias
        ? ` (from ${r.alias})`
        : r.source === "file"
        ? ` (from ${name}_FILE)`
        : r.source === "flag"
        ? " (from --set)"
        : "";
      problem(name, `${shown(name, r.text)}${from} is not valid; expected ${parsed.expected}`);
      continue;
    }
    values[name] = parsed.value;
    sources[name] = r.source;
  }

  // Computed defaults, in order (the settings directory follows TWS_PATH's).
  const defaultTo = (name: SettingName, value: unknown) => {
    if (values[name] !== undefined || value === undefined) return;
    values[name] = value;
    sources[name] = "default";
  };
  const home = inputs.home ?? env.HOME;
  defaultTo("TWS_PATH", home ? `${home}/Jts` : undefined);
  defaultTo("TWS_SETTINGS_PATH", values.TWS_PATH);
  defaultTo("TWS_SERVER_PAPER", values.TWS_SERVER);

  if (get("FIX") !== undefined && /^(yes|true|1|on)$/i.test(get("FIX")!)) {
    problem(
      "FIX",
      "FIX CTCI login is not supported by ibg-pilot; unset FIX (IB API login is used)",
    );
  }
  const totp = values.TWOFACTOR_CODE as TotpKey | undefined;
  const margin = values.PILOT_TOTP_MARGIN_SECONDS as number;
  if (totp && margin >= totp.period) {
    problem(
      "PILOT_TOTP_MARGIN_SECONDS",
      `${margin} s is not shorter than the ${totp.period} s period of TWOFACTOR_CODE's codes, so no code would ever be fresh enough; set it below ${totp.period}`,
    );
  }
  if (values.READ_ONLY_LOGIN && values.GATEWAY_OR_TWS !== "tws") {
    warnings.push("READ_ONLY_LOGIN=yes has no effect on IB Gateway (it has no read-only login)");
  }

  if (problems.length) throw new ConfigError(problems);
  return { values: values as Config, sources, warnings };
}

/** Every configured secret value (for the log redactor). */
export function secretValues(config: Config): string[] {
  const out: string[] = [];
  for (const name of SETTING_NAMES) {
    const v = config[name];
    if (!settingDef(name).secret || !v) continue;
    // A TOTP key is a secret through its base32 secret (in a URI too, which holds it).
    if (typeof v === "string") out.push(v);
    else if (typeof v === "object" && "secret" in v) out.push(v.secret);
  }
  return out;
}

/** The effective settings as printable rows, secrets shown as `***`. */
export function describeConfig(
  loaded: LoadedConfig,
): { name: SettingName; value: string | null; source: Source | null; secret: boolean }[] {
  return SETTING_NAMES.map((name) => {
    const d = settingDef(name);
    const v = loaded.values[name];
    return {
      name,
      value: v === undefined ? null : d.secret ? "***" : d.type.format(v),
      source: loaded.sources[name] ?? null,
      secret: Boolean(d.secret),
    };
  });
}
