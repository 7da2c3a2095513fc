/**
 * `ibg-pilot install` against a local stand-in for IBKR's download host (channel_server.ts):
 * a good install lands complete in ibgateway/<version> with inst_jre.cfg fixed; a 404, a stall,
 * a short download and a wrong checksum each fail with a clear error naming the fix, leave
 * nothing behind and keep the installed version.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { findInstall, listInstalledVersions } from "../../lib/gateway/install.ts";
import { installerArch } from "../../lib/installer/channel.ts";
import { installBeforeRun } from "../../lib/installer/policy.ts";
import { loadConfig } from "../../lib/config/mod.ts";
import { installSimGateway } from "../gateway-sim/install.ts";
import { baseEnv, runCli } from "../support/cli.ts";
import {
  type ChannelServer,
  installerPath,
  simPayload,
  startChannelServer,
} from "./channel_server.ts";

const VERSION = "10.45.1j";
const OLD = "10.40.1a";

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function withServer(
  body: (server: ChannelServer, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ibgp-install-" });
  const server = startChannelServer({
    stable: { version: VERSION, payload: await simPayload(join(dir, "payload"), VERSION) },
  });
  try {
    await body(server, dir);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function install(server: ChannelServer, twsPath: string, extra: Record<string, string> = {}) {
  return runCli(
    ["install", "--channel", "stable"],
    baseEnv({ TWS_PATH: twsPath, PILOT_GATEWAY_DOWNLOAD_URL: server.base, ...extra }),
  );
}

/** Nothing but the versions themselves under ibgateway/ (no work folder left). */
function entries(twsPath: string): string[] {
  return [...Deno.readDirSync(join(twsPath, "ibgateway"))].map((e) => e.name).sort();
}

Deno.test("install: an empty TWS_PATH gets the channel's build, complete, inst_jre.cfg fixed", async () => {
  await withServer(async (server, dir) => {
    const twsPath = join(dir, "Jts");
    const r = await install(server, twsPath);
    assert.equal(r.code, 0, r.stderr);
    const programDir = join(twsPath, "ibgateway", VERSION);
    assert.match(r.stdout, new RegExp(`installed IB Gateway ${VERSION.replace(/\./g, "\\.")} in `));
    assert.deepEqual(entries(twsPath), [VERSION]);
    assert.deepEqual(server.requests, [
      "tws/stable-standalone/version.json",
      installerPath("stable", installerArch()),
    ]);
    // Discovery finds it as it finds a gnzsnz-image install.
    const found = findInstall({ twsPath });
    assert.equal(found.version, VERSION);
    assert.equal(
      (await Deno.readTextFile(join(programDir, ".install4j", "inst_jre.cfg"))).trim(),
      join(programDir, "jre"),
      "inst_jre.cfg points at the final place, not the work folder",
    );
    assert.match(r.stderr, new RegExp(`installer SHA-256 ${sha256(server.installer)}`));
    assert.match(
      r.stderr,
      /downloaded ibgateway-stable-standalone-linux-(x64|arm)\.sh: 3\.0 of 3\.0 MiB \(100%\)/,
    );

    // Again: already there, nothing downloaded.
    const again = await install(server, twsPath);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /is already installed/);
    assert.equal(server.requests.length, 3, "only version.json was fetched the second time");
  });
});

