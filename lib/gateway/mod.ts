/**
 * lib/gateway/: the Gateway install and its JVM. Discovery (install.ts, jre.ts, vmoptions.ts),
 * settings (jtsini.ts), the command line (command.ts), the child process and its stop ladder
 * (process.ts), the private runtime directory and sockets (runtime.ts), attaching to a running
 * JVM (attach.ts) and Gateway's own restart machinery (restart.ts). See docs/gateway-launch.md.
 */

export { GatewayError, isGatewayError } from "./errors.ts";
export {
  compactVersion,
  compareVersions,
  findInstall,
  installVersionOf,
  isVersionName,
  listInstalledVersions,
  parseJxBrowserKey,
} from "./install.ts";
export { findJava, listI4jJres, parseJreCfg, readJavaMajor } from "./jre.ts";
export {
  parseVmOptions,
  propertyName,
  readVmOptions,
  withHeap,
  withoutProperties,
} from "./vmoptions.ts";
export {
  editJtsIni,
  ensureJtsIni,
  getIniValue,
  parseIni,
  serialiseIni,
  setIniValue,
} from "./jtsini.ts";
export { buildJavaCommand, formatCommand, gatewayEnv, MODULE_FLAGS } from "./command.ts";
export { type GatewayProcess, spawnGateway } from "./process.ts";
export {
  agentSocketPath,
  claimSocketPath,
  defaultRuntimeDir,
  ensureRuntimeDir,
  socketAnswers,
} from "./runtime.ts";
export {
  attachAgent,
  type AttachHelper,
  attachHelper,
  catchesSigquit,
  chooseGatewayJvm,
  classifyCmdline,
  encodeAttachRequest,
  findGatewayJvm,
  gatewayJvmsIn,
  javaMainClass,
  type JvmCandidate,
  listProcesses,
  parseAttachReply,
  parseCmdline,
  parseProcStatus,
  type ProcessInfo,
} from "./attach.ts";
export {
  DISABLED_SUFFIX,
  disableInstall4jLaunchers,
  findAutorestartToken,
  restoreInstall4jLaunchers,
} from "./restart.ts";
export { launcherLogPath } from "./launcher_log.ts";
export { isAlive, processExists } from "./signals.ts";
