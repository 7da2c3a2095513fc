/**
 * The one error type of lib/installer/: every failed download or install says what went wrong,
 * where, and the fix, with a stable code tests and the session can branch on.
 */

import { FixError } from "../util/errors.ts";

/** Stable codes of {@link InstallError}; add codes, never rename them. */
export type InstallErrorCode =
  | "CHANNEL_UNREADABLE"
  | "VERSION_UNAVAILABLE"
  | "VERSION_UNKNOWN"
  | "DOWNLOAD_FAILED"
  | "DOWNLOAD_STALLED"
  | "DOWNLOAD_TRUNCATED"
  | "CHECKSUM_MISMATCH"
  | "INSTALLER_FAILED"
  | "INSTALL_FAILED";

/** A failed install with a fix. `message` is the problem followed by `Fix: ...`. */
export class InstallError extends FixError<InstallErrorCode> {}
