/**
 * End to end: Gateway 10.47+ opens the second-factor dialog on the IB Key push screen (IBGA pull
 * request #33). With a TOTP secret ibg-pilot follows its `Change security device` link, in both
 * forms the simulator models (a link-styled button; a label with an HTML anchor and only a mouse
 * listener), to the device list and the code form. Without a secret it waits for the push.
 */

import assert from "node:assert/strict";
import { find, withScenario } from "./harness.ts";

const READY = /-> "?ready"?/;
const pushFirst = (link: "button" | "label", extra: Record<string, unknown> = {}) => ({
  twofa: { kind: "push-first", link, approveAfterMs: null, ...extra },
});

for (const link of ["label", "button"] as const) {
  Deno.test(`push screen first, link as a ${link}: Change security device, the app, the code, READY`, async () => {
    await withScenario({ scenario: pushFirst(link) }, async (run) => {
      await run.line(READY);
      const ev = await run.events();
      if (link === "label") {
        assert.ok(find(ev, "link-click", { link: "Change security device" }), "label clicked");
      } else {
        assert.ok(find(ev, "click", { button: "Change security device" }), "button clicked");
      }
      assert.ok(find(ev, "twofa-change-device"), "the sim showed the device list");
      assert.equal(String(find(ev, "list-select")?.item).trim(), "Mobile Authenticator app");
      assert.equal(find(ev, "field-set", { field: "2fa-code" })?.correct, true);
      assert.deepEqual(find(ev, "twofa-result")?.method, "totp");
    });
  });
}

Deno.test("push screen first without a secret: the push is awaited, the link left alone", async () => {
  await withScenario(
    { env: { TWOFACTOR_CODE: "" }, scenario: pushFirst("label", { approveAfterMs: 1500 }) },
    async (run) => {
      await run.line(/waiting for the IB Key push/);
      await run.line(READY);
      const ev = await run.events();
      assert.ok(!find(ev, "link-click"), "the link was not clicked");
      assert.ok(!find(ev, "twofa-change-device"));
      assert.equal(find(ev, "twofa-result")?.method, "ibkey");
    },
  );
});

Deno.test("Re-login is required right after the device switch: one re-login, the device again, READY", async () => {
  await withScenario(
    { scenario: pushFirst("label", { reloginAfterSwitch: 1 }) },
    async (run) => {
      await run.line(READY);
      const ev = await run.events();
      assert.equal(ev.filter((e) => e.event === "twofa-relogin-required").length, 1);
      assert.ok(find(ev, "click", { button: "Re-login" }), "Re-login clicked");
      assert.equal(ev.filter((e) => e.event === "twofa-change-device").length, 2);
      assert.equal(ev.filter((e) => e.event === "sim-start").length, 1, "in the same JVM");
      assert.equal(find(ev, "field-set", { field: "2fa-code" })?.correct, true);
      assert.ok(!/ALERT_2FA_FAILED/.test(run.pilot.output()));
    },
  );
});

Deno.test("Re-login is required again after the second switch: ALERT_2FA_FAILED and HALTED", async () => {
  await withScenario(
    { scenario: pushFirst("button", { reloginAfterSwitch: 2 }) },
    async (run) => {
      await run.line(/ALERT_2FA_FAILED mode=paper reason="Gateway asked to re-login again/);
      await run.line(/ALERT_HALTED/);
      const ev = await run.events();
      assert.equal(ev.filter((e) => e.event === "twofa-relogin-required").length, 2);
      assert.equal(ev.filter((e) => e.event === "click" && e.button === "Re-login").length, 1);
    },
  );
});
