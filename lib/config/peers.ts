/**
 * THE table of the environment variables of the systems our users come from: the gnzsnz
 * ib-gateway image (its Dockerfile ENV and run.sh), ibg-controller (its README and run.sh) and
 * IBGA (its config-args reference). For each: honoured (same name, same meaning), an alias of
 * one of our settings (read with a conversion), not needed (why), or unsupported (why, and what
 * to do). The loader reads the aliases and warns, once per variable, about every set variable
 * it does not honour; docs/from-peers.md is generated from this table. IBC's config.ini keys
 * have their own table (lib/ibc/mapping.ts).
 */

import type { SettingName } from "./schema.ts";

/** The systems whose settings are listed. */
export const PEER_SYSTEMS = ["gnzsnz", "ibg-controller", "IBGA"] as const;
export type PeerSystem = (typeof PEER_SYSTEMS)[number];

/** What ibg-pilot does with one variable. */
export type PeerStatus = "honoured" | "alias" | "not needed" | "unsupported";

/** An alias's value converted to our setting's text, or why it is not used. */
export type AliasValue = { value: string } | { skip: string };

/** One row of the table. */
export interface PeerRow {
  /** The environment variable, exactly as the other system reads it. */
  name: string;
  /** Which systems read it. */
  systems: readonly PeerSystem[];
  status: PeerStatus;
  /** honoured: the setting it feeds (same name, or NAME_FILE's NAME); alias: our setting. */
  env?: SettingName;
  /** alias: the conversion to our setting's text (default: as is). */
  convert?: (raw: string) => AliasValue;
  /** honoured/alias: how; not needed: why; unsupported: why and what to use instead. */
  how: string;
  /** Set by the image itself (gnzsnz Dockerfile ENV): never warned about. */
  baked?: boolean;
  /** Values that mean what ibg-pilot does anyway (an image's default "no"): no warning. */
  quietWhen?: RegExp;
  /** A typical value, used by the test of every row and in the docs. */
  example: string;
  /** Secret: never shown, even in warnings. */
  secret?: boolean;
}

const G: readonly PeerSystem[] = ["gnzsnz"];
const C: readonly PeerSystem[] = ["ibg-controller"];
const GC: readonly PeerSystem[] = ["gnzsnz", "ibg-controller"];
const I: readonly PeerSystem[] = ["IBGA"];

const honoured = (
  name: string,
  systems: readonly PeerSystem[],
  example: string,
  how = "same name, same meaning.",
  extra: Partial<PeerRow> = {},
): PeerRow => ({
  name,
  systems,
  status: "honoured",
  env: name as SettingName,
  how,
  example,
  ...extra,
});
const alias = (
  name: string,
  systems: readonly PeerSystem[],
  env: SettingName,
  example: string,
  how: string,
  extra: Partial<PeerRow> = {},
): PeerRow => ({ name, systems, status: "alias", env, how, example, ...extra });
/** A row ibg-pilot does not read, with why. */
const ignored = (status: "not needed" | "unsupported") =>
(
  name: string,
  systems: readonly PeerSystem[],
  example: string,
  how: string,
  extra: Partial<PeerRow> = {},
): PeerRow => ({ name, systems, status, how, example, ...extra });
const notNeeded = ignored("not needed");
const unsupported = ignored("unsupported");

const OFF = /^(no|false|0|off)$/i;
const SSH =
  "ibg-pilot opens no SSH tunnel: run the tunnel in a sidecar container that connects to the forwarded API ports (PILOT_API_FORWARD_PORT, PILOT_API_FORWARD_PORT_PAPER).";
const HOOKS =
  "ibg-pilot runs no hook scripts: use your own entrypoint script that ends with `exec ibg-pilot run`.";
const IBC_FILES = "IBC's files: ibg-pilot does not use IBC (set by the gnzsnz image).";
const TWS_ONLY = "TWS only: IB Gateway has no such setting.";
const VNC =
  "same name: x11vnc serves ibg-pilot's own display on PILOT_VNC_PORT (5900), password never on a command line (docs/container.md).";
const TWS_IMAGE_USER = "The TWS rdesktop image's desktop user: ibg-pilot creates no users.";
const CCP_RESTARTS =
  "use PILOT_CCP_COOLDOWN: 0 (the default) halts on a persistent CCP lockout as CCP_LOCKOUT_MAX_JVM_RESTARTS=0 does; a number of seconds restarts Gateway after that cool-down, up to PILOT_CRASH_MAX_RESTARTS times.";
