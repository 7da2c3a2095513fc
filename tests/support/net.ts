/** Network helpers for tests and the demo. */

// Below Linux's ephemeral range (32768-60999 by default): a port the kernel hands out with port 0
// is also where it picks the local ports of outgoing connections, so with test files running side
// by side another file's connection could take it between this check and the bind that uses it
// (seen: x11vnc "Address already in use" in the console e2e on a loaded machine).
const FIRST = 20_000;
const SPAN = 12_000;

/** A TCP port on 127.0.0.1 that was free a moment ago, outside the kernel's ephemeral range. */
export function freePort(): number {
  for (let tries = 0; tries < 200; tries++) {
    const port = FIRST + Math.floor(Math.random() * SPAN);
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch (e) {
      if (!(e instanceof Deno.errors.AddrInUse)) throw e;
    }
  }
  throw new Error(`no free TCP port in ${FIRST}-${FIRST + SPAN - 1} after 200 tries`);
}
