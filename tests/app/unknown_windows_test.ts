/**
 * Evidence of unknown windows: the redacted tree and the picture on disk with private modes, the
 * newest ones kept, ALERT_UNKNOWN_WINDOW naming both files; and rules suggested from them.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "yaml";
import { redactTree } from "../../lib/dialogs/dump.ts";
import { suggestRulesYaml } from "../../lib/dialogs/suggest.ts";
import { type AlertEvent, onAlert } from "../../lib/log.ts";
import type { UiPort, WindowPicture } from "../../lib/ui/port.ts";
import { readEvidence, UnknownWindowEvidence } from "../../lib/app/unknown_windows.ts";
import { button, field, label, password, win } from "../dialogs/fixtures.ts";
import { makeClassifier } from "../../lib/session/intent.ts";
import type { Config } from "../../lib/config/mod.ts";

const notice = (title = "Important Notice") =>
  win(title, "dialog", [
    label("Account U7654321 needs a review"),
    field("jdoe123"),
    password(8),
    button("Review Later"),
  ]);

const painter = (pic?: WindowPicture) =>
  ({
    channel: "agent",
    paint: pic ? () => Promise.resolve(pic) : undefined,
  }) as unknown as UiPort;

Deno.test("redactTree: typed-in fields keep only their length, account ids are redacted", () => {
  const { tree } = notice();
  const text = JSON.stringify(redactTree(tree));
  assert.ok(!text.includes("jdoe123") && !text.includes("U7654321"), text);
  assert.match(text, /"textLength":7/);
  assert.match(text, /U\[REDACTED\]/);
  assert.match(text, /Review Later/);
});

Deno.test("evidence: tree and picture 0600 in a 0700 folder, alert names both, newest kept", async () => {
  const dir = join(await Deno.makeTempDir(), "unknown-windows");
  const alerts: AlertEvent[] = [];
  const off = onAlert((e) => alerts.push(e));
  let t = Date.UTC(2026, 11, 6, 12, 0, 0);
  let counted = 0;
  try {
    const ev = new UnknownWindowEvidence({
      dir,
      mode: "paper",
      keep: 2,
      now: () => (t += 1000),
      onRecorded: () => counted++,
    });
    const png = new Uint8Array([137, 80, 78, 71]);
    const first = notice("First");
    const r1 = (await ev.record(first.window, first.tree, painter({ width: 3, height: 2, png })))!;
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    assert.equal((await Deno.stat(r1.json)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(r1.png!)).mode! & 0o777, 0o600);
    assert.deepEqual(await Deno.readFile(r1.png!), png);
    const a = alerts.find((e) => e.token === "ALERT_UNKNOWN_WINDOW")!;
    assert.equal(a.fields.tree, r1.json);
    assert.equal(a.fields.picture, r1.png);
    // Without a painter (AT-SPI): the tree alone, and the alert says why there is no picture.
    const second = notice("Second");
    const r2 = (await ev.record(second.window, second.tree, painter()))!;
    assert.equal(r2.png, undefined);
    assert.match(String(alerts.at(-1)!.fields.picture), /^none \(/);
    const third = notice("Third");
    await ev.record(third.window, third.tree, painter({ width: 3, height: 2, png }));
    const kept = await readEvidence(dir);
    assert.deepEqual(kept.map((k) => k.record.window.title), ["Second", "Third"]);
    assert.equal([...Deno.readDirSync(dir)].length, 3, "the oldest tree and picture went");
    assert.equal(counted, 3);
  } finally {
    off();
  }
});

Deno.test("suggested rules parse as a rules file: exact title, first text, first button", () => {
  const { window, tree } = notice();
  const yaml = suggestRulesYaml([
    {
      title: window.title,
      className: "JDialog",
      tree: redactTree(tree),
      source: "x.json",
      at: "t",
    },
  ]);
  const doc = parse(yaml) as { rules: Record<string, unknown>[] };
  assert.deepEqual(doc.rules[0], {
    id: "important-notice",
    match: { titleEquals: ["Important Notice"] },
    action: { kind: "click", buttons: ["Review Later"] },
  });
});

Deno.test("a dialog only the Gateway catch-all matches counts as unknown (its evidence is kept)", () => {
  const classify = makeClassifier({} as Config, "paper");
  const gateway = win("Gateway", "dialog", [label("Something new happened."), button("Fine")]);
  const seen = classify(gateway.window, gateway.tree);
  assert.equal(seen.rule, "gateway-dialog");
  assert.equal(seen.unknown, true);
  const tip = win("Tip of the Day", "dialog", [label("Did you know?"), button("Close")]);
  assert.equal(classify(tip.window, tip.tree).unknown, false);
});
