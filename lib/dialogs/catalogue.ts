/**
 * The catalogue of Gateway windows ibg-pilot knows, AS DATA: one row per window saying how it is
 * recognised, what to do with it, which setting enables that, and which fact it comes from.
 * Rows are in priority order; the first row that matches a window owns it (IBC's rule,
 * sources.md IBC 1). Adapting to a new Gateway build means editing strings here, not code.
 *
 * Also here: the UI strings the session's flows need (login toggles and buttons, 2FA, existing
 * session, config dialog, the buttons that dismiss or confirm), so that every string Gateway
 * shows lives in this one file, and the disclaimer allowlist with its BYPASS_WARNING extension.
 *
 * What a change costs:
 * - a renamed title, label or button, or a new window answered by click, close, wait or alert:
 *   data only. Edit a string or add a row here (a fixture and a test in
 *   tests/dialogs/catalogue_test.ts), or, without a release, a user rule (PILOT_DIALOG_RULES,
 *   rules.ts: the same row shape);
 * - a window that needs a new flow (typing, choosing, waiting on the session's state): code. A
 *   new `Flow` value here, its intent in lib/session/intent.ts and types.ts, and its handling in
 *   lib/session/machine.ts, with machine tests.
 *
 * The matcher is match.ts; the generated table is docs/dialogs.md (tools/docs/dialogs.ts).
 */

import type { Role, WindowKind } from "../ui/port.ts";
import type { SettingName, ValueOf } from "../config/schema.ts";
import { bool } from "../config/types.ts";

/** A boolean setting of the schema (what may enable a row). */
export type BoolSetting = {
  [N in SettingName]: ValueOf<N> extends boolean ? N : never;
}[SettingName];

/**
 * How a window is recognised. Every clause that is set must hold (AND); inside a clause, any
 * listed string will do (OR). Titles, buttons and texts compare case-insensitively, after HTML is
 * stripped and white space collapsed (tree.ts).
 */
export interface WindowMatch {
  /** The title contains one of these (substring). */
  titleContains?: readonly string[];
  /** The title is one of these (whole title). */
  titleEquals?: readonly string[];
  /** One of these buttons or toggles is present (whole text). */
  anyButton?: readonly string[];
  /** A button from the disclaimer allowlist (defaults plus BYPASS_WARNING) is present. */
  disclaimerButton?: true;
  /** A label or text area contains one of these (substring). */
  anyText?: readonly string[];
  /** Each of these is contained in some label or text area (substring). */
  allTexts?: readonly string[];
  /** One of these patterns matches the window's message text (labels and text areas, one per line). */
  anyPattern?: readonly RegExp[];
  /** A menu or menu item with one of these texts is present (whole text). */
  anyMenuItem?: readonly string[];
  /** A component of one of these roles is present. */
  anyRole?: readonly Role[];
  /** The window is of one of these kinds. */
  kind?: readonly WindowKind[];
  /** The window's toolkit. */
  toolkit?: "swing" | "javafx";
  /** The window is (or is not) modal. */
  modal?: boolean;
  /** Near-miss guards: the row does NOT match when one of these clause sets matches. */
  unless?: Clause | readonly Clause[];
}

/** A clause set without guards (what `unless` holds). */
export type Clause = Omit<WindowMatch, "unless">;

/** Flows: windows the session handles with context (its state, settings, history). */
export type Flow =
  /** The login frame: API toggle, trading mode, credentials, the right Log In button. */
  | "login"
  /** The second-factor dialog; `Match.secondFactor` says which variant. */
  | "second-factor"
  /** `Existing session detected`: EXISTING_SESSION_DETECTED_ACTION (sources.md IBC 5.3). */
  | "existing-session"
  /** `Trading Login Handoff`: `Disconnect Other Session` only when primary. */
  | "trading-login-handoff"
  /** `Re-login is required`: click `Re-login` (with the ping-pong guard). */
  | "relogin"
  /** Too many failed attempts: wait `Match.waitSeconds` (+ margin), then log in again. */
  | "too-many-attempts"
  /** The password was rejected: ALERT_LOGIN_FAILED, dismiss, never retry the same password blindly. */
  | "bad-credentials"
  /** Login did not complete (login failed, login error, restart token refused, server unreachable). */
  | "login-failed"
  /** The login service is not currently available: dismiss and retry with backoff. */
  | "login-unavailable"
  /** Password expiry warning or expired: ALERT_PASSWORD_EXPIRED with `Match.passwordExpiry`. */
  | "password-expiry"
  /** The Configuration dialog (post-login settings and read-back). */
  | "config-dialog"
  /** "Apply the new socket port setting?": `Yes` only when we just changed API settings. */
  | "api-change-confirm"
  /** Gateway's main window (present before login completes: proves nothing by itself). */
  | "main-window"
  /** TWS's main window (File > `Lock Application`): TWS shows it only once logged in. */
  | "tws-main-window"
  /** "Are you sure you want to exit?": `Yes` only while we are shutting down. */
  | "exit-confirm";

