/** The IBC converter: the table, every output format on a full config.ini, the CLI. */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { convertIbcConfig, formatVars } from "../../lib/ibc/convert.ts";
import { IBC_ROWS, IBC_TABLE } from "../../lib/ibc/mapping.ts";
import { decodeLatin1 } from "../../lib/ibc/properties.ts";
import { SCHEMA, SETTING_NAMES } from "../../lib/config/schema.ts";
import { baseEnv, runCli } from "../support/cli.ts";

const FIXTURE = join(dirname(fromFileUrl(import.meta.url)), "fixtures", "config.ini");

/** Every setting of sources.md IBC 2.2 (IBC 3.24.1). */
const IBC_KEYS = [
  "FIX",
  "IbLoginId",
  "IbPassword",
  "FIXLoginId",
  "FIXPassword",
  "SecondFactorDevice",
  "ReloginAfterSecondFactorAuthenticationTimeout",
  "SecondFactorAuthenticationExitInterval",
  "SecondFactorAuthenticationTimeout",
  "ExitAfterSecondFactorAuthenticationTimeout",
  "TradingMode",
  "AcceptNonBrokerageAccountWarning",
  "LoginDialogDisplayTimeout",
  "IbDir",
  "StoreSettingsOnServer",
  "MinimizeMainWindow",
  "ExistingSessionDetectedAction",
  "OverrideTwsApiPort",
  "OverrideTwsMasterClientID",
  "ReadOnlyLogin",
  "ReadOnlyApi",
  "BypassOrderPrecautions",
  "BypassBondWarning",
  "BypassNegativeYieldToWorstConfirmation",
  "BypassCalledBondWarning",
  "BypassSameActionPairTradeWarning",
  "BypassPriceBasedVolatilityRiskWarning",
  "BypassUSStocksMarketDataInSharesWarning",
  "BypassRedirectOrderWarning",
  "BypassNoOverfillProtectionPrecaution",
  "AcceptBidAskLastSizeDisplayUpdateNotification",
  "SendMarketDataInLotsForUSstocks",
  "TrustedTwsApiClientIPs",
  "ResetOrderIdsAtStart",
  "ConfirmOrderIdReset",
  "AutoLogoffTime",
  "AutoRestartTime",
  "ColdRestartTime",
  "ClosedownAt",
  "AcceptIncomingConnectionAction",
  "AllowBlindTrading",
  "SaveTwsSettingsAt",
  "ConfirmCryptoCurrencyOrders",
  "DismissPasswordExpiryWarning",
  "DismissNSEComplianceNotice",
  "CommandServerPort",
  "ControlFrom",
  "BindAddress",
  "CommandPrompt",
  "SuppressInfoMessages",
  "LogStructureScope",
  "LogStructureWhen",
  "LogComponents",
  "IncludeStackTraceForExceptions",
  "ShowAllTrades",
];

Deno.test("the table has every IBC setting once, each with a status and a reason", () => {
  for (const k of IBC_KEYS) assert.ok(IBC_ROWS.has(k), `missing ${k}`);
  assert.equal(IBC_ROWS.size, IBC_TABLE.length, "no duplicate rows");
  for (const r of IBC_TABLE) {
    assert.ok(r.how.length > 5, `${r.key} explains itself`);
    if (r.status === "mapped") assert.ok(r.env && r.env in SCHEMA, `${r.key} maps to a setting`);
    else assert.equal(r.env, undefined, r.key);
  }
});

Deno.test("the table and the schema's ibc keys agree", () => {
  const schemaIbcKeys = SETTING_NAMES.flatMap((name) => {
    const ibc = (SCHEMA[name] as { ibc?: string }).ibc;
    return ibc ? [[ibc, name] as const] : [];
  });
  const mappedSettings = new Set([...IBC_ROWS.values()].flatMap((r) => r.env ? [r.env] : []));
  for (const [ibc, env] of schemaIbcKeys) {
    const row = IBC_ROWS.get(ibc);
    assert.equal(row?.env, env, `schema ${env} names ibc ${ibc}`);
  }
  for (const env of mappedSettings) assert.ok(env in SCHEMA, env);
});

