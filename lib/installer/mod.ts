/**
 * lib/installer/: installing IB Gateway from IBKR's channels (channel.ts), downloading with
 * progress and checks (download.ts, progress.ts), the safe install (install.ts) and what the
 * settings ask for (policy.ts). See docs/install.md.
 */

export * from "./errors.ts";
export * from "./channel.ts";
export * from "./install.ts";
export * from "./policy.ts";
export * from "./versions.ts";
export * from "./upgrade.ts";
