/**
 * The one way tests wait for something that has no event to wait on: lib's `pollUntil` (a
 * condition re-checked on a backing-off interval, a named deadline in the error), and
 * `untilOk`, built on it, for an action that fails until something exists (a socket, a panel).
 */

import { DeadlineError, pollUntil } from "../../lib/util/deadline.ts";

export { DeadlineError, pollUntil };

/**
 * Retries `fn` while it throws an error `retry` accepts (all, by default), until it resolves;
 * at the deadline the error names the deadline, `what`, and the last failure.
 */
export async function untilOk<T>(
  fn: () => Promise<T>,
  opts: { deadlineMs: number; name?: string; what: string; retry?: (e: unknown) => boolean },
): Promise<T> {
  let last: unknown;
  try {
    return await pollUntil(async () => {
      try {
        return { value: await fn() };
      } catch (e) {
        if (opts.retry && !opts.retry(e)) throw e;
        last = e;
        return false;
      }
    }, { deadlineMs: opts.deadlineMs, name: opts.name ?? "deadlineMs", what: opts.what })
      .then((r) => r.value);
  } catch (e) {
    if (e instanceof DeadlineError) throw new Error(`${e.message} Last failure: ${last}`);
    throw e;
  }
}