Deno.test("the fixture covers every IBC setting", async () => {
  const text = decodeLatin1(await Deno.readFile(FIXTURE));
  for (const k of IBC_KEYS) assert.match(text, new RegExp(`^${k}\\b`, "m"), k);
});

const EXPECTED: [string, string][] = [
  ["TWS_USERID", "edemoé"],
  ["TWS_PASSWORD", "p=ss:w\\rd continued"],
  ["TRADING_MODE", "paper"],
  ["EXISTING_SESSION_DETECTED_ACTION", "primaryoverride"],
  ["ACCEPT_NON_BROKERAGE_WARNING", "yes"],
  ["TWOFA_DEVICE", "Mobile Authenticator app"],
  ["READ_ONLY_LOGIN", "no"],
  ["TWOFA_EXIT_INTERVAL", "90"],
  ["TWOFA_TIMEOUT", "180"],
  ["RELOGIN_AFTER_TWOFA_TIMEOUT", "yes"],
  ["TWS_SETTINGS_PATH", "C:\\IBC\\settings"],
  ["TRUSTED_TWS_API_CLIENT_IPS", "10.0.0.5,10.0.0.6"],
  ["READ_ONLY_API", "no"],
  ["TWS_MASTER_CLIENT_ID", "7"],
  ["TWS_API_PORT", "4002"],
  ["AUTO_RESTART_TIME", "11:45 PM"],
  ["BYPASS_ORDER_PRECAUTIONS", "yes"],
  ["BYPASS_BOND_WARNING", "yes"],
  ["BYPASS_NEGATIVE_YIELD_CONFIRMATION", "no"],
  ["BYPASS_CALLED_BOND_WARNING", "yes"],
  ["BYPASS_SAME_ACTION_PAIR_TRADE_WARNING", "yes"],
  ["BYPASS_PRICE_BASED_VOLATILITY_RISK_WARNING", "yes"],
  ["BYPASS_US_STOCKS_MARKET_DATA_IN_SHARES_WARNING", "yes"],
  ["BYPASS_REDIRECT_ORDER_WARNING", "yes"],
  ["PILOT_LOGIN_FRAME_TIMEOUT", "120"],
  ["CONTROLLER_COMMAND_SERVER_PORT", "7462"],
  ["CONTROLLER_COMMAND_SERVER_HOST", "0.0.0.0"],
  ["CONTROL_FROM", "192.0.2.10,192.0.2.11"],
  ["PILOT_COMMAND_SERVER_INFO", "yes"],
  ["PILOT_COMMAND_PROMPT", "ibc>"],
];

Deno.test("the full fixture converts to exactly the expected settings; warnings name lines", async () => {
  const text = decodeLatin1(await Deno.readFile(FIXTURE));
  const r = convertIbcConfig(text, { includeSecrets: true });
  assert.deepEqual(r.vars, EXPECTED);
  const w = r.warnings.join("\n");
  assert.match(w, /line 35: BypassNoOverfillProtectionPrecaution: "maybe" is not yes or no/);
  assert.match(w, /line 62: unknown IBC setting TimeZone/);
  assert.match(w, /line 63: unknown IBC setting tradingmode; .*did you mean TradingMode\?/);
  assert.match(w, /line 43: ColdRestartTime=07:35 is not supported/);
  assert.ok(!w.includes("fixsecret"), "FIXPassword's value is never shown");
  assert.ok(!w.includes("ResetOrderIdsAtStart"), "a 'no' for an unsupported feature is fine");
  // Without --include-secrets the password is left out, with a note.
  const safe = convertIbcConfig(text);
  assert.deepEqual(safe.vars, EXPECTED.filter(([k]) => k !== "TWS_PASSWORD"));
  assert.match(
    safe.notes.join("\n"),
    /IbPassword is a secret and was not copied; set TWS_PASSWORD_FILE/,
  );
  assert.ok(!JSON.stringify(safe).includes("p=ss"));
});