const CCP_COOLDOWN =
  "use PILOT_CCP_COOLDOWN (seconds; it grows x1.5 per restart up to 3600 s). Note that 0 there means halt.";
const IBGA_INTERNAL = "IBGA's own paths and ports inside its image; ibg-pilot does not use them.";

const truthy = /^(y|yes|true|1|on)$/i;

/** The table, gnzsnz first (ecosystem facts 1.6 order), then ibg-controller, then IBGA. */
export const PEER_TABLE: readonly PeerRow[] = [
  // ---- gnzsnz image (and ibg-controller, which runs inside it)
  honoured("TWS_USERID", GC, "alice"),
  honoured("TWS_PASSWORD", GC, "s3cret", "same name (secret; prefer TWS_PASSWORD_FILE).", {
    secret: true,
  }),
  honoured("TWS_PASSWORD_FILE", G, "(a file)", "same name: the password is read from the file.", {
    env: "TWS_PASSWORD",
  }),
  honoured("TRADING_MODE", GC, "paper", "same name: live, paper or both."),
  honoured(
    "DUAL_MODE",
    GC,
    "yes",
    "yes means TRADING_MODE=both, as in the gnzsnz run.sh.",
    { env: "TRADING_MODE" },
  ),
  honoured("TWS_USERID_PAPER", GC, "alice-paper"),
  honoured("TWS_PASSWORD_PAPER", GC, "s3cret", "same name (secret).", { secret: true }),
  honoured(
    "TWS_PASSWORD_PAPER_FILE",
    G,
    "(a file)",
    "same name: the paper password is read from the file.",
    { env: "TWS_PASSWORD_PAPER" },
  ),
  honoured("READ_ONLY_API", GC, "yes"),
  honoured("VNC_SERVER_PASSWORD", GC, "vncpass", VNC, { secret: true }),
  honoured(
    "VNC_SERVER_PASSWORD_FILE",
    G,
    "(a file)",
    `${VNC} The password is read from the file.`,
    {
      env: "VNC_SERVER_PASSWORD",
    },
  ),
  honoured(
    "TWOFA_TIMEOUT_ACTION",
    GC,
    "restart",
    "same name: exit, restart, or none (ibg-controller's default is none, ours is exit, as IBC's).",
  ),
  honoured("TWOFA_DEVICE", GC, "IB Key"),
  honoured(
    "TWOFA_EXIT_INTERVAL",
    GC,
    "60",
    "same name and IBC meaning: how long login may take after 2FA is answered (ibg-controller used it as the whole 2FA wait; that is TWOFA_TIMEOUT here).",
  ),
  honoured("RELOGIN_AFTER_TWOFA_TIMEOUT", GC, "yes"),
  honoured(
    "BYPASS_WARNING",
    GC,
    "yes",
    "same name: yes/no sets the nine API precautions (gnzsnz); a list of button labels adds disclaimer buttons to click (ibg-controller).",
  ),
  honoured("AUTO_RESTART_TIME", GC, "11:59 PM"),
  honoured("AUTO_LOGOFF_TIME", GC, "11:00 PM"),
  unsupported(
    "TWS_COLD_RESTART",
    GC,
    "05:00",
    "no built-in schedule: schedule `ibg-pilot send STOP` for that time (cron, Kubernetes CronJob) with a restart policy that starts ibg-pilot again; it then logs in in full.",
  ),
  notNeeded("SAVE_TWS_SETTINGS", GC, "23:00", "TWS only: Gateway has no File > Save Settings."),
  honoured("EXISTING_SESSION_DETECTED_ACTION", GC, "primary"),
  notNeeded("ALLOW_BLIND_TRADING", GC, "yes", TWS_ONLY, { quietWhen: OFF }),
  unsupported(
    "TWS_ACCEPT_INCOMING",
    G,
    "accept",
    "ibg-pilot does not answer 'Accept incoming connection': list your API clients in TRUSTED_TWS_API_CLIENT_IPS so Gateway never asks (clients through the forwarded ports come from 127.0.0.1 anyway).",
    { quietWhen: /^manual$/i },
  ),
  honoured("TWS_MASTER_CLIENT_ID", GC, "7"),
  honoured("TIME_ZONE", GC, "Etc/UTC"),
  {
    name: "TZ",
    systems: G,
    status: "honoured",
    how: "the container's time zone: ibg-pilot passes it to Gateway's JVM unchanged.",
    example: "Etc/UTC",
  },
  unsupported(
    "CUSTOM_CONFIG",
    GC,
    "yes",
    "there is no IBC config.ini template: convert your config.ini once with `ibg-pilot convert-ibc` and set the variables it prints; a jts.ini in TWS_SETTINGS_PATH is used as it is.",
    { quietWhen: OFF },
  ),
  honoured("JAVA_HEAP_SIZE", GC, "1024"),
  honoured("TWS_SETTINGS_PATH", GC, "/home/ibgateway/tws_settings"),
  unsupported("SSH_TUNNEL", GC, "yes", SSH, { quietWhen: OFF }),
  unsupported("SSH_OPTIONS", G, "-o StrictHostKeyChecking=no", SSH),
  unsupported("SSH_ALIVE_INTERVAL", G, "20", SSH),
  unsupported("SSH_ALIVE_COUNT", G, "3", SSH),
  unsupported("SSH_PASSPHRASE", G, "phrase", SSH, { secret: true }),
  unsupported("SSH_PASSPHRASE_FILE", G, "(a file)", SSH),
  unsupported("SSH_REMOTE_PORT", G, "4001", SSH),
  unsupported("SSH_USER_TUNNEL", G, "me@bastion", SSH),
  unsupported("SSH_RESTART", G, "5", SSH),
  unsupported("SSH_VNC_PORT", G, "5901", SSH),
  unsupported("SSH_RDP_PORT", G, "3390", SSH),
  unsupported("START_SCRIPTS", GC, "init-scripts", HOOKS),
  unsupported("X_SCRIPTS", GC, "x-scripts", HOOKS),
  unsupported("IBC_SCRIPTS", G, "ibc-scripts", HOOKS),
  notNeeded("PUID", G, "1000", TWS_IMAGE_USER),
  notNeeded("PGID", G, "1000", TWS_IMAGE_USER),
  notNeeded("PASSWD", G, "abc", TWS_IMAGE_USER, { secret: true }),
  notNeeded("PASSWD_FILE", G, "(a file)", TWS_IMAGE_USER),
  // Baked into the gnzsnz image's ENV: always set there, so never warned about.
  honoured("TWS_PATH", GC, "/home/ibgateway/Jts", "same name: the install root.", {
    baked: true,
  }),
  honoured(
    "TWS_MAJOR_VRSN",
    GC,
    "10.45.1j",
    "same name: the installed version to run.",
    { baked: true },
  ),
  honoured("GATEWAY_OR_TWS", GC, "gateway", "same name: gateway or tws.", { baked: true }),
  notNeeded(
    "IB_GATEWAY_VERSION",
    G,
    "10.45.1j",
    "the image's label of its Gateway version; TWS_MAJOR_VRSN picks the version to run.",
    { baked: true },
  ),
  notNeeded("TWS_INI", G, "jts.ini", "jts.ini's name is fixed; ibg-pilot writes its keys itself.", {
    baked: true,
  }),
  notNeeded(
    "TWS_INI_TMPL",
    G,
    "jts.ini.tmpl",
    "ibg-pilot writes jts.ini's keys itself; there is no template.",
    { baked: true },
  ),
  notNeeded("IBC_PATH", G, "/home/ibgateway/ibc", IBC_FILES, { baked: true }),
  notNeeded("IBC_INI", G, "/home/ibgateway/ibc/config.ini", IBC_FILES, { baked: true }),
  notNeeded("IBC_INI_TMPL", G, "/home/ibgateway/ibc/config.ini.tmpl", IBC_FILES, {
    baked: true,
  }),
  notNeeded(
    "SCRIPT_PATH",
    G,
    "/home/ibgateway/scripts",
    "run.sh's folder: ibg-pilot replaces run.sh.",
    {
      baked: true,
    },
  ),

  // ---- ibg-controller
  honoured(
    "TWOFACTOR_CODE",
    C,
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "same name: the base32 TOTP secret (secret; prefer TWOFACTOR_CODE_FILE).",
    { secret: true },
  ),
  honoured(
    "TWOFACTOR_CODE_FILE",
    C,
    "(a file)",
    "same name: the TOTP secret is read from the file.",
    { env: "TWOFACTOR_CODE" },
  ),
  honoured("TWS_SERVER", C, "ndc1.ibllc.com"),
  honoured("TWS_SERVER_PAPER", C, "ndc1.ibllc.com"),
  honoured("CONTROLLER_READY_FILE", C, "/tmp/gateway_ready"),
  honoured("CONTROLLER_COMMAND_SERVER_PORT", C, "7462"),
  honoured(
    "CONTROLLER_COMMAND_SERVER_HOST",
    C,
    "0.0.0.0",
    "same name (ibg-controller listens on 0.0.0.0 by default, ibg-pilot on 127.0.0.1).",
  ),
  honoured("CONTROLLER_COMMAND_SERVER_AUTH_TOKEN", C, "token", "same name (secret).", {
    secret: true,
  }),
  honoured("CONTROLLER_HEALTH_SERVER_PORT", C, "8080"),
  honoured(
    "CONTROLLER_HEALTH_SERVER_HOST",
    C,
    "0.0.0.0",
    "same name (ibg-controller's default is 0.0.0.0, ibg-pilot's 127.0.0.1; its image sets 0.0.0.0).",
  ),
  alias(
    "CONTROLLER_DEBUG",
    C,
    "LOG_LEVEL",
    "1",
    "a true value (yes/true/1/on) means LOG_LEVEL=debug.",
    { convert: (v) => (truthy.test(v) ? { value: "debug" } : { skip: "" }) },
  ),
  honoured(
    "GATEWAY_WARM_STATE",
    C,
    "/warm",
    "same name: only files missing in the settings directory are copied, once (a marker file records it); TWS_COLD_RESTART does not skip it. `ibg-pilot export-state DIR` writes such a folder.",
  ),
  notNeeded(
    "GATEWAY_INPUT_AGENT_JAR",
    C,
    "/home/ibgateway/gateway-input-agent.jar",
    "ibg-pilot's agent is built into the binary and written to PILOT_RUNTIME_DIR.",
  ),
  notNeeded(
    "GATEWAY_INPUT_AGENT_SOCKET",
    C,
    "/tmp/gateway-input.sock",
    "ibg-pilot's agent sockets live in PILOT_RUNTIME_DIR, one per mode.",
  ),
  unsupported(
    "CONTROLLER_TEST_MODE",
    C,
    "1",
    "use `ibg-pilot doctor` to check the set-up and `ibg-pilot inspect` to list Gateway's windows.",
  ),
  unsupported(
    "PASSKEY_AUTHENTICATE",
    C,
    "yes",
    "ibg-pilot does not start a passkey ceremony: a passkey login halts with an alert and waits for a person.",
    { quietWhen: OFF },
  ),
  notNeeded(
    "AUTO_RESTART_ADOPT",
    C,
    "yes",
    "ibg-pilot keeps Gateway's auto-restart under its own control (it disables install4j's relaunch and restarts Gateway itself with the restart token: docs/gateway-launch.md), so there is nothing to adopt.",
  ),
  notNeeded(
    "AUTO_RESTART_ADOPT_TIMEOUT_SECONDS",
    C,
    "90",
    "ibg-pilot restarts Gateway itself at its auto-restart; nothing is adopted.",
  ),
  notNeeded(
    "AUTO_RESTART_PROBE_SECONDS",
    C,
    "15",
    "ibg-pilot restarts Gateway itself at its auto-restart; nothing is adopted.",
  ),
  notNeeded(
    "SOCAT_PORT",
    C,
    "4003",
    "ibg-pilot forwards the API ports itself: PILOT_API_FORWARD_PORT and PILOT_API_FORWARD_PORT_PAPER.",
  ),
  unsupported("CCP_LOCKOUT_MAX_JVM_RESTARTS", C, "2", CCP_RESTARTS),
  unsupported("CCP_COOLDOWN_SECONDS", C, "1200", CCP_COOLDOWN),
  unsupported("CCP_COOLDOWN_MULTIPLIER", C, "1.5", CCP_COOLDOWN),
  unsupported("CCP_COOLDOWN_MAX_SECONDS", C, "3600", CCP_COOLDOWN),
  unsupported(
    "CCP_MAINTENANCE_RECOVERY_DELAY_SECONDS",
    C,
    "480",
    "ibg-pilot waits until IBKR's maintenance window ends instead of a fixed delay: set the window with PILOT_MAINTENANCE_WINDOW.",
  ),
  alias(
    "CLEAN_LOGOUT_TIMEOUT_SECONDS",
    C,
    "PILOT_CLEAN_LOGOUT_TIMEOUT",
    "15",
    "seconds, as is: how long Gateway's own close path may take.",
  ),
  unsupported(
    "JVM_TEARDOWN_GRACE_SECONDS",
    C,
    "30",
    "after PILOT_CLEAN_LOGOUT_TIMEOUT ibg-pilot signals Gateway with fixed grace periods; raise PILOT_CLEAN_LOGOUT_TIMEOUT instead.",
  ),
  notNeeded(
    "USE_IBG_CONTROLLER",
    C,
    "yes",
    "ibg-pilot is the controller: there is no IBC fallback to choose.",
  ),
  notNeeded(
    "USE_PYATSPI2_CONTROLLER",
    C,
    "yes",
    "ibg-controller's old name for USE_IBG_CONTROLLER: ibg-pilot is the controller.",
  ),
  notNeeded(
    "DUAL_MODE_STAGGER_SECONDS",
    C,
    "15",
    "with TRADING_MODE=both ibg-pilot runs both sessions in one process with separate settings directories; no stagger is needed.",
  ),
  unsupported(
    "CONTROLLER_SCRIPTS",
    C,
    "ready-scripts",
    "ibg-pilot runs no hook scripts: wait for CONTROLLER_READY_FILE or `ibg-pilot health` in your own script.",
  ),

  // ---- IBGA
  alias("IB_USERNAME", I, "TWS_USERID", "alice", "the IBKR username, as is."),
  alias("IB_PASSWORD", I, "TWS_PASSWORD", "s3cret", "as is (secret; prefer TWS_PASSWORD_FILE).", {
    secret: true,
  }),
  alias(
    "IB_TIMEZONE",
    I,
    "TIME_ZONE",
    "America/New York",
    "spaces become underscores (America/New York is America/New_York); written to jts.ini. The container's clock zone is TZ.",
    { convert: (v) => ({ value: v.trim().replace(/ /g, "_") }) },
  ),
  notNeeded(
    "IB_LOGINTAB",
    I,
    "FIX CTCI",
    "ibg-pilot always logs in with IB API; FIX CTCI is not supported (keep IBGA or IBC for FIX).",
    { quietWhen: /^IB API$/i },
  ),
  alias(
    "IB_LOGINTYPE",
    I,
    "TRADING_MODE",
    "Paper Trading",
    "Live Trading is live, Paper Trading is paper.",
    {
      convert: (v) => {
        const m = /^\s*(live|paper)(\s+trading)?\s*$/i.exec(v);
        return m
          ? { value: m[1].toLowerCase() }
          : { skip: `"${v}" is not Live Trading or Paper Trading; set TRADING_MODE instead` };
      },
    },
  ),
  alias(
    "IB_LOGOFF",
    I,
    "AUTO_RESTART_TIME",
    "11:55 PM",
    "hh:mm AM/PM, as is: IBGA sets Lock and Exit to Auto restart at this time (so 2FA holds for the week); for a daily log off set AUTO_LOGOFF_TIME instead.",
  ),
  unsupported(
    "IB_REGION",
    I,
    "Europe",
    "ibg-pilot does not pick the login form's region: set TWS_SERVER to the region's login host (ndc1.ibllc.com America, gdc1.ibllc.com Europe, hdc1.ibllc.com Asia).",
  ),
  alias(
    "IB_READONLY",
    I,
    "READ_ONLY_API",
    "yes",
    "y, yes or true ticks Read-Only API; anything else clears it, as IBGA does.",
    { convert: (v) => ({ value: truthy.test(v.trim()) ? "yes" : "no" }) },
  ),
  unsupported(
    "IB_APILOG",
    I,
    "data",
    "ibg-pilot does not tick 'Create API message log file': tick it once in Configure > Settings > API and keep TWS_SETTINGS_PATH on a volume.",
  ),
  unsupported(
    "IB_LOGLEVEL",
    I,
    "Detail",
    "ibg-pilot does not set the API 'Logging Level': set it once in Configure > Settings > API and keep TWS_SETTINGS_PATH on a volume.",
  ),
  alias(
    "IB_PREFER_IBKEY",
    I,
    "TWOFA_DEVICE",
    "true",
    "true means TWOFA_DEVICE=IB Key (pick IB Key in the device list and wait for the push).",
    { convert: (v) => (truthy.test(v.trim()) ? { value: "IB Key" } : { skip: "" }) },
  ),
  alias(
    "TOTP_KEY",
    I,
    "TWOFACTOR_CODE",
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "the base32 secret, as is (secret; prefer TWOFACTOR_CODE_FILE).",
    { secret: true },
  ),
  alias(
    "IBGA_VNC_PASSWORD",
    I,
    "VNC_SERVER_PASSWORD",
    "vncpass",
    "as is: x11vnc on port 5900; IBGA's browser view (noVNC on 5800) is PILOT_CONSOLE=yes (docs/console.md).",
    { secret: true },
  ),
  notNeeded(
    "IBGA_EXPORT_LOGS",
    I,
    "true",
    "the daily export is on when PILOT_LOG_EXPORT_DIR (or IBGA_LOG_EXPORT_DIR) is set; it runs at PILOT_LOG_EXPORT_TIME (docs/log-export.md).",
    { quietWhen: OFF },
  ),
  alias(
    "IBGA_LOG_EXPORT_DIR",
    I,
    "PILOT_LOG_EXPORT_DIR",
    "/home/ibg_settings/exported_logs",
    "as is: the folder of the daily export; files are named gateway_<YYYYMMDD>.log and api_<YYYYMMDD>.log, as IBGA names them, by the day of the log.",
  ),
  notNeeded(
    "IBGA_RECONNECT_INTERVAL",
    I,
    "60",
    "ibg-pilot answers 'Reconnect This Session' whenever Gateway shows it (EXISTING_SESSION_DETECTED_ACTION), no polling interval needed.",
    { quietWhen: /^0$/ },
  ),
  notNeeded("IBG_DIR", I, "/home/ibg", IBGA_INTERNAL),
  notNeeded("IBG_SETTINGS_DIR", I, "/home/ibg_settings", `${IBGA_INTERNAL} Use TWS_SETTINGS_PATH.`),
  notNeeded("IBG_PORT_INTERNAL", I, "9000", `${IBGA_INTERNAL} Use TWS_API_PORT.`),
  notNeeded("IBG_PORT", I, "4000", `${IBGA_INTERNAL} Use PILOT_API_FORWARD_PORT.`),
  unsupported(
    "IBG_DOWNLOAD_URL",
    I,
    "https://download2.interactivebrokers.com/installers/ibgateway/latest-standalone/ibgateway-latest-standalone-linux-x64.sh",
    "set PILOT_GATEWAY_INSTALL=missing and PILOT_GATEWAY_CHANNEL=latest (IBGA's channel) to install at start; a mirror is PILOT_GATEWAY_DOWNLOAD_URL (IBKR's layout beneath) or PILOT_GATEWAY_INSTALLER_URL (docs/install.md).",
  ),
];

