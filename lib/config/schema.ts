/**
 * THE settings table: every setting ibg-pilot reads, with its environment name, type, default,
 * one-line doc, whether it is secret, and the IBC config.ini key it replaces. Loading, `config`,
 * docs/configuration.md and the IBC converter are all driven from this one table.
 *
 * Names follow what users already have: the gnzsnz image and IBC names for Gateway settings,
 * ibg-controller's CONTROLLER_* names for the servers, LOG_* and UI_DRIVER as the issues name
 * them, and the prefix PILOT_ for every setting that is new to ibg-pilot.
 */

import * as t from "./types.ts";
import type { SettingType } from "./types.ts";

/** One row of the table. */
export interface SettingDef<T = unknown> {
  type: SettingType<T>;
  /** Default value, or undefined when unset means "leave Gateway's own value alone". */
  default?: NoInfer<T>;
  /** Human text for a default computed at load time (for example "TWS_PATH"). */
  defaultText?: string;
  /** One line: what it does. */
  doc: string;
  /** Secret: read from NAME or NAME_FILE, never printed, never accepted on the command line. */
  secret?: boolean;
  /** The IBC config.ini key this replaces, when there is one. */
  ibc?: string;
  /** Its section of docs/configuration.md. */
  group: Group;
}

/** A row as written in the table; {@link section} adds the group. */
type Row<T> = Omit<SettingDef<T>, "group">;

/** Sections of docs/configuration.md, in order. */
export const GROUPS = [
  "Login",
  "Second factor",
  "Gateway install",
  "Gateway settings",
  "Precautions",
  "Lifecycle",
  "Servers",
  "Container",
  "Controller",
] as const;
export type Group = (typeof GROUPS)[number];

function def<T>(d: Row<T> & { default: NoInfer<T> }): Row<T> & { default: T };
function def<T>(d: Row<T>): Row<T>;
function def<T>(d: Row<T>): Row<T> {
  return d;
}

/** The rows of one section, each with the section as its group (row types kept for Config). */
function section<R extends Record<string, Row<unknown>>>(
  group: Group,
  rows: R,
): { [N in keyof R]: R[N] & { group: Group } } {
  return Object.fromEntries(
    Object.entries(rows).map(([name, row]) => [name, { ...row, group }]),
  ) as { [N in keyof R]: R[N] & { group: Group } };
}

const bypass = (ibc: string, label: string) =>
  def({
    type: t.bool,
    ibc,
    doc: `Tick or clear API > Precautions "${label}" (unset: leave as is).`,
  });

