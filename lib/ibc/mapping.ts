/**
 * THE table of IBC config.ini settings (sources.md IBC 2.2, IBC 3.24.1, plus the keys IBC renamed
 * or dropped): for each, whether ibg-pilot maps it (to which environment variable, how), does not
 * need it (why), or does not support it (the workaround). The converter (convert.ts) and
 * docs/from-ibc.md (tools/docs/from_ibc.ts) are both driven from this one table.
 */

import { SCHEMA, type SettingName } from "../config/schema.ts";

/** What ibg-pilot does with an IBC setting. */
export type IbcStatus = "mapped" | "not needed" | "unsupported";

/** A value converted for one row: the raw text for the env var, or why it was skipped. */
export type Converted = { value: string } | { skip: string };

/** One row of the table. */
export interface IbcRow {
  /** The IBC key, exactly as IBC reads it (keys are case-sensitive in IBC). */
  key: string;
  status: IbcStatus;
  /** mapped: the ibg-pilot setting (a row of lib/config/schema.ts). */
  env?: SettingName;
  /** mapped: how the value is transformed; otherwise why not needed or the workaround. */
  how: string;
  /** mapped: IBC's reading of the (trimmed, non-empty) value; default: the schema type. */
  convert?: (value: string) => Converted;
  /** IBC's default when it differs from ibg-pilot's, shown in docs and as a note. */
  ibcDefault?: string;
}

/** IBC's boolean: yes/true or no/false, any case; anything else is IBC's default. */
export function ibcBool(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (v === "yes" || v === "true") return true;
  if (v === "no" || v === "false") return false;
  return undefined;
}

const bool = (value: string): Converted => {
  const b = ibcBool(value);
  return b === undefined
    ? { skip: `"${value}" is not yes/no/true/false; IBC silently used its default` }
    : { value: b ? "yes" : "no" };
};

/** Bypass* keys: IBC accepts only yes/no and exits with 1105 on anything else. */
const yesNo = (value: string): Converted => {
  const v = value.toLowerCase();
  return v === "yes" || v === "no"
    ? { value: v }
    : { skip: `"${value}" is not yes or no (IBC stops with exit code 1105)` };
};

const mapped = (
  key: string,
  env: SettingName,
  how: string,
  extra: Partial<IbcRow> = {},
): IbcRow => ({ key, status: "mapped", env, how, ...extra });
const notNeeded = (key: string, how: string): IbcRow => ({ key, status: "not needed", how });
const unsupported = (key: string, how: string): IbcRow => ({ key, status: "unsupported", how });

const BYPASS: [string, SettingName][] = [
  ["BypassOrderPrecautions", "BYPASS_ORDER_PRECAUTIONS"],
  ["BypassBondWarning", "BYPASS_BOND_WARNING"],
  ["BypassNegativeYieldToWorstConfirmation", "BYPASS_NEGATIVE_YIELD_CONFIRMATION"],
  ["BypassCalledBondWarning", "BYPASS_CALLED_BOND_WARNING"],
  ["BypassSameActionPairTradeWarning", "BYPASS_SAME_ACTION_PAIR_TRADE_WARNING"],
  ["BypassPriceBasedVolatilityRiskWarning", "BYPASS_PRICE_BASED_VOLATILITY_RISK_WARNING"],
  ["BypassUSStocksMarketDataInSharesWarning", "BYPASS_US_STOCKS_MARKET_DATA_IN_SHARES_WARNING"],
  ["BypassRedirectOrderWarning", "BYPASS_REDIRECT_ORDER_WARNING"],
  ["BypassNoOverfillProtectionPrecaution", "BYPASS_NO_OVERFILL_PROTECTION_PRECAUTION"],
];

const TWS_ONLY = "TWS only: IB Gateway has no such dialog or control.";
const STRUCTURE =
  "ibg-pilot logs the component tree of every unknown window once (redacted), and `ibg-pilot inspect` prints the live tree on demand.";

