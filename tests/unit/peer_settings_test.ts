/**
 * The gnzsnz / ibg-controller / IBGA settings table (lib/config/peers.ts): every row is checked
 * through the real loader, and `ibg-pilot config` prints the warnings for an ibg-controller .env
 * and an IBGA compose environment.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { loadConfig, SCHEMA, settingDef, type SettingName } from "../../lib/config/mod.ts";
import { PEER_TABLE, type PeerRow } from "../../lib/config/peers.ts";

const PEER_ROWS: ReadonlyMap<string, PeerRow> = new Map(PEER_TABLE.map((r) => [r.name, r]));
import { baseEnv, ROOT, runCli } from "../support/cli.ts";

const TOTP = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

function load(env: Record<string, string>) {
  return loadConfig({ env, home: "/home/u" });
}

function mentions(warnings: string[], name: string): string[] {
  return warnings.filter((w) => w.startsWith(`${name} `));
}

/** A _FILE row's file holds a value valid for the setting it feeds. */
function fileFor(row: PeerRow): string {
  const dir = Deno.makeTempDirSync();
  const path = join(dir, "secret");
  Deno.writeTextFileSync(path, row.env === "TWOFACTOR_CODE" ? `${TOTP}\n` : "pw\n");
  return path;
}

Deno.test("the table's names are unique and agree with the schema", () => {
  assert.equal(PEER_ROWS.size, PEER_TABLE.length, "a variable is listed twice");
  for (const r of PEER_TABLE) {
    const inSchema = r.name in SCHEMA;
    if (r.status === "honoured" && r.env === r.name) {
      assert.ok(inSchema, `${r.name} is honoured but not a setting`);
    } else {
      // A name that became a setting must be honoured in the table (and vice versa).
      assert.ok(!inSchema, `${r.name} is a setting of ours but the table says ${r.status}`);
    }
    if (r.env) assert.ok(r.env in SCHEMA, `${r.name} -> ${r.env}, which is not a setting`);
    if (r.status === "alias") assert.ok(r.env, `${r.name}: an alias names its setting`);
    assert.ok(r.how.length > 10, `${r.name}: how/why is missing`);
  }
});

for (const row of PEER_TABLE) {
  Deno.test(`${row.name} (${row.systems.join(", ")}): ${row.status}`, () => {
    const value = row.name.endsWith("_FILE") ? fileFor(row) : row.example;
    const loaded = load({ [row.name]: value });
    const own = mentions(loaded.warnings, row.name);
    switch (row.status) {
      case "honoured": {
        assert.deepEqual(own, [], `${row.name} is honoured: no warning`);
        if (row.env) {
          assert.notEqual(loaded.values[row.env], undefined, `${row.env} is set from ${row.name}`);
          assert.ok(["env", "file"].includes(loaded.sources[row.env]!));
        }
        if (row.name === "DUAL_MODE") assert.equal(loaded.values.TRADING_MODE, "both");
        return;
      }
      case "alias": {
        const env = row.env!;
        assert.deepEqual(loaded.warnings, [], `${row.name}'s example converts without a word`);
        assert.equal(loaded.sources[env], "env");
        assert.notEqual(loaded.values[env], undefined);
        // Our own name wins, and the alias is named as ignored.
        const ours = settingDef(env).secret
          ? (env === "TWOFACTOR_CODE" ? TOTP : "x")
          : settingDef(env).type.format(loaded.values[env]);
        const both = load({ [row.name]: value, [env]: ours });
        assert.deepEqual(mentions(both.warnings, row.name), [
          `${row.name} is ignored: ${env} is set too (remove ${row.name})`,
        ]);
        return;
      }
      default: {
        if (row.baked) {
          assert.deepEqual(own, [], `${row.name} is set by the image: no warning`);
          return;
        }
        assert.ok(!row.quietWhen?.test(row.example), "the example is a value that warns");
        assert.equal(own.length, 1, `one warning for ${row.name}: ${loaded.warnings}`);
        assert.ok(own[0].includes(row.how), "the warning says what to do");
        assert.ok(
          own[0].includes(row.status === "not needed" ? "not needed" : "not supported"),
        );
        if (row.secret) assert.ok(!own[0].includes(row.example), "a secret is never shown");
      }
    }
  });
}

Deno.test("values that mean what ibg-pilot does anyway give no warning", () => {
  const quiet: Record<string, string> = {
    ALLOW_BLIND_TRADING: "no",
    TWS_ACCEPT_INCOMING: "manual",
    CUSTOM_CONFIG: "NO",
    SSH_TUNNEL: "no",
    PASSKEY_AUTHENTICATE: "no",
    IB_LOGINTAB: "IB API",
    IBGA_EXPORT_LOGS: "false",
    IBGA_RECONNECT_INTERVAL: "0",
  };
  assert.deepEqual(
    PEER_TABLE.filter((r) => r.quietWhen).map((r) => r.name).sort(),
    Object.keys(quiet).sort(),
  );
  assert.deepEqual(load(quiet).warnings, []);
});

