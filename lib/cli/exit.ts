/**
 * ibg-pilot's exit codes: a documented contract (docs/cli.md) that container restart policies
 * and scripts rely on.
 */

import { NamedError } from "../util/errors.ts";

/** Exit codes. */
export const EXIT = {
  /** Success; also a clean shutdown on SIGTERM, SIGINT or STOP. */
  OK: 0,
  /**
   * A runtime failure (Gateway could not be started or kept alive); for `health`, not ready or
   * unreachable (Docker's HEALTHCHECK treats 1 as unhealthy and reserves 2).
   */
  FAILURE: 1,
  /** Bad usage or configuration: nothing was started. */
  USAGE: 2,
  /** `send`: the command server answered "ERROR", or could not be reached. */
  NOT_OK: 4,
  /** Login did not complete after second factor (IBC's 1111, as its scripts see it). */
  TWOFA_TIMEOUT: 87,
} as const;

/** An error that ends the command with a given exit code and a message for the user. */
export class ExitError extends NamedError {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** A usage error (exit 2). */
export function usageError(message: string): ExitError {
  return new ExitError(EXIT.USAGE, message);
}
