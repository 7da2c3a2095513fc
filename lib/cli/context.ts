/**
 * What every subcommand that needs settings does first: load and validate the configuration
 * (exit 2 with every problem listed), register secrets with the redactor, set up logging.
 */

import { ConfigError, loadConfig, type LoadedConfig, secretValues } from "../config/mod.ts";
import { addSecret, log, setupLogging } from "../log.ts";
import type { Config } from "../config/mod.ts";
import { EXIT, ExitError, usageError } from "./exit.ts";
import { disclaimerLabels } from "../dialogs/catalogue.ts";

/**
 * Entries of BYPASS_WARNING the catalogue never clicks (a bare OK, an empty entry). Checked here,
 * where configuration meets the catalogue, so that lib/config does not depend on lib/dialogs.
 */
function bypassWarnings(c: Config): string[] {
  const { refused } = disclaimerLabels(c.BYPASS_WARNING);
  return refused.length
    ? [
      `BYPASS_WARNING: ${
        refused.map((r) => JSON.stringify(r)).join(", ")
      } ignored: a bare OK (or an empty entry) would click OK on any dialog; list the disclaimer's own button text instead`,
    ]
    : [];
}

/** Loads the configuration from the process environment plus command-line overrides. */
export function loadForCommand(overrides: Record<string, string>): LoadedConfig {
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ env: Deno.env.toObject(), overrides });
  } catch (e) {
    if (e instanceof ConfigError) {
      throw new ExitError(
        EXIT.USAGE,
        `${e.message}\nNothing was started. Fix the variables above (see docs/configuration.md).`,
      );
    }
    throw e;
  }
  for (const s of secretValues(loaded.values)) addSecret(s);
  setupLogging({
    level: loaded.values.LOG_LEVEL,
    format: loaded.values.LOG_FORMAT,
  });
  loaded = { ...loaded, warnings: [...loaded.warnings, ...bypassWarnings(loaded.values)] };
  for (const w of loaded.warnings) log("config").warn(w);
  return loaded;
}

/**
 * Loads only the named settings from the environment: client commands (`send`, `health`) must
 * work where the controller's other settings (credentials) are absent or unreadable.
 */
export function loadClientSettings(keys: readonly string[]): Config {
  const env = Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([k]) => keys.includes(k)),
  );
  try {
    return loadConfig({ env }).values;
  } catch (e) {
    if (e instanceof ConfigError) throw usageError(e.message);
    throw e;
  }
}

/** `--timeout` in seconds (1-3600), or the default. */
export function timeoutSeconds(raw: string | undefined, defaultS: number): number {
  const s = raw === undefined ? defaultS : Number(raw);
  if (!(s > 0 && s <= 3600)) {
    throw usageError(`--timeout must be 1-3600 seconds, got ${JSON.stringify(raw)}`);
  }
  return s;
}
