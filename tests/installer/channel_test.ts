/** IBKR's channel layout, the JSONP version.json, installer names, and the progress display. */

import assert from "node:assert/strict";
import {
  installerArch,
  installerUrl,
  parseVersionJson,
  versionFromInstallerName,
  versionJsonUrl,
} from "../../lib/installer/channel.ts";
import { InstallError } from "../../lib/installer/errors.ts";
import { progress } from "../../lib/installer/progress.ts";
import { SCHEMA } from "../../lib/config/schema.ts";

const IBKR = "https://download2.interactivebrokers.com/installers";

Deno.test("IBKR's layout under the base, x64 or arm by architecture", () => {
  assert.equal(
    versionJsonUrl(`${IBKR}/`, "stable"),
    `${IBKR}/tws/stable-standalone/version.json`,
  );
  assert.equal(
    installerUrl(IBKR, "latest", "arm"),
    `${IBKR}/ibgateway/latest-standalone/ibgateway-latest-standalone-linux-arm.sh`,
  );
  assert.equal(installerArch("aarch64"), "arm");
  assert.equal(installerArch("x86_64"), "x64");
});

Deno.test("version.json: JSONP or JSON, buildVersion; anything else names the URL and the fix", () => {
  assert.equal(
    parseVersionJson('twsstable_callback({"buildVersion":"10.45.1j","buildDateTime":"x"});', "u"),
    "10.45.1j",
  );
  assert.equal(parseVersionJson('{"buildVersion":" 10.50.1d "}', "u"), "10.50.1d");
  for (const bad of ["<html>Not here</html>", 'cb({"buildVersion":null})', "cb({})"]) {
    assert.throws(
      () => parseVersionJson(bad, "http://h/v.json"),
      (e: InstallError) =>
        e.code === "CHANNEL_UNREADABLE" && e.message.includes("http://h/v.json") &&
        e.message.includes("Fix: "),
    );
  }
});

Deno.test("a mirror's installer name carries its version; IBKR's channel names do not", () => {
  assert.equal(
    versionFromInstallerName(
      "https://github.com/gnzsnz/ib-gateway-docker/releases/download/ibgateway-stable%4010.45.1j/ibgateway-10.45.1j-standalone-linux-x64.sh",
    ),
    "10.45.1j",
  );
  assert.equal(versionFromInstallerName(installerUrl(IBKR, "stable")), undefined);
});

Deno.test("progress: a log line every interval off a terminal, a redrawn bar on one", () => {
  let t = 0;
  const lines: string[] = [];
  const p = progress({
    label: "gw.sh",
    tty: false,
    write: () => assert.fail("no bar off a terminal"),
    logLine: (l) => lines.push(l),
    intervalMs: 5000,
    now: () => t,
  });
  const MiB = 1024 * 1024;
  for (let i = 1; i <= 10; i++) {
    t += 1000;
    p.update(i * MiB, 20 * MiB);
  }
  p.done(20 * MiB, 20 * MiB);
  assert.deepEqual(lines, [
    "downloading gw.sh: 5.0 of 20.0 MiB (25%)",
    "downloading gw.sh: 10.0 of 20.0 MiB (50%)",
    "downloaded gw.sh: 20.0 of 20.0 MiB (100%)",
  ]);

  let screen = "";
  const bar = progress({
    label: "gw.sh",
    tty: true,
    write: (s) => screen += s,
    logLine: () => assert.fail("no log lines on a terminal"),
    now: () => 0,
  });
  bar.update(5 * MiB, 10 * MiB);
  bar.done(10 * MiB, 10 * MiB);
  assert.equal(
    screen,
    `\rgw.sh [${"#".repeat(15)}${".".repeat(15)}] 5.0 of 10.0 MiB (50%)` +
      `\rgw.sh [${"#".repeat(30)}] 10.0 of 10.0 MiB (100%)\n`,
  );
});

Deno.test("the permission set names the default download host exactly, and only it", async () => {
  const meta = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  const net: string[] = meta.permissions.controller.net;
  const host = new URL(String(SCHEMA.PILOT_GATEWAY_DOWNLOAD_URL.default)).hostname;
  assert.equal(host, "download2.interactivebrokers.com");
  assert.ok(net.includes(host), `${host} is in permissions.controller.net`);
  const outside = net.filter((n) =>
    !n.startsWith("unix:") && !/^(127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0)$/.test(n)
  );
  assert.deepEqual(outside, [host], "no other outside host");
  const doc = await Deno.readTextFile(new URL("../../docs/permissions.md", import.meta.url));
  assert.ok(doc.includes(`\`${host}\``), "docs/permissions.md says why");
});