/** Things the session watches without touching the window. */
export type Signal =
  /** The `Starting application...` splash: its CLOSE means login completed (sources.md IBC 7). */
  | "logged-in"
  /** `Authenticating...`: the server is checking the credentials. */
  | "authenticating"
  /** `Loading...`: the main window before it has its menus. */
  | "loading"
  /** `Attempt N: connecting to server (trying for another XX seconds)`: back off, never re-click. */
  | "stuck-connecting"
  /** `Restart in progress`. */
  | "restarting"
  /** `Shutdown progress`. */
  | "shutting-down";

/** What to do with a window. */
export type Action =
  /** Hand the window to a flow of the session. */
  | { kind: "flow"; flow: Flow }
  /**
   * Click the first of these buttons that is present (whole text, in order). With `extendedBy`,
   * the list is the disclaimer allowlist extended by that setting (see {@link disclaimerLabels}).
   */
  | { kind: "click"; buttons: readonly string[]; extendedBy?: "BYPASS_WARNING" }
  /** Close the window the way its close box does (WINDOW_CLOSING): user rules only, so far. */
  | { kind: "close" }
  /**
   * Leave the window alone: touching it would do harm (why says what). `dump`: nobody knows the
   * window (a catch-all): its evidence is recorded as for a window no row matches.
   */
  | { kind: "wait"; why: string; dump?: boolean }
  /** Watch the window: its opening (or closing, with `on: "close"`) is a signal. */
  | { kind: "observe"; signal: Signal; on?: "open" | "close" }
  /**
   * Emit `token` with `reason`; click the first present `dismiss` button if given; `halt`: the
   * login cannot succeed without an operator, so stop retrying.
   */
  | {
    kind: "alert";
    token: `ALERT_${string}`;
    reason: string;
    dismiss?: readonly string[];
    halt?: boolean;
  };

/** One row of the catalogue. */
export interface DialogRule {
  /** Stable kebab-case name, used in logs and metrics. Never rename: add a new row instead. */
  id: string;
  /** How the window is recognised; an array means any of the alternatives. */
  match: WindowMatch | readonly WindowMatch[];
  action: Action;
  /**
   * The boolean setting that enables the action. When it is false the row still OWNS the window
   * (so a later, more generic row cannot click it) but the effective action is a wait.
   */
  enabledBy?: BoolSetting;
  /** Where the row comes from, e.g. `sources.md IBC 5 #21`. */
  fact: string;
  /** One line for docs/dialogs.md when the action needs explaining. */
  note?: string;
}

// ---------------------------------------------------------------------------------------------
// Strings (sources.md IBC 5.1-5.8, sources.md peers A4). Hyphenated forms: Gateway 10.37+ builds (IBC PR
// #366, confirmed on Windows 10.37.1q); `Log-In` is our guess for the live button in that build.

/** Titles of the Gateway login frame and main window, every known build. */
export const GATEWAY_TITLES = [
  "IBKR Gateway",
  "IBKR-Gateway",
  "IB Gateway",
  "IB-Gateway",
  "Interactive Brokers Gateway",
] as const;

/** Strings of the login frame (sources.md IBC 5.1). */
export const LOGIN = {
  /** API selector: IB API (older `TWS/API`) vs FIX CTCI. */
  apiToggle: ["IB API", "IB-API", "TWS/API"],
  fixToggle: ["FIX CTCI", "FIX-CTCI"],
  /** Trading-mode toggles. */
  liveToggle: ["Live Trading", "Live-Trading"],
  paperToggle: ["Paper Trading", "Paper-Trading"],
  /** Log In buttons, by mode; `Login` is the pre-974 text. */
  liveButton: ["Log In", "Login", "Log-In"],
  paperButton: ["Paper Log In", "Paper-Login", "Paper Login", "Paper-Log-In"],
  tradingModeLabel: "Trading Mode",
  /** Field indices in IB API mode (text fields, passwords included, depth-first). */
  userField: 0,
  passwordField: 1,
} as const;

/** Every Log In button text of every build. */
export const LOGIN_BUTTONS: readonly string[] = [...LOGIN.liveButton, ...LOGIN.paperButton];