/** The schema. Keys are the environment variable names. */
export const SCHEMA = {
  ...section("Login", {
    TWS_USERID: def({ type: t.text, ibc: "IbLoginId", doc: "IBKR username." }),
    TWS_PASSWORD: def({
      type: t.secret,
      secret: true,
      ibc: "IbPassword",
      doc: "IBKR password.",
    }),
    TWS_USERID_PAPER: def({
      type: t.text,
      doc:
        "Paper-trading username; used for paper when set (IBKR refuses the live user on paper when several paper users exist).",
    }),
    TWS_PASSWORD_PAPER: def({
      type: t.secret,
      secret: true,
      doc: "Password of TWS_USERID_PAPER.",
    }),
    TRADING_MODE: def({
      type: t.oneOf("live", "paper", "both"),
      default: "paper",
      ibc: "TradingMode",
      doc: "Which session to run; both runs live and paper side by side in one process.",
    }),
    EXISTING_SESSION_DETECTED_ACTION: def({
      type: t.oneOf("primary", "primaryoverride", "secondary", "manual"),
      default: "primary",
      ibc: "ExistingSessionDetectedAction",
      doc: "Answer to 'Existing session detected' (IBC semantics; see docs/from-ibc.md).",
    }),
    BYPASS_WARNING: def({
      type: t.list(),
      default: [],
      doc:
        "Extra disclaimer button labels to click (a bare OK is always refused); yes/no sets all nine precautions, as in the gnzsnz image.",
    }),
    ACCEPT_NON_BROKERAGE_WARNING: def({
      type: t.bool,
      default: true,
      ibc: "AcceptNonBrokerageAccountWarning",
      doc:
        "Click 'I understand and accept' on the paper-account warning (API connections fail until accepted).",
    }),
  }),
  ...section("Second factor", {
    TWOFACTOR_CODE: def({
      type: t.totpSecret,
      secret: true,
      doc:
        "TOTP secret of the Mobile Authenticator app method, base32 or the whole otpauth://totp/... URI of its QR code (whose period, digits and algorithm then count); enables unattended 2FA.",
    }),
    TWOFA_DEVICE: def({
      type: t.text,
      ibc: "SecondFactorDevice",
      doc:
        "Device to pick when Gateway asks to 'Select second factor device' (exact list text, e.g. Mobile Authenticator app).",
    }),
    READ_ONLY_LOGIN: def({
      type: t.bool,
      default: false,
      ibc: "ReadOnlyLogin",
      doc:
        "TWS only: click 'Enter Read Only' in the second-factor window (no 2FA; TWS runs read-only). Gateway has no such button.",
    }),
    TWOFA_EXIT_INTERVAL: def({
      type: t.int(5, 3600, "seconds"),
      default: 60,
      ibc: "SecondFactorAuthenticationExitInterval",
      doc:
        "After 2FA is answered, how long login may take to complete before TWOFA_TIMEOUT_ACTION.",
    }),
    TWOFA_TIMEOUT: def({
      type: t.int(2, 3600, "seconds"),
      default: 180,
      ibc: "SecondFactorAuthenticationTimeout",
      doc: "How long IBKR waits for a push (IB Key) approval before the 2FA dialog times out.",
    }),
    TWOFA_TIMEOUT_ACTION: def({
      type: t.oneOf("exit", "restart", "none"),
      default: "exit",
      doc:
        "When 2FA times out: exit (code 87, as IBC), restart Gateway, or none (wait for the operator).",
    }),
    RELOGIN_AFTER_TWOFA_TIMEOUT: def({
      type: t.bool,
      default: false,
      ibc: "ReloginAfterSecondFactorAuthenticationTimeout",
      doc:
        "After a missed 2FA prompt, log in again inside the running Gateway before TWOFA_TIMEOUT_ACTION.",
    }),
    PILOT_TOTP_MARGIN_SECONDS: def({
      type: t.int(0, 15, "seconds"),
      default: 3,
      doc:
        "A TOTP code with fewer seconds left than this is not submitted; the next code is used. Must be below the codes' period.",
    }),
  }),
  ...section("Gateway install", {
    TWS_PATH: def({
      type: t.path,
      defaultText: "~/Jts",
      doc: "Gateway install root (holds ibgateway/<version>/).",
    }),
    TWS_SETTINGS_PATH: def({
      type: t.path,
      defaultText: "TWS_PATH",
      ibc: "IbDir",
      doc:
        "Gateway settings directory (jts.ini, launcher.log, autorestart token); both mode adds _live/_paper.",
    }),
    TWS_MAJOR_VRSN: def({
      type: t.text,
      doc: "Installed version to run (1045 or 10.45.1j); unset picks the newest installed.",
    }),
    GATEWAY_OR_TWS: def({
      type: t.oneOf("gateway", "tws"),
      default: "gateway",
      doc:
        "Product to run: IB Gateway (`ibgateway/<version>`, main class ibgateway.GWClient) or Trader Workstation (`<version>`, main class jclient.LoginFrame).",
    }),
    JAVA_PATH: def({
      type: t.path,
      doc: "Directory or file of the java to use instead of the install's own JRE.",
    }),
    JAVA_HEAP_SIZE: def({
      type: t.int(256, 65536, "MiB"),
      doc: "Gateway's maximum heap (-Xmx) in MiB; unset keeps the install's vmoptions value.",
    }),
    // Download and install: lib/installer, docs/install.md.
    PILOT_GATEWAY_INSTALL: def({
      type: t.oneOf("never", "missing", "upgrade"),
      default: "never",
      doc:
        "never: use what is installed; missing: install the channel's build when TWS_PATH has no Gateway; upgrade: also install a newer channel build, used from the next restart.",
    }),
    PILOT_GATEWAY_CHANNEL: def({
      type: t.oneOf("stable", "latest"),
      default: "stable",
      doc: "IBKR's release channel that install and upgrade follow.",
    }),
    PILOT_GATEWAY_DOWNLOAD_URL: def({
      type: t.url,
      default: "https://download2.interactivebrokers.com/installers",
      doc:
        "Base URL with IBKR's layout beneath: tws/<channel>-standalone/version.json and ibgateway/<channel>-standalone/ibgateway-<channel>-standalone-linux-<x64|arm>.sh.",
    }),
    PILOT_GATEWAY_INSTALLER_URL: def({
      type: t.url,
      doc:
        "One pinned installer instead of the channel's (a mirror such as the gnzsnz releases, or file:///path); its version comes from its name, --version or TWS_MAJOR_VRSN.",
    }),
    PILOT_GATEWAY_INSTALLER_SHA256: def({
      type: t.sha256,
      doc: "SHA-256 the downloaded installer must have; a mismatch installs nothing.",
    }),
    PILOT_GATEWAY_DOWNLOAD_TIMEOUT: def({
      type: t.int(1, 3600, "seconds"),
      default: 60,
      doc: "A download that receives nothing for this long is stopped (nothing is installed).",
    }),
    PILOT_GATEWAY_UPGRADE_INTERVAL: def({
      type: t.int(1, 604800, "seconds"),
      default: 21600,
      doc:
        "With PILOT_GATEWAY_INSTALL=upgrade, how often the channel is checked while Gateway runs; a newer build is installed in the background and runs from the next restart.",
    }),
    GATEWAY_WARM_STATE: def({
      type: t.path,
      doc:
        "A folder written by `ibg-pilot export-state`: before the first launch its files that are missing in the settings directory are copied there (jts.ini, the autorestart token), so a new host may skip 2FA until the weekly reset (docs/warm-state.md).",
    }),
  }),
  ...section("Gateway settings", {
    TWS_SERVER: def({
      type: t.host,
      doc: "IBKR login server for live (for example ndc1.ibllc.com), written to jts.ini.",
    }),
    TWS_SERVER_PAPER: def({
      type: t.host,
      doc: "IBKR login server for paper; defaults to TWS_SERVER.",
    }),
    TIME_ZONE: def({
      type: t.timeZone,
      doc: "Gateway's time zone (jts.ini TimeZone).",
    }),
    TRUSTED_TWS_API_CLIENT_IPS: def({
      type: t.list(t.host),
      default: [],
      ibc: "TrustedTwsApiClientIPs",
      doc: "API client addresses Gateway trusts besides 127.0.0.1 (jts.ini TrustedIPs).",
    }),
    TWS_ENABLE_API: def({
      type: t.bool,
      default: true,
      doc:
        "TWS only: tick API > Settings 'Enable ActiveX and Socket Clients' after login (READY needs the API, and a fresh TWS has it off). Gateway's API is always on.",
    }),
    READ_ONLY_API: def({
      type: t.bool,
      ibc: "ReadOnlyApi",
      doc: "Tick or clear API > Settings 'Read-Only API' (unset: leave as is).",
    }),
    TWS_MASTER_CLIENT_ID: def({
      type: t.int(0, 2147483647),
      ibc: "OverrideTwsMasterClientID",
      doc: "API > Settings 'Master API client ID' (unset: leave as is).",
    }),
    TWS_API_PORT: def({
      type: t.port,
      ibc: "OverrideTwsApiPort",
      doc:
        "API > Settings 'Socket port' (unset: Gateway's default, 4001 live / 4002 paper). With TRADING_MODE=both it is the live session's port.",
    }),
    TWS_API_PORT_PAPER: def({
      type: t.port,
      doc:
        "The paper session's API socket port with TRADING_MODE=both (unset: 4002). In paper mode alone it overrides TWS_API_PORT.",
    }),
    AUTO_LOGOFF_TIME: def({
      type: t.time12,
      ibc: "AutoLogoffTime",
      doc: "Lock and Exit auto log off time; ignored when AUTO_RESTART_TIME is set.",
    }),
    AUTO_RESTART_TIME: def({
      type: t.time12,
      ibc: "AutoRestartTime",
      doc: "Lock and Exit auto restart time (daily restart without 2FA).",
    }),
  }),
  ...section("Precautions", {
    // API > Precautions: IBC's nine Bypass* keys.
    BYPASS_ORDER_PRECAUTIONS: bypass(
      "BypassOrderPrecautions",
      "Bypass Order Precautions for API Orders",
    ),
    BYPASS_BOND_WARNING: bypass("BypassBondWarning", "Bypass Bond warning for API Orders."),
    BYPASS_NEGATIVE_YIELD_CONFIRMATION: bypass(
      "BypassNegativeYieldToWorstConfirmation",
      "Bypass negative yield to worst confirmation for API Orders.",
    ),
    BYPASS_CALLED_BOND_WARNING: bypass(
      "BypassCalledBondWarning",
      "Bypass Called Bond warning for API Orders",
    ),
    BYPASS_SAME_ACTION_PAIR_TRADE_WARNING: bypass(
      "BypassSameActionPairTradeWarning",
      'Bypass "same action pair trade" warning for API orders.',
    ),
    BYPASS_PRICE_BASED_VOLATILITY_RISK_WARNING: bypass(
      "BypassPriceBasedVolatilityRiskWarning",
      "Bypass price-based volatility risk warning for API Orders.",
    ),
    BYPASS_US_STOCKS_MARKET_DATA_IN_SHARES_WARNING: bypass(
      "BypassUSStocksMarketDataInSharesWarning",
      "Bypass US Stocks market data in shares warning for API Orders",
    ),
    BYPASS_REDIRECT_ORDER_WARNING: bypass(
      "BypassRedirectOrderWarning",
      "Bypass Redirect Order warning for Stock API Orders",
    ),
    BYPASS_NO_OVERFILL_PROTECTION_PRECAUTION: bypass(
      "BypassNoOverfillProtectionPrecaution",
      "Bypass No Overfill Protection precaution for destinations where implied natively.",
    ),
  }),
  ...section("Lifecycle", {
    PILOT_LOGIN_FRAME_TIMEOUT: def({
      type: t.int(5, 3600, "seconds"),
      default: 60,
      ibc: "LoginDialogDisplayTimeout",
      doc: "How long to wait for Gateway's login window after the JVM starts.",
    }),
    PILOT_AGENT_TIMEOUT: def({
      type: t.int(1, 600, "seconds"),
      default: 30,
      doc: "How long to wait for the agent inside Gateway's JVM to say hello.",
    }),
    PILOT_API_READY_TIMEOUT: def({
      type: t.int(5, 3600, "seconds"),
      default: 180,
      doc: "After login, how long the API port may take to answer the handshake.",
    }),
    PILOT_CLEAN_LOGOUT_TIMEOUT: def({
      type: t.int(1, 600, "seconds"),
      default: 20,
      doc: "How long Gateway's own close path may take before signals are used.",
    }),
    PILOT_PROBE_INTERVAL: def({
      type: t.int(5, 3600, "seconds"),
      default: 30,
      doc: "While ready, how often the API handshake is re-probed.",
    }),
    PILOT_CRASH_BACKOFF_INITIAL: def({
      type: t.int(1, 3600, "seconds"),
      default: 5,
      doc:
        "After Gateway's JVM exits unexpectedly, wait this long before starting it again; doubles with each crash in a row.",
    }),
    PILOT_CRASH_BACKOFF_MAX: def({
      type: t.int(1, 7200, "seconds"),
      default: 300,
      doc: "The cap of the crash backoff.",
    }),
    PILOT_CRASH_MAX_RESTARTS: def({
      type: t.int(1, 100),
      default: 5,
      doc:
        "Unexpected JVM exits in a row (without reaching READY) that are restarted; the next one halts with ALERT_JVM_RESTART_EXHAUSTED.",
    }),
    PILOT_CCP_BACKOFF_INITIAL: def({
      type: t.int(1, 3600, "seconds"),
      default: 60,
      doc:
        "After a login IBKR never answered (silent CCP timeout), wait this long before logging in again inside the running Gateway; doubles each time.",
    }),
    PILOT_CCP_BACKOFF_MAX: def({
      type: t.int(1, 7200, "seconds"),
      default: 600,
      doc: "The cap of the CCP backoff (reset when IBKR answers a login).",
    }),
    PILOT_CCP_MAX_RELOGINS: def({
      type: t.int(1, 100),
      default: 8,
      doc:
        "Unanswered logins in a row before ibg-pilot stops retrying: it halts (ALERT_CCP_PERSISTENT_HALT) or, with PILOT_CCP_COOLDOWN, restarts Gateway after a cool-down.",
    }),
    PILOT_CCP_COOLDOWN: def({
      type: t.int(0, 86400, "seconds"),
      default: 0,
      doc:
        "0: a persistent lockout halts and waits for the operator. Otherwise: stop Gateway, wait this long (x1.5 each time, at most 3600 s), start it again; after the crash restart limit it halts.",
    }),
    PILOT_MAINTENANCE_WINDOW: def({
      type: t.minuteRange,
      default: { startMinute: 23 * 60 + 30, endMinute: 30 },
      doc:
        "IBKR's nightly maintenance window in America/New_York time (HH:MM-HH:MM); starts and re-logins inside it wait for its end. 'off' disables the wait.",
    }),
    PILOT_PROBE_CLIENT_ID: def({
      type: t.int(0, 2147483647),
      default: 999,
      doc: "Reserved API client id for deep probes (never used by your own clients).",
    }),
    PILOT_LOG_EXPORT_DIR: def({
      type: t.path,
      doc:
        "Export Gateway's logs and API logs daily through Gateway's own File menu into this folder (gateway_<YYYYMMDD>.log, api_<YYYYMMDD>.log; both mode: live/ and paper/); unset: off (docs/log-export.md).",
    }),
    PILOT_LOG_EXPORT_TIME: def({
      type: t.clock,
      default: { hour: 6, minute: 0 },
      doc:
        "When the daily log export runs, HH:MM in America/New_York (never inside PILOT_MAINTENANCE_WINDOW; a missed time runs as soon as the session is READY the same day).",
    }),
    PILOT_LOG_EXPORT_KEEP_DAYS: def({
      type: t.int(1, 3650, "days"),
      default: 14,
      doc: "Exported log files older than this many days are removed.",
    }),
  }),
  ...section("Servers", {
    CONTROLLER_COMMAND_SERVER_PORT: def({
      type: t.port,
      ibc: "CommandServerPort",
      doc: "IBC-compatible command server port (IBC's convention is 7462); unset: off.",
    }),
    CONTROLLER_COMMAND_SERVER_HOST: def({
      type: t.host,
      default: "127.0.0.1",
      ibc: "BindAddress",
      doc: "Address the command server listens on.",
    }),
    CONTROLLER_COMMAND_SERVER_AUTH_TOKEN: def({
      type: t.secret,
      secret: true,
      doc: "When set, non-loopback clients must send 'AUTH <token>' first.",
    }),
    CONTROL_FROM: def({
      type: t.list(t.host),
      default: [],
      ibc: "ControlFrom",
      doc: "Extra client addresses allowed on the command server besides loopback.",
    }),
    PILOT_COMMAND_SERVER_INFO: def({
      type: t.bool,
      default: false,
      ibc: "SuppressInfoMessages",
      doc:
        "Send IBC's intermediate INFO lines on the command server (IBC's SuppressInfoMessages=no).",
    }),
    PILOT_COMMAND_PROMPT: def({
      type: t.text,
      ibc: "CommandPrompt",
      doc:
        "Prompt the command server writes, without a newline, after each reply (IBC's CommandPrompt).",
    }),
    CONTROLLER_HEALTH_SERVER_PORT: def({
      type: t.port,
      doc: "HTTP port for /health, /ready and /metrics; unset: off.",
    }),
    CONTROLLER_HEALTH_SERVER_HOST: def({
      type: t.host,
      default: "127.0.0.1",
      doc: "Address the health server listens on (0.0.0.0 in containers).",
    }),
    CONTROLLER_READY_FILE: def({
      type: t.path,
      doc: "File written (atomically) while the session is ready, removed when it is not.",
    }),
    PILOT_CONSOLE: def({
      type: t.bool,
      default: false,
      doc:
        "Serve the browser console (/console/: Gateway's screen and each session's state) on the health server's port (docs/console.md).",
    }),
    PILOT_CONSOLE_TOKEN: def({
      type: t.secret,
      secret: true,
      doc:
        "Token the console asks for; required unless the health server listens on loopback only.",
    }),
    PILOT_CONSOLE_CONTROL: def({
      type: t.bool,
      default: false,
      doc:
        "Let the console's viewer click and type into Gateway; unset: view only (input is dropped by ibg-pilot, not only by the page).",
    }),
  }),
  ...section("Container", {
    // docs/container.md
    PILOT_XVFB: def({
      type: t.oneOf("auto", "yes", "no"),
      default: "auto",
      doc:
        "Start a private Xvfb for Gateway: auto when DISPLAY is unset (containers; a desktop always has DISPLAY), yes always, no never.",
    }),
    PILOT_XVFB_SCREEN: def({
      type: t.text,
      default: "1280x1024x24",
      doc: "Screen of that Xvfb, WIDTHxHEIGHTxDEPTH.",
    }),
    PILOT_API_FORWARD: def({
      type: t.oneOf("auto", "yes", "no"),
      default: "auto",
      doc:
        "Relay outside API ports to Gateway's from 127.0.0.1 (socat's job in the gnzsnz image), open only while the session is READY: auto when DISPLAY is unset (containers), yes, no.",
    }),
    PILOT_API_FORWARD_HOST: def({
      type: t.host,
      default: "0.0.0.0",
      doc: "Address the forwarded API ports listen on.",
    }),
    PILOT_API_FORWARD_PORT: def({
      type: t.port,
      default: 4003,
      doc: "Outside port relayed to the live session's API port (gnzsnz: 4003 -> 4001).",
    }),
    PILOT_API_FORWARD_PORT_PAPER: def({
      type: t.port,
      default: 4004,
      doc: "Outside port relayed to the paper session's API port (gnzsnz: 4004 -> 4002).",
    }),
    VNC_SERVER_PASSWORD: def({
      type: t.secret,
      secret: true,
      doc:
        "When set and ibg-pilot starts the display (PILOT_XVFB), x11vnc serves it on PILOT_VNC_PORT with this password (VNC uses its first 8 characters), as the gnzsnz image did.",
    }),
    PILOT_VNC_PORT: def({
      type: t.port,
      default: 5900,
      doc: "Port of the VNC server (x11vnc).",
    }),
    PILOT_VNC_HOST: def({
      type: t.host,
      default: "0.0.0.0",
      doc:
        "Address x11vnc listens on when VNC_SERVER_PASSWORD is set; without it (console only) x11vnc listens on 127.0.0.1.",
    }),
  }),
  ...section("Controller", {
    UI_DRIVER: def({
      type: t.oneOf("agent", "atspi", "auto"),
      default: "agent",
      doc:
        "UI channel: the in-JVM agent; AT-SPI over D-Bus (loads the ATK bridge into Gateway, the agent only for what AT-SPI cannot do); or auto (the agent, else AT-SPI).",
    }),
    PILOT_RUNTIME_DIR: def({
      type: t.path,
      default: "/tmp/ibg-pilot",
      doc:
        "Private directory (0700) for the agent jar and sockets (the compiled binary may only use the default; see docs/permissions.md).",
    }),
    PILOT_DIALOG_RULES: def({
      type: t.path,
      doc:
        "YAML or JSON file of extra dialog rules (same rows as the built-in catalogue, docs/dialogs.md): tried after the safety rows, before the catch-alls; a rule may replace a built-in row by id. Checked at start (exit 2 on any problem); SIGHUP reloads it.",
    }),
    LOG_LEVEL: def({
      type: t.oneOf("trace", "debug", "info", "warning", "error", "fatal"),
      default: "info",
      doc: "Lowest log level printed.",
    }),
    LOG_FORMAT: def({
      type: t.oneOf("text", "json"),
      default: "text",
      doc: "Log output: human text, or one JSON object per line.",
    }),
  }),
};

/** A setting's name. */
export type SettingName = keyof typeof SCHEMA;

/** The value type of one setting. */
export type ValueOf<N extends SettingName> = ReturnType<(typeof SCHEMA)[N]["type"]["parse"]> extends
  { ok: true; value: infer T } | { ok: false } ? T
  : never;

/** The settings that have a default: never undefined in a loaded configuration. */
export type DefaultedName = {
  [N in SettingName]: (typeof SCHEMA)[N] extends { default: unknown } ? N : never;
}[SettingName];

/**
 * The effective configuration: a setting with a default always has a value; any other is
 * undefined when unset.
 */
export type Config =
  & { [N in DefaultedName]: ValueOf<N> }
  & { [N in Exclude<SettingName, DefaultedName>]: ValueOf<N> | undefined };

/** All setting names, in table order. */
export const SETTING_NAMES = Object.keys(SCHEMA) as SettingName[];

/** The definition of one setting (widened for generic code). */
export function settingDef(name: SettingName): SettingDef<unknown> {
  return SCHEMA[name] as unknown as SettingDef<unknown>;
}