/** The one warning line for a set variable that ibg-pilot does not honour. */
export function peerWarning(row: PeerRow): string {
  const systems = row.systems.join(", ");
  return row.status === "not needed"
    ? `${row.name} (${systems}) is not needed with ibg-pilot: ${row.how}`
    : `${row.name} (${systems}) is not supported by ibg-pilot: ${row.how}`;
}

/** What the loader takes from the peers' variables present in `env` (empty values: unset). */
export interface PeerReading {
  /** Our setting -> the text an alias gives it, and the alias's name. */
  aliases: Map<SettingName, { text: string; from: string }>;
  warnings: string[];
}

/**
 * Reads the aliases and collects one warning per set variable that is not honoured. An alias is
 * used only when our own setting (or its _FILE) is unset; otherwise it is named as ignored.
 */
export function readPeerSettings(
  env: Record<string, string | undefined>,
): PeerReading {
  const aliases = new Map<SettingName, { text: string; from: string }>();
  const warnings: string[] = [];
  const set = (k: string) => env[k] !== undefined && env[k] !== "";
  for (const row of PEER_TABLE) {
    if (!set(row.name)) continue;
    const raw = env[row.name]!;
    if (row.status === "honoured") continue;
    if (row.status === "alias") {
      const target = row.env!;
      if (set(target) || set(`${target}_FILE`)) {
        warnings.push(`${row.name} is ignored: ${target} is set too (remove ${row.name})`);
        continue;
      }
      const prior = aliases.get(target);
      if (prior) {
        warnings.push(`${row.name} is ignored: ${prior.from} already sets ${target}`);
        continue;
      }
      const converted = row.convert ? row.convert(raw) : { value: raw };
      if ("skip" in converted) {
        if (converted.skip) warnings.push(`${row.name} is not used: ${converted.skip}`);
        continue;
      }
      aliases.set(target, { text: converted.value, from: row.name });
      continue;
    }
    if (row.baked || row.quietWhen?.test(raw.trim())) continue;
    warnings.push(peerWarning(row));
  }
  return { aliases, warnings };
}