/** The table, in the order of sources.md IBC 2.2, then IBC's renamed and dropped keys. */
export const IBC_TABLE: readonly IbcRow[] = [
  unsupported(
    "FIX",
    "FIX CTCI login is not supported: keep IBC for FIX sessions. `FIX=yes` in the environment is refused.",
  ),
  mapped("IbLoginId", "TWS_USERID", "as is (trimmed)."),
  mapped(
    "IbPassword",
    "TWS_PASSWORD",
    "as is; secret: copied only with `--include-secrets` (prefer TWS_PASSWORD_FILE).",
  ),
  unsupported("FIXLoginId", "FIX CTCI is not supported: keep IBC for FIX sessions."),
  unsupported("FIXPassword", "FIX CTCI is not supported; the value is never printed."),
  mapped(
    "SecondFactorDevice",
    "TWOFA_DEVICE",
    "as is: the exact text of the entry in Gateway's device list.",
  ),
  mapped(
    "ReloginAfterSecondFactorAuthenticationTimeout",
    "RELOGIN_AFTER_TWOFA_TIMEOUT",
    "IBC boolean (yes/true/no/false) to yes/no.",
    { convert: bool },
  ),
  mapped(
    "SecondFactorAuthenticationExitInterval",
    "TWOFA_EXIT_INTERVAL",
    "seconds, as is (5-3600).",
  ),
  mapped("SecondFactorAuthenticationTimeout", "TWOFA_TIMEOUT", "seconds, as is (10-3600)."),
  mapped(
    "ExitAfterSecondFactorAuthenticationTimeout",
    "RELOGIN_AFTER_TWOFA_TIMEOUT",
    "deprecated in IBC; used only when ReloginAfterSecondFactorAuthenticationTimeout is absent or blank, as IBC does; yes/no.",
    { convert: bool },
  ),
  mapped("TradingMode", "TRADING_MODE", "live or paper, lower-cased.", {
    convert: (v) => {
      const m = v.toLowerCase();
      return m === "live" || m === "paper"
        ? { value: m }
        : { skip: `"${v}" is not live or paper (IBC stops with exit code 1104)` };
    },
    ibcDefault: "live",
  }),
  mapped(
    "AcceptNonBrokerageAccountWarning",
    "ACCEPT_NON_BROKERAGE_WARNING",
    "IBC boolean to yes/no.",
    { convert: bool },
  ),
  mapped(
    "LoginDialogDisplayTimeout",
    "PILOT_LOGIN_FRAME_TIMEOUT",
    "seconds, as is (5-3600). ibg-pilot retries inside the same JVM instead of exiting.",
  ),
  mapped(
    "IbDir",
    "TWS_SETTINGS_PATH",
    "as is (IBC's deprecated settings directory; the gnzsnz image's TWS_SETTINGS_PATH).",
  ),
  notNeeded("StoreSettingsOnServer", "TWS only: Gateway's login screen has no such check box."),
  notNeeded(
    "MinimizeMainWindow",
    "Gateway runs on a virtual display under ibg-pilot; minimising changes nothing for automation.",
  ),
  mapped(
    "ExistingSessionDetectedAction",
    "EXISTING_SESSION_DETECTED_ACTION",
    "manual, primary, primaryoverride or secondary, lower-cased; any other value becomes secondary, as in IBC.",
    {
      convert: (v) => {
        const m = v.toLowerCase();
        return ["manual", "primary", "primaryoverride", "secondary"].includes(m)
          ? { value: m }
          : { value: "secondary" };
      },
      ibcDefault: "manual",
    },
  ),
  mapped("OverrideTwsApiPort", "TWS_API_PORT", "port, as is."),
  mapped("OverrideTwsMasterClientID", "TWS_MASTER_CLIENT_ID", "whole number, as is."),
  mapped(
    "ReadOnlyLogin",
    "READ_ONLY_LOGIN",
    "IBC boolean to yes/no (TWS only: Gateway has no read-only login).",
    { convert: bool },
  ),
  mapped("ReadOnlyApi", "READ_ONLY_API", "IBC boolean to yes/no.", { convert: bool }),
  ...BYPASS.map(([key, env]) =>
    mapped(key, env, "yes or no (IBC accepts nothing else).", { convert: yesNo })
  ),
  unsupported(
    "AcceptBidAskLastSizeDisplayUpdateNotification",
    'ibg-pilot does not answer this notice. Answer it once with "Don\'t display this message again" and keep TWS_SETTINGS_PATH on a volume.',
  ),
  unsupported(
    "SendMarketDataInLotsForUSstocks",
    "Not set by ibg-pilot. Set the check box once in API > Settings and keep TWS_SETTINGS_PATH on a volume, or request market data in shares from your API client.",
  ),
  mapped(
    "TrustedTwsApiClientIPs",
    "TRUSTED_TWS_API_CLIENT_IPS",
    "comma list, as is (written to jts.ini TrustedIPs with 127.0.0.1).",
  ),
  unsupported(
    "ResetOrderIdsAtStart",
    "Not done by ibg-pilot. Reset order ids from your API client, or with API > Settings > 'Reset API order ID sequence'.",
  ),
  notNeeded(
    "ConfirmOrderIdReset",
    "TWS only: Gateway does not ask to confirm an order id reset.",
  ),
  mapped("AutoLogoffTime", "AUTO_LOGOFF_TIME", "hh:mm AM/PM, as is."),
  mapped("AutoRestartTime", "AUTO_RESTART_TIME", "hh:mm AM/PM, as is."),
  unsupported(
    "ColdRestartTime",
    "No built-in schedule. Schedule `ibg-pilot send STOP` for Sunday at that time (cron, Kubernetes CronJob) with a restart policy that starts ibg-pilot again: it then logs in in full.",
  ),
  unsupported(
    "ClosedownAt",
    "No built-in schedule. Schedule `ibg-pilot send STOP` at that time (cron, Kubernetes CronJob) with a restart policy that does not restart.",
  ),
  unsupported(
    "AcceptIncomingConnectionAction",
    "ibg-pilot does not answer the 'Accept incoming connection' prompt. List your API clients in TRUSTED_TWS_API_CLIENT_IPS so Gateway never asks.",
  ),
  notNeeded("AllowBlindTrading", TWS_ONLY),
  notNeeded("SaveTwsSettingsAt", "TWS only: Gateway has no File > Save Settings menu."),
  notNeeded("ConfirmCryptoCurrencyOrders", TWS_ONLY),
  notNeeded("DismissPasswordExpiryWarning", "TWS for India only."),
  notNeeded("DismissNSEComplianceNotice", "TWS for India only."),
  mapped(
    "CommandServerPort",
    "CONTROLLER_COMMAND_SERVER_PORT",
    "port, as is; 0 (IBC's 'off') leaves it unset.",
    {
      convert: (v) => (/^\s*0+\s*$/.test(v) ? { skip: "0 means the server is off" } : { value: v }),
    },
  ),
  mapped(
    "ControlFrom",
    "CONTROL_FROM",
    "comma list (entries trimmed, unlike IBC). Host names are resolved at start; IP addresses are safer. For remote clients prefer CONTROLLER_COMMAND_SERVER_AUTH_TOKEN.",
  ),
  mapped("BindAddress", "CONTROLLER_COMMAND_SERVER_HOST", "as is.", {
    ibcDefault: "all interfaces (0.0.0.0)",
  }),
  mapped("CommandPrompt", "PILOT_COMMAND_PROMPT", "as is (trimmed, as IBC reads strings)."),
  mapped(
    "SuppressInfoMessages",
    "PILOT_COMMAND_SERVER_INFO",
    "inverted: SuppressInfoMessages=no becomes PILOT_COMMAND_SERVER_INFO=yes.",
    {
      convert: (v) => {
        const b = ibcBool(v);
        return b === undefined
          ? { skip: `"${v}" is not yes/no/true/false; IBC silently used its default` }
          : { value: b ? "no" : "yes" };
      },
    },
  ),
  notNeeded("LogStructureScope", STRUCTURE),
  notNeeded("LogStructureWhen", STRUCTURE),
  notNeeded("LogComponents", STRUCTURE),
  notNeeded(
    "IncludeStackTraceForExceptions",
    "ibg-pilot logs errors with their cause; LOG_LEVEL=debug adds detail.",
  ),
  notNeeded("ShowAllTrades", "TWS only, and IBC itself cannot automate it on TWS 955 and later."),
  // Renamed or dropped before IBC 3 (IBC 3.24.1 ignores them, so the converter does too).
  notNeeded("ForceTwsApiPort", "IBC 3 ignores it: renamed OverrideTwsApiPort (TWS_API_PORT)."),
  notNeeded(
    "IbControllerPort",
    "IBC 3 ignores it: renamed CommandServerPort (CONTROLLER_COMMAND_SERVER_PORT).",
  ),
  notNeeded("IbControlFrom", "IBC 3 ignores it: renamed ControlFrom (CONTROL_FROM)."),
  notNeeded(
    "IbBindAddress",
    "IBC 3 ignores it: renamed BindAddress (CONTROLLER_COMMAND_SERVER_HOST).",
  ),
  notNeeded(
    "PasswordEncrypted",
    "Dropped by IBC 3. Keep the password in a file: TWS_PASSWORD_FILE.",
  ),
  notNeeded("FIXPasswordEncrypted", "Dropped by IBC 3; FIX is not supported."),
  notNeeded("IbAutoClosedown", "Dropped by IBC 3: use AutoLogoffTime (AUTO_LOGOFF_TIME)."),
  notNeeded("AutoConfirmOrders", "Dropped by IBC 3."),
  notNeeded("LogToConsole", "Dropped by IBC 3; ibg-pilot always logs to standard error."),
];

/** Row by IBC key. */
export const IBC_ROWS: ReadonlyMap<string, IbcRow> = new Map(IBC_TABLE.map((r) => [r.key, r]));

/** True when the setting is secret in the schema. */
export function isSecret(env: SettingName): boolean {
  return Boolean((SCHEMA[env] as { secret?: boolean }).secret);
}
