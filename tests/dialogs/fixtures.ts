/**
 * Small builders for realistic Gateway windows as the UI port reports them (WindowInfo plus a
 * ComponentNode tree), and one fixture per catalogue row. Strings follow sources.md IBC 5 and
 * sources.md peers A4, and the simulator's Strings.java where the facts give no wording.
 */

import type { ComponentNode, Role, WindowInfo, WindowKind } from "../../lib/ui/port.ts";

/** A window under test. */
export interface Fixture {
  window: WindowInfo;
  tree: ComponentNode;
}

let ids = 0;

/** Any component. */
export function node(
  role: Role,
  type: string,
  props: Partial<ComponentNode> = {},
  children: ComponentNode[] = [],
): ComponentNode {
  return { role, type, enabled: true, showing: true, children, ...props };
}

export const button = (text: string, props: Partial<ComponentNode> = {}) =>
  node("button", "JButton", { text, ...props });
export const toggle = (text: string, selected = false) =>
  node("toggle", "JToggleButton", { text, selected });
export const checkbox = (text: string, selected = false) =>
  node("checkbox", "JCheckBox", { text, selected });
export const label = (text: string, props: Partial<ComponentNode> = {}) =>
  node("label", "JLabel", { text, ...props });
export const textarea = (text: string, editable = false) =>
  node("textarea", "JTextArea", { text, editable });
export const field = (text = "", props: Partial<ComponentNode> = {}) =>
  node("text", "JTextField", { text, editable: true, ...props });
export const password = (length = 0) =>
  node("password", "JPasswordField", { passwordLength: length, editable: true });
export const list = (items: string[]) =>
  node(
    "list",
    "JList",
    { items },
    items.map((t) => node("listitem", "item", { text: t, selected: false })),
  );
export const panel = (...children: ComponentNode[]) => node("panel", "JPanel", {}, children);
/** A menu; its items are not showing, as in a real snapshot (their popup is closed). */
export const menu = (text: string, ...items: string[]) =>
  node(
    "menu",
    "JMenu",
    { text },
    items.map((t) => node("menuitem", "JMenuItem", { text: t, showing: false })),
  );
export const menubar = (...menus: ComponentNode[]) => node("menubar", "JMenuBar", {}, menus);

/** A top-level window of `kind` with these components in its content pane. */
export function win(
  title: string,
  kind: WindowKind,
  children: ComponentNode[],
  opts: Partial<WindowInfo> = {},
): Fixture {
  const className = kind === "frame" ? "javax.swing.JFrame" : "javax.swing.JDialog";
  const window: WindowInfo = {
    id: `w${++ids}`,
    title,
    className,
    kind,
    modal: kind === "dialog",
    showing: true,
    toolkit: "swing",
    ...opts,
  };
  const tree = node(
    "window",
    className.split(".").pop()!,
    { text: title },
    [node("panel", "JRootPane", {}, [panel(...children)])],
  );
  return { window, tree };
}

/** A modal message dialog: text lines as labels (or one text area), then buttons. */
export function message(
  title: string,
  text: string | string[],
  buttons: string[],
  opts: { textArea?: boolean; kind?: WindowKind; modal?: boolean } = {},
): Fixture {
  const lines = Array.isArray(text) ? text : [text];
  const body = opts.textArea ? [textarea(lines.join("\n"))] : lines.map((l) => label(l));
  return win(
    title,
    opts.kind ?? "dialog",
    [panel(...body), panel(...buttons.map((b) => button(b)))],
    { modal: opts.modal ?? (opts.kind ?? "dialog") === "dialog" },
  );
}

// ---- Gateway windows