/** Strings of the second-factor dialog (sources.md IBC 5.2, sources.md peers A4). */
export const SECOND_FACTOR = {
  titles: [
    "Second Factor Authentication",
    "Second-Factor Authentication",
    "Second Factor",
    "Security Code Card Authentication",
  ],
  /** Text area over the device JList. */
  selectDevice: "Select second factor device",
  /** The code prompt: `Enter <method> code`, e.g. `Enter Mobile Authenticator app code`. */
  codePrompt: /^Enter (.+?) code\b/i,
  /** Passkey inside the 2FA dialog. */
  passkeyText: "use your passkey device",
  /** Buttons that start the passkey ceremony. */
  authenticate: ["Authenticate >", "Authenticate", "Authenticate \u203a"],
  /** Titles of a passkey/WebAuthn browser window (JxBrowser; provisional, sources.md peers A4). */
  passkeyWindowTitles: ["passkey", "webauthn", "security key", "jxbrowser"],
  ok: ["OK"],
  /**
   * Gateway 10.47+ may open on the IB Key push screen; this link (a link-styled button, or a
   * label with an HTML anchor) leads to the device list (IBGA PR #33).
   */
  changeDevice: ["Change security device"],
  /** The TOTP method name in Gateway's device list. */
  totpDevice: "Mobile Authenticator app",
  /** How the code form says the last code was refused (in place, the dialog stays). */
  codeRefused: /invalid|incorrect|try again|not valid|failed/i,
  /** The push method. */
  pushDevice: "IB Key",
} as const;

/**
 * Trader Workstation's own strings (IBC LoginFrameHandler.java, MainWindowFrameHandler.java,
 * GetConfigDialogTask.java, SecurityCodeDialogHandler.java).
 */
export const TWS = {
  /** Login frame titles (whole title). */
  loginTitles: ["Login", "New Login"],
  /** The main window's menu item that proves TWS is logged in. */
  lockApplication: "Lock Application",
  /** STOP: File > Exit (Gateway's is File > Close, reached through WINDOW_CLOSING). */
  exitMenu: ["File", "Exit"],
  /** ReadOnlyLogin: the button of the 2FA and security-code windows. */
  enterReadOnly: "Enter Read Only",
} as const;

/** Buttons that acknowledge a notice or a failure message, in the order they are tried. */
export const NOTICE_DISMISS: readonly string[] = ["OK", "Close", "Continue", "Acknowledge"];

/** Buttons that confirm a question ibg-pilot asked for (exit, the new API port), in order. */
export const CONFIRM: readonly string[] = ["Yes", "OK"];

/** Parts of the main window's title, Gateway and TWS (substring; found by title when unknown). */
export const MAIN_WINDOW_TITLE_PARTS: readonly string[] = ["Gateway", "Trader Workstation"];

/** Buttons of `Existing session detected` (sources.md IBC 5.3), in the order IBC tries them. */
export const EXISTING_SESSION = {
  proceed: ["OK", "Continue Login", "Reconnect This Session"],
  giveWay: ["Cancel", "Exit Application"],
  handoff: ["Disconnect Other Session"],
  relogin: ["Re-login", "Relogin"],
} as const;

/**
 * Gateway's log windows as IBGA's daily export drives them (sources.md peers C1, IBGA
 * `scripts/_run_ibg.sh`): File > `Gateway Logs` / `API Logs` open `View Logs` (a list of days),
 * `Export Logs...` opens the `Enter export filename` file dialog, `Open` writes the file and a
 * message with `OK` follows; `Cancel` closes each. Used by lib/logexport.
 */
export const LOG_EXPORT = {
  menu: "File",
  kinds: { gateway: "Gateway Logs", api: "API Logs" },
  viewTitle: "View Logs",
  export: "Export Logs...",
  filenameTitle: "Enter export filename",
  open: "Open",
  /** The message after `Open` (Swing's JOptionPane default title). */
  messageTitle: "Message",
  ok: "OK",
  cancel: "Cancel",
} as const;

