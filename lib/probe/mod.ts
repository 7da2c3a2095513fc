/**
 * Readiness probe: the TWS API handshake (and optionally START_API) against Gateway's API port.
 * Import from here.
 */

export { probeApi } from "./handshake.ts";
