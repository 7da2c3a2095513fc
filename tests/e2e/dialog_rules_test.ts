/**
 * End to end: dialog rules from the user (PILOT_DIALOG_RULES). A rule that clicks the button of a
 * post-login dialog nobody knew gets the session READY (the simulator logs the click); a rule that
 * replaces a built-in row by id takes effect; SIGHUP applies a changed file without a restart.
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { find, withScenario } from "./harness.ts";

const READY = /-> "?ready"?/;
const NOTICE = "Important Notice";
const CLICK_RULE = `  - id: important-notice
    match: { titleEquals: ${NOTICE}, anyText: market data subscriptions }
    action: { kind: click, buttons: [Review Later] }
`;
const REPLACE_NEWER = `  - id: newer-version
    match: { anyText: Newer Version }
    action: { kind: alert, token: ALERT_NEWER_GATEWAY, reason: a newer Gateway is out }
`;

Deno.test("a rule clicks an unknown dialog's button: READY; a built-in row replaced by id applies", async () => {
  const rules = join(await Deno.makeTempDir({ dir: "/tmp" }), "rules.yaml");
  await Deno.writeTextFile(rules, `rules:\n${CLICK_RULE}${REPLACE_NEWER}`);
  try {
    await withScenario(
      {
        scenario: { faults: { disclaimers: ["paper-warning", "unknown-notice", "newer-version"] } },
        env: { PILOT_DIALOG_RULES: rules },
      },
      async (run) => {
        await run.line(READY);
        await run.event(
          (e) => e.event === "window-shown" && e.title === "Newer Version Available",
          "the notice",
        );
        await run.line(/ALERT_NEWER_GATEWAY mode=paper/);
        const ev = await run.events();
        assert.ok(
          find(ev, "click", { window: NOTICE, button: "Review Later" }),
          "the rule clicked",
        );
        assert.ok(
          !find(ev, "click", { window: "Newer Version Available" }),
          "the replaced row's click is gone",
        );
        assert.doesNotMatch(run.pilot.output(), /ALERT_UNKNOWN_WINDOW/);
      },
    );
  } finally {
    await Deno.remove(dirname(rules), { recursive: true }).catch(() => {});
  }
});

Deno.test("SIGHUP: a broken file is refused and changes nothing; a fixed one applies to the open window", async () => {
  const rules = join(await Deno.makeTempDir({ dir: "/tmp" }), "rules.yaml");
  await Deno.writeTextFile(rules, "rules: []\n");
  try {
    await withScenario(
      {
        scenario: { faults: { disclaimers: ["paper-warning", "unknown-notice"] } },
        env: { PILOT_DIALOG_RULES: rules },
      },
      async (run) => {
        await run.line(/ALERT_UNKNOWN_WINDOW .*Important Notice/);
        const first = await run.event((e) => e.event === "sim-start", "the JVM");
        // The rule with a typo in its action: refused as a whole, the rules in force stay.
        await Deno.writeTextFile(
          rules,
          `rules:\n${CLICK_RULE.replace("kind: click", "kind: clik")}`,
        );
        run.pilot.signal("SIGHUP");
        await run.line(
          /ALERT_DIALOG_RULES_INVALID .*problems=1 .*rules\.yaml:4: rules\[0\]\.action\.kind/,
        );
        assert.ok(!find(await run.events(), "click", { window: NOTICE }), "nothing applied");
        await Deno.writeTextFile(rules, `rules:\n${CLICK_RULE}`);
        run.pilot.signal("SIGHUP");
        await run.line(/dialog rules reloaded .*1 rule/);
        await run.event(
          (e) => e.event === "click" && e.window === NOTICE && e.button === "Review Later",
          "the new rule's click",
        );
        await run.line(READY);
        const starts = (await run.events()).filter((e) => e.event === "sim-start");
        assert.deepEqual(starts.map((e) => e.pid), [first.pid], "the same JVM");
      },
    );
  } finally {
    await Deno.remove(dirname(rules), { recursive: true }).catch(() => {});
  }
});