/** The Configuration dialog (sources.md IBC 5.4-5.7, sources.md peers A4). */
export const CONFIG = {
  /** Part of the dialog's title (`DU1234567 Trader Workstation Configuration (Simulated ...)`). */
  title: "Configuration",
  menu: ["Configure", "Settings"],
  /**
   * Every menu path that opens the dialog, tried in order: Gateway's, TWS Classic's, TWS
   * Mosaic's (IBC GetConfigDialogTask.java).
   */
  menus: [
    ["Configure", "Settings"],
    ["Edit", "Global Configuration..."],
    ["File", "Global Configuration..."],
  ],
  apiSettings: ["API", "Settings"],
  precautions: ["API", "Precautions"],
  lockAndExit: ["Lock and Exit"],
  socketPortName: "Socket port",
  masterClientIdName: "Master API client ID",
  readOnlyApi: "Read-Only API",
  /** TWS only: the API master switch (IBC's ENABLEAPI ticks it). */
  enableApi: "Enable ActiveX and Socket Clients",
  autoLogoffLabel: "Set Auto Log Off Time (HH:MM)",
  autoRestartLabel: "Set Auto Restart Time (HH:MM)",
  /** What both labels start with: the time field follows whichever is shown. */
  autoTimeLabelPart: "Set Auto",
  autoLogoffRadio: "Auto logoff",
  autoRestartRadio: "Auto restart",
  am: "AM",
  pm: "PM",
  apply: ["OK"],
  cancel: ["Cancel"],
  /** API > Precautions check boxes, exact (sources.md IBC 5.6), keyed by their setting. */
  precautionBoxes: {
    BYPASS_ORDER_PRECAUTIONS: "Bypass Order Precautions for API Orders",
    BYPASS_BOND_WARNING: "Bypass Bond warning for API Orders.",
    BYPASS_NEGATIVE_YIELD_CONFIRMATION:
      "Bypass negative yield to worst confirmation for API Orders.",
    BYPASS_CALLED_BOND_WARNING: "Bypass Called Bond warning for API Orders",
    BYPASS_SAME_ACTION_PAIR_TRADE_WARNING:
      'Bypass "same action pair trade" warning for API orders.',
    BYPASS_PRICE_BASED_VOLATILITY_RISK_WARNING:
      "Bypass price-based volatility risk warning for API Orders.",
    BYPASS_US_STOCKS_MARKET_DATA_IN_SHARES_WARNING:
      "Bypass US Stocks market data in shares warning for API Orders",
    BYPASS_REDIRECT_ORDER_WARNING: "Bypass Redirect Order warning for Stock API Orders",
    BYPASS_NO_OVERFILL_PROTECTION_PRECAUTION:
      "Bypass No Overfill Protection precaution for destinations where implied natively.",
  },
} as const;

/**
 * Buttons that get a window out of the way without agreeing to anything, tried in this order on
 * every modal window that blocks Gateway's main window before ibg-pilot logs out, restarts or
 * logs in again (a modal dialog swallows the main window's WINDOW_CLOSING). A window with none
 * of them is closed (WINDOW_CLOSING on the window itself).
 */
export const BLOCKER_DISMISS: readonly string[] = ["Cancel", "Close", "No"];

/** The peers' real bad-credentials wordings (sources.md peers A4, v0.8.0). */
export const BAD_CREDENTIALS_PATTERNS: readonly RegExp[] = [
  /\b(?:invalid|incorrect) user ?name or password\b/i,
  /\buser ?name or password (?:is|was) (?:invalid|incorrect)\b/i,
  /\bcredentials? (?:were|was|are|is) (?:rejected|invalid|incorrect)\b/i,
];

/** `Attempt N: connecting to server (trying for another XX seconds)` (sources.md peers A4). */
export const STUCK_CONNECTING_PATTERNS: readonly RegExp[] = [
  /\battempt \d+\s*:\s*connecting to server\b/i,
  /\btrying for another \d+ seconds?\b/i,
];

// ---------------------------------------------------------------------------------------------
// Disclaimers

/** Disclaimer buttons clicked by default, in order (sources.md peers A4). */
export const DEFAULT_DISCLAIMER_LABELS: readonly string[] = [
  "I understand and accept",
  "I Understand And Accept",
  "I Accept",
  "Acknowledge",
  "Accept and Continue",
];

/** Labels BYPASS_WARNING may never add: a bare OK cancels the login on the `Gateway` modal. */
const NEVER_CLICKED = ["ok"];

/** The effective disclaimer allowlist. */
export interface DisclaimerLabels {
  /** Defaults first, then the extra labels, deduplicated case-insensitively. */
  labels: string[];
  /**
   * Set when BYPASS_WARNING is a single yes/no word: the gnzsnz image's meaning, "set all nine
   * API precautions" (true: tick, false: clear). Such a value adds no labels.
   */
  precautions?: boolean;
  /** Entries refused (a bare `OK` in any case, empty entries). */
  refused: string[];
}

/**
 * Resolves BYPASS_WARNING into the disclaimer allowlist. A bare `OK` (any case) is always
 * refused; a single yes/no word is the gnzsnz "all nine precautions" switch and adds no labels.
 */
