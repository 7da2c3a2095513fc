/** The command line as users meet it, run under the controller's permission set. */

import assert from "node:assert/strict";
import { baseEnv, runCli } from "../support/cli.ts";
import { COMMANDS } from "../../lib/cli/mod.ts";
import { totpAt } from "../../lib/totp/mod.ts";

const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

Deno.test("bad settings exit 2 naming both variables in one message", async () => {
  const r = await runCli(
    ["config"],
    baseEnv({ TWS_USERID: "u", TRADING_MODE: "sideways", TWOFACTOR_CODE: "not base32!" }),
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /TRADING_MODE: "sideways"/);
  assert.match(r.stderr, /TWOFACTOR_CODE: \(redacted\)/);
  assert.ok(!r.stderr.includes("not base32!"));
  assert.equal(r.stdout, "");
});

Deno.test("config --json shows sources and *** for secrets", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/pw`, "hunter2-password\n");
  const r = await runCli(
    ["config", "--json", "--set", "JAVA_HEAP_SIZE=2048"],
    baseEnv({ TWS_USERID: "u", TWS_PASSWORD_FILE: `${dir}/pw`, TRADING_MODE: "live" }),
  );
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(json.TWS_PASSWORD, { value: "***", source: "file" });
  assert.deepEqual(json.TRADING_MODE, { value: "live", source: "env" });
  assert.deepEqual(json.JAVA_HEAP_SIZE, { value: "2048", source: "flag" });
  assert.deepEqual(json.TWOFA_EXIT_INTERVAL, { value: "60", source: "default" });
  assert.ok(!r.stdout.includes("hunter2") && !r.stderr.includes("hunter2"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("config: a bare OK in BYPASS_WARNING is ignored with a warning that says what to list instead", async () => {
  const r = await runCli(["config"], baseEnv({ BYPASS_WARNING: "OK,I understand and accept" }));
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /BYPASS_WARNING: "OK" ignored: a bare OK \(or an empty entry\) would click OK on any dialog; list the disclaimer's own button text instead/,
  );
  const yes = await runCli(["config"], baseEnv({ BYPASS_WARNING: "yes" }));
  assert.doesNotMatch(yes.stderr, /BYPASS_WARNING/);
});

Deno.test("a secret passed with --set is refused with exit 2", async () => {
  const r = await runCli(["config", "--set", "TWS_PASSWORD=oops-visible"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /never taken from the command line/);
});

Deno.test("totp prints the current code from the env, from stdin, and refuses nothing-set", async () => {
  const before = Date.now();
  const r = await runCli(["totp"], baseEnv({ TWOFACTOR_CODE: SECRET }));
  const after = Date.now();
  assert.equal(r.code, 0, r.stderr);
  const codes = [totpAt(SECRET, before).code, totpAt(SECRET, after).code];
  assert.ok(codes.includes(r.stdout.trim()), `${r.stdout} not in ${codes}`);
  assert.match(r.stderr, /valid for \d+ more second/);

  const s = await runCli(["totp", "--stdin", "--json"], baseEnv(), SECRET.toLowerCase() + "\n");
  assert.equal(s.code, 0, s.stderr);
  const j = JSON.parse(s.stdout);
  assert.match(j.code, /^\d{6}$/);
  assert.ok(j.seconds_left >= 1 && j.seconds_left <= 30);

  const none = await runCli(["totp"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /TWOFACTOR_CODE_FILE/);
});

Deno.test("every subcommand has --help; unknown flags and commands are usage errors with hints", async () => {
  for (const name of Object.keys(COMMANDS)) {
    const r = await runCli([name, "--help"]);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`ibg-pilot ${name}`), name);
  }
  const top = await runCli(["--help"]);
  assert.equal(top.code, 0);
  for (const name of Object.keys(COMMANDS)) assert.match(top.stdout, new RegExp(`\\b${name}\\b`));

  const flag = await runCli(["config", "--jsn"]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--jsn/);
  assert.match(flag.stderr, /did you mean --json\?/);

  const cmd = await runCli(["confg"]);
  assert.equal(cmd.code, 2);
  assert.match(cmd.stderr, /did you mean 'config'/);
});

Deno.test("version prints the version", async () => {
  const r = await runCli(["version", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.match(j.version, /^\d+\.\d+\.\d+/);
});

Deno.test("doctor names what is missing and how to fix it, exit 4; a good install passes its checks", async () => {
  const missing = await runCli(["doctor"], baseEnv({ TWS_PATH: "/tmp/no-such-jts-dir" }));
  assert.equal(missing.code, 4, missing.stderr);
  assert.match(missing.stdout, /FAIL {2}gateway install/);
  assert.match(missing.stdout, /fix: set TWS_PATH/);
  assert.match(missing.stdout, /FAIL {2}display: DISPLAY is not set/);
  const { installSimGateway } = await import("../gateway-sim/install.ts");
  const dir = await Deno.makeTempDir();
  const install = await installSimGateway({ root: `${dir}/Jts` });
  const good = await runCli(
    ["doctor", "--json"],
    baseEnv({ TWS_PATH: install.twsPath, PILOT_RUNTIME_DIR: `${dir}/rt` }),
  );
  const checks = JSON.parse(good.stdout) as { name: string; ok: boolean }[];
  assert.ok(checks.find((c) => c.name === "gateway install")?.ok, good.stdout);
  assert.ok(checks.find((c) => c.name === "java")?.ok, good.stdout);
  assert.ok(checks.find((c) => c.name === "runtime directory")?.ok, good.stdout);
  // TWS: its own layout (<TWS_PATH>/1045), main class and default API ports.
  const tws = await installSimGateway({ root: `${dir}/JtsTws`, product: "tws" });
  const twsRun = await runCli(
    ["doctor", "--json"],
    baseEnv({ TWS_PATH: tws.twsPath, GATEWAY_OR_TWS: "tws", PILOT_RUNTIME_DIR: `${dir}/rt` }),
  );
  const twsChecks = JSON.parse(twsRun.stdout) as { name: string; ok: boolean; detail: string }[];
  const found = twsChecks.find((c) => c.name === "gateway install");
  assert.ok(found?.ok, twsRun.stdout);
  assert.match(found!.detail, /^TWS 1045 in .*\/JtsTws\/1045 \(main class jclient\.LoginFrame\)$/);
  assert.match(twsChecks.find((c) => c.name === "api port paper")!.detail, /^7497 /);
  await Deno.remove(dir, { recursive: true });
});
