/**
 * lib/app/: the composition root of `ibg-pilot run`. The only place that names every part: it
 * builds the Gateway hosts (launched or attached), the UI adapters, the container support and the
 * servers, and hands each session's shell (lib/session) only what it needs.
 */

export { type AttachRequest, runPilot } from "./run.ts";
export { prepareGatewayFiles } from "./gateway_files.ts";