Deno.test("IBC's value rules: empty is unset, booleans, fallbacks, differing defaults", () => {
  const r = convertIbcConfig(
    "TradingMode=\nExistingSessionDetectedAction=bogus\nExitAfterSecondFactorAuthenticationTimeout=yes\n" +
      "CommandServerPort=0\nReadOnlyApi=maybe\nFIX=yes\n",
  );
  assert.deepEqual(r.vars, [
    ["EXISTING_SESSION_DETECTED_ACTION", "secondary"],
    ["RELOGIN_AFTER_TWOFA_TIMEOUT", "yes"],
  ]);
  assert.match(r.warnings.join("\n"), /line 4: CommandServerPort: 0 means the server is off/);
  assert.match(r.warnings.join("\n"), /line 5: ReadOnlyApi: "maybe" is not yes\/no/);
  assert.match(r.warnings.join("\n"), /line 6: FIX=yes is not supported/);
  assert.match(
    r.notes.join("\n"),
    /TradingMode is not set: IBC used live, ibg-pilot's default for TRADING_MODE is paper/,
  );
});

Deno.test("output formats quote what needs quoting", () => {
  const vars: [string, string][] = [["A", "plain"], ["B", "two words"], ["C", `it's $HOME "q"`]];
  assert.equal(formatVars(vars, "env"), `A=plain\nB='two words'\nC="it's \\$HOME \\"q\\""\n`);
  assert.equal(
    formatVars(vars, "docker"),
    `-e A=plain \\\n-e 'B=two words' \\\n-e 'C=it'\\''s $HOME "q"'\n`,
  );
  assert.equal(
    formatVars(vars, "compose"),
    `environment:\n  A: "plain"\n  B: "two words"\n  C: "it's $$HOME \\"q\\""\n`,
  );
});

Deno.test("docker format round-trips through a real shell", async () => {
  const text = decodeLatin1(await Deno.readFile(FIXTURE));
  const out = formatVars(convertIbcConfig(text, { includeSecrets: true }).vars, "docker");
  const sh = await new Deno.Command("sh", {
    args: ["-c", `eval "set -- $(cat)"; for a in "$@"; do printf '%s\\n' "$a"; done`],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const w = sh.stdin.getWriter();
  await w.write(new TextEncoder().encode(out.replace(/ \\\n/g, " ")));
  await w.close();
  const lines = new TextDecoder().decode((await sh.output()).stdout).trim().split("\n");
  const pairs = [];
  for (let i = 0; i < lines.length; i += 2) {
    assert.equal(lines[i], "-e");
    const eq = lines[i + 1].indexOf("=");
    pairs.push([lines[i + 1].slice(0, eq), lines[i + 1].slice(eq + 1)]);
  }
  assert.deepEqual(pairs, EXPECTED);
});

for (const format of ["env", "docker", "compose"]) {
  Deno.test(`ibg-pilot convert-ibc --format ${format} on the full fixture`, async () => {
    const dir = await Deno.makeTempDir();
    const file = `${dir}/config.ini`;
    await Deno.copyFile(FIXTURE, file);
    const r = await runCli(["convert-ibc", file, "--format", format], baseEnv());
    assert.equal(r.code, 0, r.stderr);
    const expected = formatVars(EXPECTED.filter(([k]) => k !== "TWS_PASSWORD"), format as "env");
    assert.equal(r.stdout, expected);
    assert.match(r.stderr, /warning: line 62: unknown IBC setting TimeZone/);
    assert.ok(!r.stdout.includes("p=ss") && !r.stderr.includes("p=ss"));
    const s = await runCli(
      ["convert-ibc", file, "--format", format, "--include-secrets"],
      baseEnv(),
    );
    assert.equal(s.stdout, formatVars(EXPECTED, format as "env"));
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("convert-ibc usage errors exit 2", async () => {
  assert.equal((await runCli(["convert-ibc"])).code, 2);
  assert.equal((await runCli(["convert-ibc", "/tmp/x.ini", "--format", "yaml"])).code, 2);
  const missing = await runCli(["convert-ibc", "/tmp/does-not-exist-ibg-pilot.ini"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read/);
  const stdin = await runCli(["convert-ibc", "-"], baseEnv(), "TradingMode=LIVE\n");
  assert.equal(stdin.code, 0);
  assert.equal(stdin.stdout, "TRADING_MODE=live\n");
});
