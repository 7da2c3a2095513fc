/**
 * Waiting with named deadlines: a promise raced against a timer that is always cleared, and a
 * condition polled until it holds. Nothing sleeps to sequence steps: it waits for a
 * condition and gives up at a deadline whose name appears in the error.
 */

import { NamedError } from "./errors.ts";

/** Thrown when a named deadline passes. */
export class DeadlineError extends NamedError {
  /** The deadline's name, e.g. `ATTACH_SOCKET_DEADLINE_MS`. */
  readonly deadline: string;
  /** Its length. */
  readonly ms: number;

  /** Creates the error for deadline `name` of `ms` milliseconds. */
  constructor(name: string, ms: number, what: string) {
    super(`${what} did not happen within ${ms} ms (${name}).`);
    this.deadline = name;
    this.ms = ms;
  }
}

/**
 * Settles as `promise` does, or after `ms` as `onTimeout` does (its value, or what it throws);
 * the timer is always cleared.
 */
export async function raceTimer<T, U = never>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => U,
): Promise<T | U> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<U>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (e) {
        reject(e);
      }
    }, Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves `promise`'s value, or rejects with {@link DeadlineError} after `ms`. */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  name: string,
  what: string,
): Promise<T> {
  return raceTimer(promise, ms, () => {
    throw new DeadlineError(name, ms, what);
  });
}

/**
 * Resolves `true` when `promise` settles within `ms`, `false` otherwise (its outcome is
 * ignored; use for "did the process exit in time").
 */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return raceTimer(promise.then(() => true, () => true), ms, () => false);
}

/**
 * Polls `condition` until it returns a value other than undefined/false, starting at 5 ms and
 * backing off to `maxIntervalMs`; rejects with {@link DeadlineError} at the deadline. For things
 * that have no event to wait on (a file appearing in another process's /tmp, a /proc field).
 */
export async function pollUntil<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { deadlineMs: number; name: string; what: string; maxIntervalMs?: number },
): Promise<T> {
  const end = Date.now() + opts.deadlineMs;
  let interval = 5;
  while (true) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    const left = end - Date.now();
    if (left <= 0) throw new DeadlineError(opts.name, opts.deadlineMs, opts.what);
    await new Promise((r) => setTimeout(r, Math.min(interval, left)));
    interval = Math.min(interval * 2, opts.maxIntervalMs ?? 100);
  }
}
