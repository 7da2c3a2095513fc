/**
 * The few assertions the simulator's tests need. The project cannot reach JSR (sources.md lab),
 * so `@std/assert` is not available; these keep the messages equally useful.
 */

/** Throws with msg unless cond is truthy. */
export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

/** Deep equality through JSON (enough for the plain data these tests compare). */
export function assertEquals(actual: unknown, expected: unknown, msg?: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${msg ? msg + ": " : ""}expected ${e}, got ${a}`);
}

/** Throws unless the text matches the pattern. */
export function assertMatch(actual: string, re: RegExp, msg?: string): void {
  if (!re.test(actual)) {
    throw new Error(
      `${msg ? msg + ": " : ""}${JSON.stringify(actual.slice(0, 400))} does not match ${re}`,
    );
  }
}
