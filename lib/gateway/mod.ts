/**
 * lib/gateway/: the Gateway install and its JVM. Discovery (install.ts, jre.ts, vmoptions.ts),
 * settings (jtsini.ts), the command line (command.ts), the child process and its stop ladder
 * (process.ts), the private runtime directory and sockets (runtime.ts), attaching to a running
 * JVM (attach.ts) and Gateway's own restart machinery (restart.ts). See docs/gateway-launch.md.
 */

export { GatewayError, isGatewayError } from "./errors.ts";
export {
  compareVersions,
  findInstall,
  installVersionOf,
  isVersionName,
  listInstalledVersions,
} from "./install.ts";
export { findJava, readJavaMajor } from "./jre.ts";
export { readVmOptions } from "./vmoptions.ts";
export { ensureJtsIni } from "./jtsini.ts";
export { buildJavaCommand, gatewayEnv } from "./command.ts";
export { type GatewayProcess, spawnGateway } from "./process.ts";
export { agentSocketPath, claimSocketPath, ensureRuntimeDir, socketAnswers } from "./runtime.ts";
export { disableInstall4jLaunchers, findAutorestartToken } from "./restart.ts";
export { launcherLogPath } from "./launcher_log.ts";
export { processExists } from "./signals.ts";