/** The login frame (sources.md IBC 5.1): API and mode toggles, user and password, the Log In button. */
export function loginFrame(
  opts: { title?: string; hyphen?: boolean; paper?: boolean; status?: string } = {},
): Fixture {
  const h = opts.hyphen ?? false;
  const paper = opts.paper ?? true;
  return win(opts.title ?? (h ? "IBKR-Gateway" : "IBKR Gateway"), "frame", [
    panel(label("IBKR"), label("Gateway")),
    panel(toggle("IB API", true), toggle(h ? "FIX-CTCI" : "FIX CTCI")),
    panel(
      label("Trading Mode"),
      toggle(h ? "Live-Trading" : "Live Trading", !paper),
      toggle(h ? "Paper-Trading" : "Paper Trading", paper),
    ),
    panel(label("Username"), field("")),
    panel(label("Password"), password(0)),
    button(h ? (paper ? "Paper-Login" : "Log-In") : paper ? "Paper Log In" : "Log In"),
    label(opts.status ?? ""),
    label("Build 10.45.1c, Jan 22, 2026 4:01:12 PM"),
  ], { modal: false });
}

/** Gateway's main window: menus, the API status labels, a log pane echoing login progress. */
export function mainWindow(title = "IBKR Gateway", log = "Connecting to server..."): Fixture {
  return win(title, "frame", [
    menubar(
      menu("File", "Gateway Logs", "API Logs", "Close"),
      menu("Configure", "Settings"),
      menu("Help", "About IB Gateway"),
    ),
    label("API Server: disconnected"),
    label("API Client: disconnected"),
    textarea(log),
    button("Show log"),
    button("Clear"),
  ], { modal: false });
}

// ---- Trader Workstation windows (IBC LoginFrameHandler.java, MainWindowFrameHandler.java)

/** TWS's login frame: titled `Login`, mode toggles, no API selector, the store-settings box. */
export function twsLoginFrame(opts: { title?: string; paper?: boolean } = {}): Fixture {
  const paper = opts.paper ?? true;
  return win(opts.title ?? "Login", "frame", [
    panel(label("IBKR"), label("Trader Workstation")),
    panel(label("Trading Mode"), toggle("Live Trading", !paper), toggle("Paper Trading", paper)),
    panel(label("Username"), field("")),
    panel(label("Password"), password(0)),
    checkbox("Use/store settings on server"),
    button(paper ? "Paper Log In" : "Log In"),
  ], { modal: false });
}

/** TWS's main window: File > Lock Application, Global Configuration under Edit or File. */
export function twsMainWindow(opts: { mosaic?: boolean } = {}): Fixture {
  const config = "Global Configuration...";
  return win("IBKR Trader Workstation", "frame", [
    menubar(
      menu("File", ...(opts.mosaic ? [config] : []), "Save Settings", "Lock Application", "Exit"),
      menu("Edit", "Copy", ...(opts.mosaic ? [] : [config])),
      menu("Account"),
      menu("Help", "About Trader Workstation"),
    ),
    label("API Server: connected"),
  ], { modal: false });
}

/** The `Gateway` modal shown while connecting: only OK, which cancels the login. */
export const connectingModal = () => message("Gateway", "Connecting to server...", ["OK"]);

/** Second-factor dialog variants (sources.md IBC 5.2, sources.md peers A4). */
export function twoFactor(
  variant: "select" | "code" | "push" | "passkey",
  opts: { title?: string; device?: string; devices?: string[] } = {},
): Fixture {
  const title = opts.title ?? "Second Factor Authentication";
  const head = label("Second Factor Authentication");
  switch (variant) {
    case "select":
      return win(title, "dialog", [
        head,
        textarea("Select second factor device"),
        list(opts.devices ?? [" IB Key", " Mobile Authenticator app"]),
        button("OK"),
        button("Cancel"),
      ]);
    case "code":
      return win(title, "dialog", [
        head,
        label(`Enter ${opts.device ?? "Mobile Authenticator app"} code`),
        // The 2FA field is an obfuscated class with no name (sources.md peers A8).
        node("text", "u", { text: "", editable: true }),
        label(" "),
        button("OK"),
        button("Cancel"),
      ]);
    case "push":
      return win(title, "dialog", [
        head,
        textarea("Check your IBKR Mobile app: a notification was sent to your IB Key device."),
        button("Cancel"),
      ]);
    case "passkey":
      return win(title, "dialog", [
        head,
        label("Please use your passkey device to complete the login."),
        button("Authenticate >"),
        button("Cancel"),
      ]);
  }
}

