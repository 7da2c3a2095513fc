/**
 * The one error type of lib/gateway/: every launcher failure says what was looked for, where, and
 * how to fix it, and carries a stable code so `doctor` and the session can branch on it without
 * parsing prose.
 */

import { FixError } from "../util/errors.ts";

/** Stable codes of {@link GatewayError}; add codes, never rename them. */
export type GatewayErrorCode =
  | "INSTALL_NOT_FOUND"
  | "INSTALL_INCOMPLETE"
  | "JRE_NOT_FOUND"
  | "VMOPTIONS_INVALID"
  | "JTS_INI_INVALID"
  | "COMMAND_INVALID"
  | "SPAWN_FAILED"
  | "JVM_EXITED_AT_START"
  | "JVM_START_TIMEOUT"
  | "JVM_UNKILLABLE"
  | "RUNTIME_DIR_INVALID"
  | "SOCKET_IN_USE"
  | "SOCKET_PATH_INVALID"
  | "PERMISSION_NEEDED"
  | "ATTACH_NO_JVM"
  | "ATTACH_AMBIGUOUS"
  | "ATTACH_OTHER_USER"
  | "ATTACH_REFUSED"
  | "ATTACH_TIMEOUT"
  | "ATTACH_FAILED";

/** A launcher failure with a fix. `message` is one paragraph: the problem, then `Fix: ...`. */
export class GatewayError extends FixError<GatewayErrorCode> {}

/** True when `e` is a {@link GatewayError}, optionally with the given code. */
export function isGatewayError(e: unknown, code?: GatewayErrorCode): e is GatewayError {
  return e instanceof GatewayError && (code === undefined || e.code === code);
}