Deno.test("alias conversions: IBGA's UI strings become our values", () => {
  const c = load({
    IB_USERNAME: "alice",
    IB_PASSWORD: "pw",
    IB_TIMEZONE: "America/New York",
    IB_LOGINTYPE: "Live Trading",
    IB_LOGOFF: "11:55 PM",
    IB_READONLY: "y",
    IB_PREFER_IBKEY: "true",
    TOTP_KEY: TOTP,
    CONTROLLER_DEBUG: "1",
    CLEAN_LOGOUT_TIMEOUT_SECONDS: "45",
  }).values;
  assert.equal(c.TWS_USERID, "alice");
  assert.equal(c.TWS_PASSWORD, "pw");
  assert.equal(c.TIME_ZONE, "America/New_York");
  assert.equal(c.TRADING_MODE, "live");
  assert.deepEqual(c.AUTO_RESTART_TIME, { hour: 11, minute: 55, period: "PM" });
  assert.equal(c.READ_ONLY_API, true);
  assert.equal(c.TWOFA_DEVICE, "IB Key");
  assert.equal(c.TWOFACTOR_CODE?.secret, TOTP);
  assert.equal(c.LOG_LEVEL, "debug");
  assert.equal(c.PILOT_CLEAN_LOGOUT_TIMEOUT, 45);

  const off = load({ IB_READONLY: "no", IB_PREFER_IBKEY: "false", CONTROLLER_DEBUG: "0" });
  assert.equal(off.values.READ_ONLY_API, false);
  assert.equal(off.values.TWOFA_DEVICE, undefined);
  assert.equal(off.values.LOG_LEVEL, "info");
  assert.deepEqual(off.warnings, []);

  const bad = load({ IB_LOGINTYPE: "Demo" });
  assert.equal(bad.values.TRADING_MODE, "paper");
  assert.deepEqual(bad.warnings, [
    'IB_LOGINTYPE is not used: "Demo" is not Live Trading or Paper Trading; set TRADING_MODE instead',
  ]);
});

Deno.test("an alias with a bad value is a problem naming the alias, a secret redacted", () => {
  assert.throws(
    () => load({ IB_LOGOFF: "25:00", TOTP_KEY: "not base32!" }),
    (e: Error) => {
      assert.match(e.message, /AUTO_RESTART_TIME: "25:00" \(from IB_LOGOFF\) is not valid/);
      assert.match(e.message, /TWOFACTOR_CODE: \(redacted\) \(from TOTP_KEY\) is not valid/);
      assert.ok(!e.message.includes("not base32!"));
      return true;
    },
  );
});

Deno.test("ibg-pilot config prints the mapping warnings for an ibg-controller .env", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "ibkr_password"), "pw\n");
  await Deno.writeTextFile(join(dir, "totp"), `${TOTP}\n`);
  const text = await Deno.readTextFile(join(ROOT, "tests/unit/fixtures/ibg-controller.env"));
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].replace("/run/secrets", dir);
  }
  const r = await runCli(["config"], baseEnv(env));
  assert.equal(r.code, 0, r.stderr);
  for (
    const name of [
      "TWS_COLD_RESTART",
      "CCP_LOCKOUT_MAX_JVM_RESTARTS",
      "CCP_MAINTENANCE_RECOVERY_DELAY_SECONDS",
      "USE_PYATSPI2_CONTROLLER",
      "SSH_TUNNEL",
      "SAVE_TWS_SETTINGS",
    ]
  ) {
    const lines = r.stderr.split("\n").filter((l) => l.includes(`${name} (`));
    assert.equal(lines.length, 1, `one warning line for ${name}:\n${r.stderr}`);
    assert.ok(lines[0].includes(PEER_ROWS.get(name)!.how.slice(0, 40)), lines[0]);
  }
  assert.ok(!r.stderr.includes("CUSTOM_CONFIG"), "CUSTOM_CONFIG=NO is what ibg-pilot does");
  assert.ok(!r.stderr.includes("vncpass"), "a secret is never printed");
  assert.match(r.stdout, /^LOG_LEVEL\s+debug\s+\[env\]$/m, "CONTROLLER_DEBUG=yes is debug");
  assert.match(r.stdout, /^TWOFACTOR_CODE\s+\*\*\*\s+\[file\]$/m);
  assert.match(r.stdout, /^VNC_SERVER_PASSWORD\s+\*\*\*\s+\[env\]$/m, "gnzsnz's VNC password");
  assert.match(r.stdout, /^GATEWAY_WARM_STATE\s+\/warm\s+\[env\]$/m, "ibg-controller's warm state");
});

Deno.test("ibg-pilot config reads an IBGA compose environment", async () => {
  const compose = parseYaml(
    await Deno.readTextFile(join(ROOT, "tests/unit/fixtures/ibga-compose.yaml")),
  ) as { services: { ibga: { environment: string[] } } };
  const env = Object.fromEntries(
    compose.services.ibga.environment.map((
      kv,
    ) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
  const r = await runCli(["config"], baseEnv(env));
  assert.equal(r.code, 0, r.stderr);
  const expected: [SettingName, string][] = [
    ["TWS_USERID", "alice"],
    ["TWS_PASSWORD", "***"],
    ["TRADING_MODE", "live"],
    ["TIME_ZONE", "America/New_York"],
    ["AUTO_RESTART_TIME", "11:55 PM"],
    ["READ_ONLY_API", "yes"],
    ["TWOFACTOR_CODE", "***"],
    ["VNC_SERVER_PASSWORD", "***"],
  ];
  for (const [name, value] of expected) {
    assert.match(
      r.stdout,
      new RegExp(`^${name}\\s+${value.replace(/\*/g, "\\*")}\\s+\\[env\\]$`, "m"),
    );
  }
  for (
    const name of ["IB_REGION", "IB_APILOG", "IB_LOGLEVEL", "IBGA_EXPORT_LOGS"]
  ) {
    const lines = r.stderr.split("\n").filter((l) => l.includes(`${name} (IBGA)`));
    assert.equal(lines.length, 1, `one warning line for ${name}:\n${r.stderr}`);
  }
  assert.ok(!r.stderr.includes("IB_LOGINTAB"), "IB API is what ibg-pilot does");
  assert.ok(!r.stderr.includes("s3cret-password") && !r.stdout.includes("s3cret-password"));
  assert.ok(!r.stdout.includes(TOTP) && !r.stderr.includes(TOTP));
});