/** Too many failed attempts, with the wait as Gateway words it. */
export function tooMany(wait: string): Fixture {
  return message(
    "Gateway",
    `Too many failed login attempts. Please wait ${wait} before trying to log in again.`,
    ["OK"],
    { textArea: true },
  );
}

/** The configuration dialog; the title carries the account id. */
export function configDialog(): Fixture {
  return win("DU1234567 Trader Workstation Configuration (Simulated Trading)", "dialog", [
    node("tree", "JTree", { items: ["API", "Lock and Exit"] }, [
      node("treenode", "node", { text: "API" }, [
        node("treenode", "node", { text: "Settings" }),
        node("treenode", "node", { text: "Precautions" }),
      ]),
      node("treenode", "node", { text: "Lock and Exit" }),
    ]),
    panel(
      checkbox("Read-Only API", true),
      node("panel", "JPanel", { name: "Socket port" }, [field("4002")]),
      node("panel", "JPanel", { name: "Master API client ID" }, [field("")]),
    ),
    button("OK"),
    button("Apply"),
    button("Cancel"),
  ], { modal: false });
}

/**
 * One realistic window per catalogue row id. The test suite checks that each is classified as
 * its row and that every row has one.
 */
export function catalogueFixtures(): Record<string, Fixture> {
  return {
    "main-window": mainWindow(),
    "second-factor": twoFactor("code"),
    "passkey-window": win("Passkey sign-in", "frame", [label("Waiting for your security key")]),
    "passkey-authenticate": win("Authenticate", "frame", [label("Loading...")], {
      toolkit: "swing",
    }),
    "config-dialog": configDialog(),
    "accept-incoming-connection": message("", [
      "Accept incoming connection attempt from 10.0.0.7?",
    ], ["OK", "No"]),
    "stuck-connecting": loginFrame({
      status: "Attempt 3: connecting to server (trying for another 41 seconds)",
    }),
    "connecting-modal": connectingModal(),
    "log-export": message("View Logs", ["Gateway Logs"], ["Export Logs...", "Cancel"], {
      modal: false,
    }),
    "passkey-not-supported": message(
      "Gateway",
      "Connection to server failed: Required PassKey is not supported, please upgrade to latest version GATEWAY",
      ["OK"],
    ),
    "bad-credentials": message(
      "Gateway",
      "Connection to server failed: Invalid username or password. Please check the Caps Lock key; passwords are case sensitive.",
      ["OK"],
    ),
    "unrecognized-credentials": message("Unrecognized Username or Password", [
      "Unrecognized Username or Password.",
    ], ["OK"]),
    "too-many-attempts": tooMany("53 seconds"),
    "password-expiry": message(
      "Password Notice",
      "Your password will expire in 5 days. Please change it in Client Portal.",
      ["OK"],
      { kind: "frame" },
    ),
    "security-tokens-expired": message(
      "Gateway",
      "Your security tokens have expired. Please contact Client Services to request new tokens.",
      ["OK"],
      { textArea: true },
    ),
    "existing-session": message("Existing session detected", [
      "An existing session was detected for this user name.",
      "Another session is already logged in; continuing will disconnect it.",
    ], ["Continue Login", "Cancel"]),
    "trading-login-handoff": message("Trading Login Handoff", [
      "You are logged in to trading on another device.",
    ], ["Disconnect Other Session", "Cancel"]),
    "relogin-required": message("Re-login is required", [
      "Your session was disconnected by a login from another location.",
      "Re-login is required.",
    ], ["Re-login"]),
    "login-failed": message(
      "Login failed",
      "Login failed: the saved session could not be restored.",
      [
        "OK",
      ],
    ),
    "login-error": message("Login Error", "Unable to log in. Please try again later.", ["OK"]),
    "not-currently-available": message("Login", [
      "The login service is not currently available. Please try again later.",
    ], ["OK"]),
    "login-messages": win("Login Messages", "window", [
      label("You have new messages from Interactive Brokers."),
      node("button", "Button", { text: "Resume login" }),
    ], { toolkit: "javafx", className: "javafx.stage.Stage" }),
    "api-write-access": message("API client needs write access action confirmation", [
      "The API client needs write access to place an order.",
    ], ["Yes", "No"]),
    "login": loginFrame(),
    "starting-application": win("Starting application...", "frame", [
      label("IBKR Gateway"),
      label("Starting application..."),
      node("progress", "JProgressBar"),
    ], { modal: false }),
    "authenticating": win("Authenticating...", "dialog", [node("progress", "JProgressBar")]),
    "loading": win("Loading...", "frame", [node("progress", "JProgressBar")], { modal: false }),
    "restart-in-progress": win("Restart in progress", "dialog", [label("Restarting...")]),
    "shutdown-progress": win("Shutdown progress", "dialog", [label("Saving settings...")]),
    "exit-confirm": message("Exit", "Are you sure you want to exit?", ["Yes", "No"]),
    "api-change-confirm": message("Confirm", [
      "Do you want to apply the new socket port setting?",
    ], ["Yes", "No"]),
    "restart-confirm": message("Restart", [
      "Are you sure you would like to restart the application?",
    ], ["Yes", "No"]),
    "reconnect-confirm": message("IBKR Gateway", [
      'Are you sure you want to execute "simulate reconnect data"?',
    ], ["OK", "Cancel"]),
    "non-brokerage-warning": message("Warning", [
      "This is not a brokerage account. This is a paper trading account, for simulated trading only.",
      "Market data in a paper trading account may be delayed, and fills are simulated.",
    ], ["I understand and accept"]),
    "disclaimer": message("Important Notice", "Please read the following disclosure.", [
      "Acknowledge",
    ]),
    "newer-version": message(
      "Newer Version Available",
      [
        "Newer Version of IB Gateway is available. It will be installed the next time you restart.",
      ],
      ["OK"],
      { modal: false },
    ),
    "tip-of-the-day": message(
      "Tip of the Day",
      [
        "Did you know?",
        "You can change the API socket port in Configure > Settings > API > Settings.",
      ],
      ["Close"],
      { modal: false },
    ),
    "startup-warning": message("Warning", "The market data farm is in maintenance.", ["OK"]),
    "connection-to-server-failed": message(
      "Gateway",
      "Connection to server failed: Server is not reachable.",
      ["OK"],
    ),
    "gateway-dialog": message("Gateway", "Trusted IP 10.0.0.7 was added.", ["OK"]),
    "tws-main-window": twsMainWindow(),
    "tws-login": twsLoginFrame(),
    "security-code-read-only": message("Security Code Card Entry", [
      "Enter the response from your security code card.",
    ], ["OK", "Enter Read Only", "Cancel"]),
    "blind-trading-warning": message("Warning", [
      "You are about to submit an order without market data (blind trading).",
      "Are you sure you want to submit this order?",
    ], ["Yes", "No"]),
    "crypto-order-confirmation": message("Cryptocurrency order confirmation", [
      "Please confirm the cryptocurrency order.",
    ], ["Transmit", "Cancel"]),
    "reset-order-id-confirm": message("Reset API Order ID", [
      "Are you sure you want to reset API order ID sequence?",
    ], ["Yes", "No"]),
    "nse-compliance": message("NSE Compliance", "Please read the NSE compliance notice.", ["OK"], {
      kind: "frame",
    }),
  };
}
