/**
 * The AT-SPI channel's public face: the `UiPort` adapter over D-Bus, the JVM options for the ATK
 * bridge, `inspect --via atspi` and the doctor checks. See docs/atspi.md.
 */

export { AtspiPort, type AtspiPortOptions, openAtspiPort } from "./port.ts";
export { type AppInfo, AtspiClient, type Ref } from "./client.ts";
export {
  atkBridgeJavaOptions,
  type BridgeOptions,
  type BridgeUnavailable,
  NO_ASSISTIVE_TECHNOLOGIES,
} from "./bridge.ts";
export { atspiDoctor, type AtspiDoctorOptions, type CheckResult } from "./doctor.ts";
export { type AtspiInspection, inspectViaAtspi } from "./inspect.ts";
export {
  checkBusPermissions,
  findA11yBusAddress,
  permissionFlagsFor,
  socketPathOf,
} from "./dbus.ts";