export function disclaimerLabels(bypassWarning: readonly string[]): DisclaimerLabels {
  const items = bypassWarning.map((s) => s.replace(/\s+/g, " ").trim());
  if (items.length === 1) {
    const yesNo = bool.parse(items[0]);
    if (yesNo.ok) {
      return { labels: [...DEFAULT_DISCLAIMER_LABELS], precautions: yesNo.value, refused: [] };
    }
  }
  const labels = [...DEFAULT_DISCLAIMER_LABELS];
  const seen = new Set(labels.map((l) => l.toLowerCase()));
  const refused: string[] = [];
  for (const item of items) {
    const key = item.toLowerCase();
    if (!item || NEVER_CLICKED.includes(key)) {
      refused.push(item);
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    labels.push(item);
  }
  return { labels, refused };
}

// ---------------------------------------------------------------------------------------------
// The catalogue

/**
 * Rows a user rule (PILOT_DIALOG_RULES, rules.ts) may never replace: they guard the login itself
 * (the connecting modal whose OK cancels it, the login frame, the second factor, the main window).
 */
export const SAFETY_ROW_IDS: readonly string[] = [
  "main-window",
  "second-factor",
  "passkey-window",
  "passkey-authenticate",
  "stuck-connecting",
  "connecting-modal",
  "login",
];

/**
 * User rows that replace no built-in row are tried right after this row: after every row above
 * it (the safety rows and the login flows' own windows), before the rows below it (notices,
 * confirmations, disclaimers and the catch-alls).
 */
export const USER_ROWS_AFTER = "login";

/** The splash whose closing means login completed (sources.md IBC 7). */
export const STARTING_APPLICATION = "Starting application...";

/**
 * The known windows, in priority order (first match wins). Ordering rules:
 * - the main window first: it is the only window with menus, and its log pane repeats texts
 *   other rows look for;
 * - rows that never click (waits, observations) for windows that look like others come first,
 *   so a more generic row cannot click them (the `Gateway` connecting modal);
 * - specific texts before generic ones (bad credentials and passkey-unsupported before
 *   `Connection to server failed`; the paper warning before any disclaimer);
 * - the `Gateway` catch-all is last.
 */
export const CATALOGUE: readonly DialogRule[] = [
  {
    id: "main-window",
    match: {
      // Only the main window has menus; checked first so that its log pane (which echoes
      // "Connecting to server...", "Login failed", ...) can never look like a dialog.
      unless: [{ anyButton: LOGIN_BUTTONS }, { anyRole: ["password"] }],
      anyMenuItem: [
        "About Gateway",
        "About IB Gateway",
        "About IBKR Gateway",
        "About IBKR-Gateway",
        "About IB-Gateway",
      ],
    },
    action: { kind: "flow", flow: "main-window" },
    fact: "sources.md IBC 5 #6; sources.md peers A8 (its buttons exist before authentication)",
    note: "Proves nothing about login: readiness is the API handshake.",
  },
  {
    id: "tws-main-window",
    match: {
      unless: [{ anyButton: LOGIN_BUTTONS }, { anyRole: ["password"] }],
      anyMenuItem: [TWS.lockApplication],
    },
    action: { kind: "flow", flow: "tws-main-window" },
    fact: "sources.md IBC 5 #5 (MainWindowFrameHandler.java: File > Lock Application)",
    note: "TWS only. Logged in; READY still waits for the API handshake.",
  },
  {
    id: "second-factor",
    match: [
      { titleContains: SECOND_FACTOR.titles },
      // A 2FA prompt in a window titled otherwise (a `Gateway` dialog in some builds) still wins
      // over the catch-all: recognised by its content.
      { anyText: [SECOND_FACTOR.selectDevice, SECOND_FACTOR.passkeyText] },
      { anyPattern: [/^Enter .+ code$/im], anyRole: ["text", "password"] },
      // TWS 1016+: the login frame itself turns into the second-factor screen.
      { titleEquals: TWS.loginTitles, anyText: [SECOND_FACTOR.titles[0]] },
    ],
    action: { kind: "flow", flow: "second-factor" },
    fact: "sources.md IBC 5 #18, 5.2; sources.md peers A4 (2FA dialog, prompt, selector, passkey)",
  },
  {
    id: "passkey-window",
    match: { titleContains: SECOND_FACTOR.passkeyWindowTitles },
    action: { kind: "flow", flow: "second-factor" },
    fact:
      "sources.md peers A4 (passkey browser window); sources.md IBC 5.8 (passkey / Authenticate)",
    note: "Second-factor variant passkey: cannot be completed unattended.",
  },
  {
    id: "passkey-authenticate",
    match: { titleEquals: ["Authenticate"] },
    action: { kind: "flow", flow: "second-factor" },
    fact: "sources.md IBC 5.8 (Passkey / Authenticate, JxBrowser)",
    note: "Second-factor variant passkey.",
  },
  {
    id: "config-dialog",
    match: { titleContains: [CONFIG.title] },
    action: { kind: "flow", flow: "config-dialog" },
    fact: "sources.md IBC 5 #13, 5.4; sources.md peers A4 (config dialog)",
    note: "Titles carry the account id (`DU1234567 ... Configuration`): redacted in logs.",
  },
  {
    id: "log-export",
    match: [
      { titleEquals: [LOG_EXPORT.viewTitle, LOG_EXPORT.filenameTitle] },
      // The message after `Open`: its text is in no source; "exported" is the simulator's.
      { titleEquals: [LOG_EXPORT.messageTitle], anyText: ["exported"] },
    ],
    action: {
      kind: "wait",
      why: "Gateway's log windows: the daily log export (PILOT_LOG_EXPORT_DIR) drives them itself",
    },
    fact: "sources.md peers C1 (IBGA's log export)",
    note: "Left alone by the dialog handling; lib/logexport opens, fills and closes them.",
  },
  {
    id: "accept-incoming-connection",
    match: { anyText: ["Accept incoming connection"] },
    action: {
      kind: "alert",
      token: "ALERT_API_CLIENT_NOT_TRUSTED",
      reason:
        "an API client from an untrusted address waits for approval in Gateway; add its address to TRUSTED_TWS_API_CLIENT_IPS",
    },
    fact: "sources.md IBC 5 #1 (IBC default manual: left alone)",
  },
  {
    id: "stuck-connecting",
    match: { anyPattern: STUCK_CONNECTING_PATTERNS },
    action: { kind: "observe", signal: "stuck-connecting" },
    fact: "sources.md peers A4 (stuck connecting), A8 (0.3.1)",
    note: "Never re-click Log In: back off. `Match.connecting` has the attempt and seconds.",
  },
  {
    id: "connecting-modal",
    match: [
      {
        titleContains: ["Gateway"],
        // Not a frame: the login frame and the main window also say "connecting to server".
        kind: ["dialog", "window"],
        anyText: ["Connecting to server"],
        unless: { anyRole: ["password"] },
      },
      { titleContains: ["Connecting to server"] },
    ],
    action: {
      kind: "wait",
      why: "the Gateway 'Connecting to server...' modal: its OK CANCELS the login",
    },
    fact: 'sources.md peers A4 ("Gateway" progress modal); sources.md IBC 5.1 (titles seen)',
  },
  {
    id: "passkey-not-supported",
    match: { anyText: ["Required PassKey is not supported"] },
    action: {
      kind: "alert",
      token: "ALERT_2FA_FAILED",
      reason:
        "the account requires a passkey and this Gateway build does not support it: install the latest Gateway",
      dismiss: ["OK", "Close"],
      halt: true,
    },
    fact: "sources.md IBC 5.8 (Connection to server failed: Required PassKey is not supported)",
    note: "IBC's catch-all would cold-restart on it and loop.",
  },
  {
    id: "bad-credentials",
    match: { anyPattern: BAD_CREDENTIALS_PATTERNS },
    action: { kind: "flow", flow: "bad-credentials" },
    fact: "sources.md peers A4 (bad credentials modal, v0.8.0)",
  },
  {
    id: "unrecognized-credentials",
    match: [
      { titleContains: ["Unrecognized Username or Password"] },
      { anyText: ["Unrecognized Username or Password"] },
    ],
    action: { kind: "flow", flow: "login-failed" },
    fact: "sources.md IBC 5.8 (Unrecognized Username or Password, after auto-restarts)",
    note: "Usually a refused restart token, not a wrong password: full login in the same JVM.",
  },
  {
    id: "too-many-attempts",
    match: { anyText: ["Too many failed login attempts"] },
    action: { kind: "flow", flow: "too-many-attempts" },
    fact: "sources.md IBC 5 #25, 5.2",
    note: "`Match.waitSeconds` from `Please wait 53 seconds` / `4 minutes & 47 seconds`.",
  },
  {
    id: "password-expiry",
    match: [
      { titleContains: ["Password Notice"] },
      {
        allTexts: ["password"],
        anyPattern: [/\bexpir(?:e|ed|es|y|ing)\b/i],
        unless: { anyRole: ["password"] },
      },
    ],
    action: { kind: "flow", flow: "password-expiry" },
    fact: "sources.md IBC 5 #12; sources.md peers A4 (password expiry)",
    note: "`Match.passwordExpiry`: warning with days left, or expired.",
  },
  {
    id: "security-tokens-expired",
    match: { allTexts: ["security token"], anyPattern: [/\bexpired\b/i] },
    action: {
      kind: "alert",
      token: "ALERT_SECURITY_TOKENS_EXPIRED",
      reason: "IBKR says the security tokens have expired; a full login follows",
      dismiss: ["OK", "Close"],
    },
    fact: "sources.md peers C1 (IBGA token expired: OK and log in again)",
  },
  {
    id: "existing-session",
    match: [
      { titleContains: ["Existing session detected"] },
      {
        modal: true,
        anyText: ["existing session was detected", "existing session detected"],
        anyButton: [...EXISTING_SESSION.proceed, ...EXISTING_SESSION.giveWay],
      },
    ],
    action: { kind: "flow", flow: "existing-session" },
    fact: "sources.md IBC 5 #15, 5.3; sources.md peers A4 (existing session)",
  },
  {
    id: "trading-login-handoff",
    match: { titleContains: ["Trading Login Handoff"] },
    action: { kind: "flow", flow: "trading-login-handoff" },
    fact: "sources.md IBC 5 #23",
  },
  {
    id: "relogin-required",
    match: { titleContains: ["Re-login is required", "Relogin is required"] },
    action: { kind: "flow", flow: "relogin" },
    fact: "sources.md IBC 5 #20, 5.3",
  },
  {
    id: "login-failed",
    match: { titleContains: ["Login failed"] },
    action: { kind: "flow", flow: "login-failed" },
    fact: "sources.md IBC 5 #24, 6 (restart token refused)",
  },
  {
    id: "login-error",
    match: { titleContains: ["Login Error"] },
    action: { kind: "flow", flow: "login-failed" },
    fact: "sources.md IBC 5 #28",
  },
  {
    id: "not-currently-available",
    match: { titleContains: ["Login"], anyText: ["not currently available"] },
    action: { kind: "flow", flow: "login-unavailable" },
    fact: "sources.md IBC 5 #9",
  },
  {
    id: "login-messages",
    match: [
      { titleContains: ["Login Messages"] },
      { toolkit: "javafx", anyButton: ["Resume login"] },
    ],
    action: { kind: "click", buttons: ["Resume login", "Resume Login"] },
    fact: "sources.md IBC 5.8 (Login Messages, JavaFX, Resume login; IBC #314, #343)",
  },
  {
    id: "api-write-access",
    match: [
      { titleContains: ["needs write access"] },
      { anyText: ["needs write access", "needs API write access"] },
    ],
    action: {
      kind: "alert",
      token: "ALERT_API_WRITE_ACCESS",
      reason:
        "an API client asks for write access while the API is read-only; answer in Gateway or clear READ_ONLY_API",
    },
    fact:
      "sources.md IBC 5.8 (API client needs write access action confirmation); sources.md peers B",
    note: "Granting write access is the operator's decision: never clicked.",
  },
  {
    id: "login",
    match: [
      { titleContains: GATEWAY_TITLES, anyButton: LOGIN_BUTTONS },
      // A new build that renames the button: the password field still says "login frame".
      { titleContains: GATEWAY_TITLES, anyRole: ["password"], kind: ["frame"] },
    ],
    action: { kind: "flow", flow: "login" },
    fact: "sources.md IBC 5 #4, 5.1, 5.8 (hyphenated 10.37+); sources.md peers A4 (login frame)",
  },
  {
    id: "tws-login",
    match: { titleEquals: TWS.loginTitles, anyButton: LOGIN_BUTTONS },
    action: { kind: "flow", flow: "login" },
    fact: "sources.md IBC 5 #3 (LoginFrameHandler.java); sources.md IBC 5.1",
    note: "TWS only: no IB API / FIX CTCI selector.",
  },
  {
    id: "security-code-read-only",
    match: { anyButton: [TWS.enterReadOnly], kind: ["dialog"] },
    action: { kind: "flow", flow: "second-factor" },
    fact: "sources.md IBC 5 #19 (SecurityCodeDialogHandler.java: Enter Read Only)",
    note: "TWS only. READ_ONLY_LOGIN clicks `Enter Read Only`; otherwise a second-factor prompt.",
  },
  {
    id: "blind-trading-warning",
    match: [
      { titleContains: ["Order Preview"], anyText: ["blind trading"] },
      { allTexts: ["blind trading", "Are you sure you want to submit this order?"] },
    ],
    action: {
      kind: "wait",
      why:
        "submitting an order without market data is the trader's decision (IBC AllowBlindTrading)",
    },
    fact: "sources.md IBC 5 #2 (BlindTradingWarningDialogHandler.java)",
    note: "TWS only. IBC clicks it only with AllowBlindTrading=yes (default no).",
  },
  {
    id: "crypto-order-confirmation",
    match: { titleContains: ["Cryptocurrency order confirmation"] },
    action: { kind: "wait", why: "confirming a crypto order is the trader's decision" },
    fact: "sources.md IBC 5 #29 (CryptoOrderConfirmationDialogHandler.java)",
    note: "TWS only. IBC's default (ConfirmCryptoCurrencyOrders=manual) leaves it too.",
  },
  {
    id: "reset-order-id-confirm",
    match: { anyText: ["Are you sure you want to reset API order ID sequence?"] },
    action: {
      kind: "wait",
      why: "ibg-pilot never resets the API order ids; the user who did answers",
    },
    fact: "sources.md IBC 5 #31 (ResetOrderIdConfirmationDialogHandler.java)",
    note: "TWS only (Gateway does not ask).",
  },
  {
    id: "nse-compliance",
    match: { titleContains: ["NSE Compliance"] },
    action: { kind: "click", buttons: ["OK", "Close"] },
    fact: "sources.md IBC 5 #11 (NSEComplianceFrameHandler.java)",
    note: "TWS for India only. IBC hides the frame; its buttons are our guess.",
  },
  {
    id: "starting-application",
    match: { titleContains: [STARTING_APPLICATION] },
    action: { kind: "observe", signal: "logged-in", on: "close" },
    fact: "sources.md IBC 5 #17, 7",
  },
  {
    id: "authenticating",
    match: { titleContains: ["Authenticating..."] },
    action: { kind: "observe", signal: "authenticating" },
    fact: "sources.md IBC 5.1 (titles seen)",
  },
  {
    id: "loading",
    match: { titleEquals: ["Loading...", "Loading"] },
    action: { kind: "observe", signal: "loading" },
    fact: "sources.md IBC 5.1 (titles seen)",
  },
  {
    id: "restart-in-progress",
    match: { titleContains: ["Restart in progress"] },
    action: { kind: "observe", signal: "restarting" },
    fact: "sources.md IBC 5.1 (titles seen)",
  },
  {
    id: "shutdown-progress",
    match: { titleContains: ["Shutdown progress"] },
    action: { kind: "observe", signal: "shutting-down" },
    fact: "sources.md IBC 5 #26",
  },
  {
    id: "exit-confirm",
    match: { anyText: ["Are you sure you want to exit?"] },
    action: { kind: "flow", flow: "exit-confirm" },
    fact: "sources.md IBC 5 #22",
  },
  {
    id: "api-change-confirm",
    match: { anyText: ["apply the new socket port setting"] },
    action: { kind: "flow", flow: "api-change-confirm" },
    fact: "sources.md IBC 5 #16, 5.4",
  },
  {
    id: "restart-confirm",
    match: { anyText: ["Are you sure you would like to restart the application"] },
    action: { kind: "click", buttons: ["Yes"] },
    fact: "sources.md IBC 5 #30",
  },
  {
    id: "reconnect-confirm",
    match: {
      titleContains: ["IBKR Trader Workstation", ...GATEWAY_TITLES],
      anyText: ['Are you sure you want to execute "simulate'],
    },
    action: { kind: "click", buttons: ["OK"] },
    fact: "sources.md IBC 5 #32, 3 (RECONNECTDATA / RECONNECTACCOUNT confirmation)",
  },
  {
    id: "non-brokerage-warning",
    match: { anyText: ["This is not a brokerage account"] },
    action: { kind: "click", buttons: ["I understand and accept"] },
    enabledBy: "ACCEPT_NON_BROKERAGE_WARNING",
    fact: "sources.md IBC 5 #21; sources.md IBC 9 (API connections fail until accepted)",
  },
  {
    id: "disclaimer",
    match: { disclaimerButton: true },
    action: { kind: "click", buttons: DEFAULT_DISCLAIMER_LABELS, extendedBy: "BYPASS_WARNING" },
    fact: "sources.md peers A4 (disclaimers allowlist; bare OK refused)",
  },
  {
    id: "newer-version",
    match: [{ anyText: ["Newer Version"] }, { titleContains: ["Newer Version"] }],
    action: { kind: "click", buttons: ["OK", "No", "Close"] },
    fact: "sources.md IBC 5 #7, #8",
    note: "Declines the upgrade (OK on the notice, else No).",
  },
  {
    id: "tip-of-the-day",
    match: { titleContains: ["Tip of the Day"] },
    action: { kind: "click", buttons: ["Close", "OK"] },
    fact: "sources.md IBC 5 #10",
  },
  {
    id: "startup-warning",
    match: { titleEquals: ["Warning"], unless: { anyRole: ["text", "password"] } },
    action: { kind: "click", buttons: ["OK", "Close"] },
    fact:
      "sources.md IBC 5.8 (Warning dialogs at start-up, IBC #100); sources.md peers C1 (general warning: OK)",
    note: "Its text is logged; the paper warning and disclaimers were matched before.",
  },
  {
    id: "connection-to-server-failed",
    match: { titleContains: ["Gateway"], anyPattern: [/^Connection to server failed/im] },
    action: { kind: "flow", flow: "login-failed" },
    fact: "sources.md IBC 5 #33, 6 (cold restart trigger)",
  },
  {
    id: "gateway-dialog",
    match: { titleContains: ["Gateway"], kind: ["dialog"] },
    action: {
      kind: "wait",
      why: "an unrecognised Gateway dialog is left for the operator (IBC does the same)",
      dump: true,
    },
    fact: "sources.md IBC 5 #33 (catch-all: logs labels, leaves the dialog)",
  },
];
