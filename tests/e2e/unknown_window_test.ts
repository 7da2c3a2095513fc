/**
 * End to end: a post-login dialog nobody has seen before. ibg-pilot records its evidence the first
 * time: the redacted component tree (JSON) and a PNG painted inside the JVM, in
 * `<settings>/unknown-windows/` (0700, files 0600), raises ALERT_UNKNOWN_WINDOW naming both,
 * counts it in /metrics and lists it in `ibg-pilot inspect`.
 */

import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { join } from "node:path";
import { baseEnv, runCli } from "../support/cli.ts";
import { parseRules } from "../../lib/dialogs/rules.ts";
import { freePort, withScenario } from "./harness.ts";

const NOTICE = "Important Notice";

/** PNG header and pixels, decoded far enough to prove the file is a whole picture. */
export function decodePng(bytes: Uint8Array): { width: number; height: number; rows: number } {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  assert.deepEqual([...bytes.slice(0, 8)], sig, "PNG signature");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let width = 0, height = 0, depth = 0, colour = 0;
  const idat: Uint8Array[] = [];
  while (at < bytes.length) {
    const len = view.getUint32(at);
    const type = new TextDecoder().decode(bytes.slice(at + 4, at + 8));
    const data = bytes.slice(at + 8, at + 8 + len);
    if (type === "IHDR") {
      const d = new DataView(data.buffer, data.byteOffset, data.byteLength);
      width = d.getUint32(0);
      height = d.getUint32(4);
      depth = data[8];
      colour = data[9];
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    at += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colour];
  assert.ok(depth === 8 && channels, `8-bit PNG (depth ${depth}, colour type ${colour})`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = 1 + width * channels;
  assert.equal(raw.length, height * stride, "the pixel data covers the whole picture");
  return { width, height, rows: raw.length / stride };
}

Deno.test("an unknown post-login modal: evidence (tree + picture), ALERT_UNKNOWN_WINDOW, metrics, inspect", async () => {
  const health = freePort();
  await withScenario(
    {
      scenario: { faults: { disclaimers: ["paper-warning", "unknown-notice"] } },
      env: { CONTROLLER_HEALTH_SERVER_PORT: String(health) },
    },
    async (run) => {
      const shown = await run.event(
        (e) => e.event === "window-shown" && e.title === NOTICE,
        "the unknown modal",
      );
      const line = await run.line(/ALERT_UNKNOWN_WINDOW .*title="?Important Notice/);
      const tree = /\btree=("[^"]+"|\S+)/.exec(line)?.[1].replace(/"/g, "")!;
      const picture = /\bpicture=("[^"]+"|\S+)/.exec(line)?.[1].replace(/"/g, "")!;
      const dir = join(run.settingsDir, "unknown-windows");
      assert.equal(tree.startsWith(dir), true, line);
      assert.equal(picture.startsWith(dir) && picture.endsWith(".png"), true, line);
      assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
      assert.equal((await Deno.stat(tree)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(picture)).mode! & 0o777, 0o600);

      const record = JSON.parse(await Deno.readTextFile(tree));
      assert.equal(record.window.title, NOTICE);
      assert.equal(record.window.modal, true);
      assert.match(JSON.stringify(record.tree), /Review Later/);
      assert.match(JSON.stringify(record.tree), /market data subscriptions/);
      assert.deepEqual(record.size, { width: shown.width, height: shown.height });

      const png = decodePng(await Deno.readFile(picture));
      assert.deepEqual(
        { width: png.width, height: png.height },
        { width: shown.width, height: shown.height },
        "the picture has the window's size",
      );

      const metrics = await (await fetch(`http://127.0.0.1:${health}/metrics`)).text();
      assert.match(metrics, /ibg_pilot_unknown_windows_total\{mode="paper"\} 1/);

      const env = baseEnv({
        PILOT_RUNTIME_DIR: join(run.dir, "rt"),
        TRADING_MODE: "paper",
        TWS_SETTINGS_PATH: run.settingsDir,
      });
      const sock = join(run.dir, "rt", "agent-paper.sock");
      const r = await runCli(["inspect"], env, undefined, { extraUnixSockets: [sock] });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /unknown windows recorded/i);
      assert.ok(r.stdout.includes(tree) && r.stdout.includes(picture), r.stdout.slice(-1500));

      // The rule ibg-pilot suggests for it is a valid rules file that recognises the window.
      const suggested = await runCli(["inspect", "--suggest-rule"], env);
      assert.equal(suggested.code, 0, suggested.stderr);
      const parsed = parseRules(suggested.stdout);
      assert.deepEqual(parsed.problems, []);
      assert.deepEqual(parsed.rules[0].action, { kind: "click", buttons: ["Review Later"] });
      assert.deepEqual(parsed.rules[0].match, {
        titleEquals: [NOTICE],
        anyText: ["Your market data subscriptions change on the first day of next month."],
      });
    },
  );
});