Deno.test("install: a pinned installer (file URL) with its checksum, version from --version", async () => {
  await withServer(async (server, dir) => {
    const file = join(dir, "ibgateway-mirror.sh");
    await Deno.writeFile(file, server.installer);
    const twsPath = join(dir, "Jts");
    const env = baseEnv({
      TWS_PATH: twsPath,
      PILOT_GATEWAY_INSTALLER_URL: `file://${file}`,
      PILOT_GATEWAY_INSTALLER_SHA256: sha256(server.installer),
    });
    const noVersion = await runCli(["install"], env);
    assert.equal(noVersion.code, 1);
    assert.match(noVersion.stderr, /Cannot tell which version .* Fix: name the version/);
    const r = await runCli(["install", "--version", VERSION], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(entries(twsPath), [VERSION]);
    assert.deepEqual(server.requests, [], "the channel was not asked");
  });
});

const BAD: {
  name: string;
  how: "404" | "stall" | "truncate" | "checksum";
  expect: RegExp;
}[] = [
  {
    name: "a 404",
    how: "404",
    expect: /answered HTTP 404\. Fix: the file is not there: check PILOT_GATEWAY_DOWNLOAD_URL/,
  },
  {
    name: "a stalled server",
    how: "stall",
    expect:
      /sent nothing for 1 s; the download was stopped\. Fix: .*PILOT_GATEWAY_DOWNLOAD_TIMEOUT/,
  },
  {
    name: "a truncated download",
    how: "truncate",
    expect: /ended after \d+ of \d+ bytes.*the download is incomplete\. Fix: run the install again/,
  },
  {
    name: "a wrong checksum",
    how: "checksum",
    expect:
      /has SHA-256 [0-9a-f]{64}, not the 0{64} of PILOT_GATEWAY_INSTALLER_SHA256.*Fix: make PILOT_GATEWAY_INSTALLER_SHA256/,
  },
];

for (const bad of BAD) {
  Deno.test(`install: ${bad.name} is a clear error, nothing installed, the old version kept`, async () => {
    await withServer(async (server, dir) => {
      const twsPath = join(dir, "Jts");
      const old = await installSimGateway({ root: twsPath, version: OLD });
      const before = await Deno.readTextFile(join(old.programDir, "ibgateway.vmoptions"));
      if (bad.how !== "checksum") server.behave(installerPath("stable", installerArch()), bad.how);
      const r = await install(server, twsPath, {
        PILOT_GATEWAY_DOWNLOAD_TIMEOUT: "1",
        ...(bad.how === "checksum" ? { PILOT_GATEWAY_INSTALLER_SHA256: "0".repeat(64) } : {}),
      });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, bad.expect);
      assert.deepEqual(entries(twsPath), [OLD], "no new version and no work folder");
      assert.deepEqual(listInstalledVersions(twsPath, "gateway"), [OLD]);
      assert.equal(
        await Deno.readTextFile(join(old.programDir, "ibgateway.vmoptions")),
        before,
        "the installed version is untouched",
      );
    });
  });
}

Deno.test("install: the channel's build is not the version asked for (IBKR keeps no archive)", async () => {
  await withServer(async (server, dir) => {
    const r = await runCli(
      ["install", "--version", "10.30.1x"],
      baseEnv({ TWS_PATH: join(dir, "Jts"), PILOT_GATEWAY_DOWNLOAD_URL: server.base }),
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /channel offers 10\.45\.1j, not 10\.30\.1x; IBKR keeps no older builds\. Fix: .*PILOT_GATEWAY_INSTALLER_URL/,
    );
  });
});

Deno.test("run with PILOT_GATEWAY_INSTALL=missing: a failed download ends run with exit 1 before anything starts", async () => {
  await withServer(async (server, dir) => {
    server.behave(installerPath("stable", installerArch()), "404");
    const twsPath = join(dir, "Jts");
    const r = await runCli(
      ["run"],
      baseEnv({
        TWS_PATH: twsPath,
        TWS_USERID: "user",
        TWS_PASSWORD: "pw",
        TRADING_MODE: "paper",
        DISPLAY: ":99",
        PILOT_GATEWAY_INSTALL: "missing",
        PILOT_GATEWAY_DOWNLOAD_URL: server.base,
        PILOT_RUNTIME_DIR: join(dir, "rt"),
      }),
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /install: .*answered HTTP 404\. Fix: /);
    assert.deepEqual(entries(twsPath), [], "nothing installed, no work folder");
    assert.ok(!r.stderr.includes("starting Gateway"), "no Gateway was launched");
  });
});

Deno.test("upgrade at start: a failed download keeps the installed version running", async () => {
  await withServer(async (server, dir) => {
    const twsPath = join(dir, "Jts");
    await installSimGateway({ root: twsPath, version: OLD });
    server.behave(installerPath("stable", installerArch()), "truncate");
    const config = loadConfig({
      env: {
        TWS_PATH: twsPath,
        PILOT_GATEWAY_INSTALL: "upgrade",
        PILOT_GATEWAY_DOWNLOAD_URL: server.base,
      },
    }).values;
    assert.equal(await installBeforeRun(config), undefined, "no throw: Gateway keeps running");
    assert.deepEqual(entries(twsPath), [OLD]);
    const missing = loadConfig({
      env: {
        TWS_PATH: join(dir, "Empty"),
        PILOT_GATEWAY_INSTALL: "missing",
        PILOT_GATEWAY_DOWNLOAD_URL: server.base,
      },
    }).values;
    await assert.rejects(
      () => installBeforeRun(missing),
      /DOWNLOAD_TRUNCATED|the download is incomplete/,
    );
  });
});
