/**
 * lib/installer/: installing IB Gateway from IBKR's channels (channel.ts), downloading with
 * progress and checks (download.ts, progress.ts), the safe install (install.ts) and what the
 * settings ask for (policy.ts). See docs/install.md.
 */

export { InstallError } from "./errors.ts";
export { installGateway } from "./install.ts";
export { installBeforeRun, installRequest } from "./policy.ts";
export { VersionHealth } from "./versions.ts";
export { startUpgrader } from "./upgrade.ts";
