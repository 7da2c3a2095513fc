/**
 * The settings: one schema table (schema.ts), typed parsers (types.ts) and loading with
 * validation (load.ts). Import from here.
 */

export * from "./schema.ts";
export * from "./load.ts";
export { type Mode, MODES, modesOf, perMode } from "./modes.ts";
export type { ClockTime, Time12 } from "./types.ts";
