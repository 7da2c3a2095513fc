/**
 * End to end: PILOT_GATEWAY_INSTALL=missing with an empty TWS_PATH downloads the channel's build
 * from a local stand-in for IBKR's host, installs it, launches it and reaches READY.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { listInstalledVersions } from "../../lib/gateway/install.ts";
import { simPayload, startChannelServer } from "../installer/channel_server.ts";
import { withScenario } from "./harness.ts";

const READY = /-> "?ready"?/;

Deno.test("PILOT_GATEWAY_INSTALL=missing: an empty TWS_PATH is installed, then READY", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ibgp-e2e-install-" });
  const server = startChannelServer({
    latest: { version: "10.50.1d", payload: await simPayload(join(dir, "payload"), "10.50.1d") },
  });
  const twsPath = join(dir, "Jts");
  try {
    await withScenario({
      env: {
        TWS_PATH: twsPath,
        PILOT_GATEWAY_INSTALL: "missing",
        PILOT_GATEWAY_CHANNEL: "latest",
        PILOT_GATEWAY_DOWNLOAD_URL: server.base,
      },
    }, async (run) => {
      await run.line(/installed IB Gateway 10\.50\.1d in /);
      await run.line(READY);
      assert.deepEqual(listInstalledVersions(twsPath, "gateway"), ["10.50.1d"]);
      assert.match(run.pilot.output(), new RegExp(`${twsPath}/ibgateway/10\\.50\\.1d`));
    });
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
