/**
 * The settings: one schema table (schema.ts), typed parsers (types.ts) and loading with
 * validation (load.ts). Import from here.
 */

export { type Config, SCHEMA, SETTING_NAMES, settingDef, type SettingName } from "./schema.ts";
export {
  ConfigError,
  describeConfig,
  loadConfig,
  type LoadedConfig,
  secretValues,
} from "./load.ts";
export { type Mode, modesOf, perMode } from "./modes.ts";
