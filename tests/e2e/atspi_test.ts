/**
 * End to end with UI_DRIVER=atspi: the ATK bridge is loaded into the simulated Gateway's JVM,
 * ibg-pilot drives the login through AT-SPI over D-Bus (the agent only for what AT-SPI cannot
 * do), and READY still needs the API handshake. Asserted on the simulator's event log.
 */

import assert from "node:assert/strict";
import { runCli } from "../support/cli.ts";
import { find, SECRETS, withScenario } from "./harness.ts";

Deno.test("UI_DRIVER=atspi: paper + TOTP login to READY through AT-SPI", async () => {
  await withScenario({ a11y: true, env: { UI_DRIVER: "atspi" } }, async (run) => {
    await run.line(/UI channel: "?atspi"?/);
    await run.line(/-> "?ready"?/, 90_000);
    const ev = await run.events();
    assert.ok(find(ev, "toggle", { toggle: "Paper Trading", selected: true }));
    assert.equal(find(ev, "field-set", { field: "username" })?.value, SECRETS.user);
    assert.equal(find(ev, "field-set", { field: "password" })?.correct, true);
    assert.equal(find(ev, "field-set", { field: "2fa-code" })?.correct, true);
    assert.ok(ev.some((e) => e.event === "api-client"), "READY proven by a handshake");
    // The same Gateway, read over AT-SPI by `inspect --via atspi`.
    const pid = String(find(ev, "sim-start")?.pid);
    const r = await runCli(
      ["inspect", "--via", "atspi", "--pid", pid, "--json"],
      run.env,
      undefined,
      {
        extraUnixSockets: run.sockets,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const windows = JSON.parse(r.stdout) as { window: { title: string } }[];
    assert.ok(windows.some((w) => w.window.title === "IBKR Gateway"), r.stdout.slice(0, 400));
  });
});
