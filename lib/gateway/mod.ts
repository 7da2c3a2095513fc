/**
 * lib/gateway/: the Gateway install and its JVM. Discovery (install.ts, jre.ts, vmoptions.ts),
 * settings (jtsini.ts), the command line (command.ts), the child process and its stop ladder
 * (process.ts), the private runtime directory and sockets (runtime.ts), attaching to a running
 * JVM (attach.ts) and Gateway's own restart machinery (restart.ts). See docs/gateway-launch.md.
 */

export * from "./errors.ts";
export * from "./install.ts";
export * from "./jre.ts";
export * from "./vmoptions.ts";
export * from "./jtsini.ts";
export * from "./command.ts";
export * from "./process.ts";
export * from "./runtime.ts";
export * from "./attach.ts";
export * from "./restart.ts";
export * from "./launcher_log.ts";
export { canReadProc, isAlive, processExists, sendSignal } from "./signals.ts";
