// Owns: every user-visible string the simulated Gateway shows, in one place, with the build
// variants (standard 10.4x and the hyphenated build of IBC PR #366). Each string cites the fact
// it reproduces; strings marked "sim" are plausible inventions where no fact gives the text.
package ibgateway.sim;

public final class Strings {
    private final boolean hyphen;
    /** Trader Workstation mode (jclient.LoginFrame): TWS's titles instead of Gateway's. */
    public final boolean tws;

    public Strings(boolean hyphenated) {
        this(hyphenated, false);
    }

    public Strings(boolean hyphenated, boolean tws) {
        this.hyphen = hyphenated;
        this.tws = tws;
    }

    /** The login frame's title: Gateway's product name, or TWS's `Login` (IBC LoginFrameHandler.java). */
    public String loginTitle() { return tws ? TWS_LOGIN_TITLE : gatewayTitle(); }
    /** Title of the login's progress and error modals: `Gateway` (peers.md A4); for TWS a sim guess. */
    public String messageTitle() { return tws ? TWS_MESSAGE_TITLE : GATEWAY; }
    /** The connecting modal: `Gateway` (peers.md A4); for TWS a sim guess (its text as title). */
    public String connectingTitle() { return tws ? CONNECTING : GATEWAY; }
    /** The main window's title once logged in (TWS: a sim guess, recognised by its menus). */
    public String mainTitle() { return tws ? TWS_MAIN_TITLE : gatewayTitle(); }

    // ---- Trader Workstation (ibc.md 1, 3, 5; IBC LoginFrameHandler.java, MainWindowFrameHandler.java,
    // GetConfigDialogTask.java, SecurityCodeDialogHandler.java) ---------------------------------
    public static final String TWS_LOGIN_TITLE = "Login";
    /** ibc.md 5.1: check box of the TWS login frame. */
    public static final String STORE_SETTINGS_ON_SERVER = "Use/store settings on server";
    /** sim guess: the real title of TWS's connecting/error modals is not in the facts. */
    public static final String TWS_MESSAGE_TITLE = "Trader Workstation";
    /** sim guess; ibc.md 5 #32 names `IBKR Trader Workstation` as a TWS dialog title. */
    public static final String TWS_MAIN_TITLE = "IBKR Trader Workstation";
    /** ibc.md 5 #5: File > `Lock Application` marks TWS's main window (logged in). */
    public static final String LOCK_APPLICATION = "Lock Application";
    /** ibc.md 5.4: Classic `Edit > Global Configuration...`, Mosaic `File > Global Configuration...`. */
    public static final String GLOBAL_CONFIGURATION = "Global Configuration...";
    /** ibc.md 5 #13: a real title of the configuration dialog. */
    public static final String TWS_CONFIG_TITLE = "Global Configuration";
    /** ibc.md 3, 6: TWS's STOP path is File > `Exit`. */
    public static final String EXIT_MENU = "Exit";
    /** ibc.md 5 #18, #19: the button of TWS's 2FA and security-code windows. */
    public static final String ENTER_READ_ONLY = "Enter Read Only";

    /** Login frame and (after login) main window title (ibc.md 5.1, 5.8; peers.md A4). */
    public String gatewayTitle() { return hyphen ? "IBKR-Gateway" : "IBKR Gateway"; }
    public String ibApi() { return "IB API"; }
    public String fixCtci() { return hyphen ? "FIX-CTCI" : "FIX CTCI"; }
    public String liveTrading() { return hyphen ? "Live-Trading" : "Live Trading"; }
    public String paperTrading() { return hyphen ? "Paper-Trading" : "Paper Trading"; }
    /** ibc.md 5.1: `Log In` (live), `Paper Log In` (paper); hyphenated `Paper-Login` (PR #366); live hyphen form is sim. */
    public String logIn(boolean paper) {
        if (hyphen) return paper ? "Paper-Login" : "Log-In";
        return paper ? "Paper Log In" : "Log In";
    }

    public static final String TRADING_MODE = "Trading Mode";
    public static final String USERNAME = "Username";
    public static final String PASSWORD = "Password";
    public static final String FIX_USERNAME = "FIX Username";
    public static final String FIX_PASSWORD = "FIX Password";
    /** peers.md A4 "Stuck connecting". */
    public static String attempt(int n, long secondsLeft) {
        return "Attempt " + n + ": connecting to server (trying for another " + secondsLeft + " seconds)";
    }

