/**
 * Minimal assertions for the agent tests (JSR's @std/assert is not reachable from the build
 * machines), with messages that show both sides.
 */

/** Throws unless `cond` is truthy. */
export function assert(cond: unknown, message = "assertion failed"): asserts cond {
  if (!cond) throw new Error(message);
}

function canon(x: unknown): string {
  return JSON.stringify(
    x,
    (_k, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
        : v,
  );
}

/** Deep equality through canonical JSON (enough for protocol values). */
export function assertEquals(actual: unknown, expected: unknown, message = ""): void {
  if (Object.is(actual, expected)) return;
  if (canon(actual) !== canon(expected)) {
    throw new Error(
      `${message ? message + ": " : ""}expected ${canon(expected)}, got ${canon(actual)}`,
    );
  }
}

/** Throws unless `text` matches `re`. */
export function assertMatch(text: string, re: RegExp, message = ""): void {
  if (!re.test(text)) throw new Error(`${message ? message + ": " : ""}"${text}" !~ ${re}`);
}

/** Resolves with the error `fn` rejects with; throws if it resolves or the check fails. */
export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  check: (e: E) => boolean,
  message = "",
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    if (!check(e as E)) {
      throw new Error(`${message ? message + ": " : ""}unexpected error ${String(e)}`);
    }
    return e as E;
  }
  throw new Error(`${message ? message + ": " : ""}expected a rejection`);
}