    /** peers.md A4: modal titled `Gateway`, only OK, which cancels the login. */
    public static final String GATEWAY = "Gateway";
    public static final String CONNECTING = "Connecting to server...";
    public static final String AUTHENTICATING = "Authenticating...";
    public static final String LOADING = "Loading...";
    public static final String STARTING = "Starting application...";
    /** peers.md A4 "Bad credentials modal": the real text. */
    public static final String BAD_CREDENTIALS =
        "Connection to server failed: Invalid username or password. Please check the Caps Lock key; passwords are case sensitive.";
    /** ibc.md 5.2 (the wait wording is Gateway's). */
    public static String tooMany(long seconds) {
        String wait = seconds >= 60 ? (seconds / 60) + " minutes & " + (seconds % 60) + " seconds" : seconds + " seconds";
        return "Too many failed login attempts. Please wait " + wait + " before trying to log in again.";
    }

    /** ibc.md 5.2 and peers.md A4 (2FA). */
    public static final String TWOFA_TITLE = "Second Factor Authentication";
    public static final String SELECT_DEVICE = "Select second factor device";
    public static String enterCode(String device) { return "Enter " + device + " code"; }
    public static final String TWOFA_WRONG = "Invalid security code. Please try again."; // sim
    public static final String IBKEY_PUSH = "Check your IBKR Mobile app: a notification was sent to your IB Key device."; // sim
    public static final String PASSKEY = "Please use your passkey device to complete the login."; // "use your passkey device": peers.md A4
    public static final String AUTHENTICATE = "Authenticate >";

    /** ibc.md 5.3. */
    public static final String EXISTING_TITLE = "Existing session detected";
    public static final String EXISTING_TEXT =
        "An existing session was detected for this user name.\nAnother session is already logged in; continuing will disconnect it."; // wording sim
    public static final String RELOGIN_TITLE = "Re-login is required";
    public static final String RELOGIN_TEXT = "Your session was disconnected by a login from another location.\nRe-login is required."; // wording sim

    /** ibc.md 5 #21 (label `This is not a brokerage account`), button `I understand and accept`. */
    public static final String PAPER_WARNING_TITLE = "Warning";
    public static final String PAPER_WARNING =
        "This is not a brokerage account. This is a paper trading account, for simulated trading only.\n"
        + "Market data in a paper trading account may be delayed, and fills are simulated.";
    public static final String ACCEPT = "I understand and accept";

    /** ibc.md 5 #12 `Password Notice`; peers.md A4 expiry wording. */
    public static final String PASSWORD_NOTICE = "Password Notice";
    public static String passwordWillExpire(long days) { return "Your password will expire in " + days + " days. Please change it in Client Portal."; }
    public static final String PASSWORD_EXPIRED = "Your password has expired. Please change it in Client Portal before logging in.";

    /** ibc.md 5.8 `Login Messages` with `Resume login` (a JavaFX window in the real Gateway). */
    public static final String LOGIN_MESSAGES = "Login Messages";
    public static final String RESUME_LOGIN = "Resume login";
    /** sim: security tokens notice. */
    public static final String TOKENS_TITLE = "Security Notice";
    public static final String TOKENS_EXPIRED = "Your security tokens have expired. Please contact Client Services to request new tokens.";
    /** ibc.md 5 #7, #10. */
    public static final String NEWER_VERSION_TEXT = "Newer Version of IB Gateway is available. It will be installed the next time you restart.";
    public static final String TIP_TITLE = "Tip of the Day";

    /** ibc.md 5 #22: label `Are you sure you want to exit?`, `Yes` / `No`. Title is sim. */
    public static final String EXIT_TITLE = "Exit";
    public static final String EXIT_TEXT = "Are you sure you want to exit?";
    /** ibc.md 5 #24. */
    public static final String LOGIN_FAILED_TITLE = "Login failed";
    public static final String RESTART_TOKEN_REJECTED = "Login failed: the saved session could not be restored. Please log in again."; // sim

    /** ibc.md 5.4-5.7 and peers.md A4 (config dialog). */
    public static final String CONFIG_TITLE = "Trader Workstation Configuration";
    public static final String[] PRECAUTIONS = {
        "Bypass Order Precautions for API Orders",
        "Bypass Bond warning for API Orders.",
        "Bypass negative yield to worst confirmation for API Orders.",
        "Bypass Called Bond warning for API Orders",
        "Bypass \"same action pair trade\" warning for API orders.",
        "Bypass price-based volatility risk warning for API Orders.",
        "Bypass US Stocks market data in shares warning for API Orders",
        "Bypass Redirect Order warning for Stock API Orders",
        "Bypass No Overfill Protection precaution for destinations where implied natively.",
    };
    public static final String AUTO_LOGOFF_LABEL = "Set Auto Log Off Time (HH:MM)";
    public static final String AUTO_RESTART_LABEL = "Set Auto Restart Time (HH:MM)";
}
