// Owns: every user-visible string the simulated Gateway shows, in one place, with the build
// variants (standard 10.4x and the hyphenated build of IBC PR #366). Each string cites the fact
// it reproduces; strings marked "sim" are plausible inventions where no fact gives the text.
package ibgateway.sim;

public final class Strings {
    private final boolean hyphen;
    /** Scenario `renames`: a new Gateway build that renamed a login-frame control (old -> new text). */
    private final java.util.Map<String, String> renames;
    /** Trader Workstation mode (jclient.LoginFrame): TWS's titles instead of Gateway's. */
    public final boolean tws;

    public Strings(boolean hyphenated) {
        this(hyphenated, java.util.Map.of());
    }

    public Strings(boolean hyphenated, java.util.Map<String, String> renames) {
        this(hyphenated, renames, false);
    }

    public Strings(boolean hyphenated, java.util.Map<String, String> renames, boolean tws) {
        this.hyphen = hyphenated;
        this.renames = renames;
        this.tws = tws;
    }

    private String r(String text) { return renames.getOrDefault(text, text); }

    /** The login frame's title: Gateway's product name, or TWS's `Login` (IBC LoginFrameHandler.java). */
    public String loginTitle() { return tws ? TWS_LOGIN_TITLE : gatewayTitle(); }
    /** Title of the login's progress and error modals: `Gateway` (sources.md peers A4); for TWS a sim guess. */
    public String messageTitle() { return tws ? TWS_MESSAGE_TITLE : GATEWAY; }
    /** The connecting modal: `Gateway` (sources.md peers A4); for TWS a sim guess (its text as title). */
    public String connectingTitle() { return tws ? CONNECTING : GATEWAY; }
    /** The main window's title once logged in (TWS: a sim guess, recognised by its menus). */
    public String mainTitle() { return tws ? TWS_MAIN_TITLE : gatewayTitle(); }

    // ---- Trader Workstation (sources.md IBC 1, 3, 5; IBC LoginFrameHandler.java, MainWindowFrameHandler.java,
    // GetConfigDialogTask.java, SecurityCodeDialogHandler.java) ---------------------------------
    public static final String TWS_LOGIN_TITLE = "Login";
    /** sources.md IBC 5.1: check box of the TWS login frame. */
    public static final String STORE_SETTINGS_ON_SERVER = "Use/store settings on server";
    /** sim guess: the real title of TWS's connecting/error modals is not in the facts. */
    public static final String TWS_MESSAGE_TITLE = "Trader Workstation";
    /** sim guess; sources.md IBC 5 #32 names `IBKR Trader Workstation` as a TWS dialog title. */
    public static final String TWS_MAIN_TITLE = "IBKR Trader Workstation";
    /** sources.md IBC 5 #5: File > `Lock Application` marks TWS's main window (logged in). */
    public static final String LOCK_APPLICATION = "Lock Application";
    /** sources.md IBC 5.4: Classic `Edit > Global Configuration...`, Mosaic `File > Global Configuration...`. */
    public static final String GLOBAL_CONFIGURATION = "Global Configuration...";
    /** sources.md IBC 5 #13: a real title of the configuration dialog. */
    public static final String TWS_CONFIG_TITLE = "Global Configuration";
    /** sources.md IBC 3, 6: TWS's STOP path is File > `Exit`. */
    public static final String EXIT_MENU = "Exit";
    /** sources.md IBC 5 #18, #19: the button of TWS's 2FA and security-code windows. */
    public static final String ENTER_READ_ONLY = "Enter Read Only";

    /** Login frame and (after login) main window title (sources.md IBC 5.1, 5.8; sources.md peers A4). */
    public String gatewayTitle() { return r(hyphen ? "IBKR-Gateway" : "IBKR Gateway"); }
    public String ibApi() { return r("IB API"); }
    public String fixCtci() { return r(hyphen ? "FIX-CTCI" : "FIX CTCI"); }
    public String liveTrading() { return r(hyphen ? "Live-Trading" : "Live Trading"); }
    public String paperTrading() { return r(hyphen ? "Paper-Trading" : "Paper Trading"); }
    public String tradingMode() { return r(TRADING_MODE); }
    /** sources.md IBC 5.1: `Log In` (live), `Paper Log In` (paper); hyphenated `Paper-Login` (PR #366); live hyphen form is sim. */
    public String logIn(boolean paper) {
        if (hyphen) return r(paper ? "Paper-Login" : "Log-In");
        return r(paper ? "Paper Log In" : "Log In");
    }

    public static final String TRADING_MODE = "Trading Mode";
    public static final String USERNAME = "Username";
    public static final String PASSWORD = "Password";
    public static final String FIX_USERNAME = "FIX Username";
    public static final String FIX_PASSWORD = "FIX Password";
    /** sources.md peers A4 "Stuck connecting". */
    public static String attempt(int n, long secondsLeft) {
        return "Attempt " + n + ": connecting to server (trying for another " + secondsLeft + " seconds)";
    }

    /** sources.md peers A4: modal titled `Gateway`, only OK, which cancels the login. */
    public static final String GATEWAY = "Gateway";
    public static final String CONNECTING = "Connecting to server...";
    public static final String AUTHENTICATING = "Authenticating...";
    public static final String LOADING = "Loading...";
    public static final String STARTING = "Starting application...";
    /** sources.md peers A4 "Bad credentials modal": the real text. */
    public static final String BAD_CREDENTIALS =
        "Connection to server failed: Invalid username or password. Please check the Caps Lock key; passwords are case sensitive.";
    /** sources.md IBC 5.2 (the wait wording is Gateway's). */
    public static String tooMany(long seconds) {
        String wait = seconds >= 60 ? (seconds / 60) + " minutes & " + (seconds % 60) + " seconds" : seconds + " seconds";
        return "Too many failed login attempts. Please wait " + wait + " before trying to log in again.";
    }

    /** sources.md IBC 5.2 and sources.md peers A4 (2FA). */
    public static final String TWOFA_TITLE = "Second Factor Authentication";
    public static final String SELECT_DEVICE = "Select second factor device";
    public static String enterCode(String device) { return "Enter " + device + " code"; }
    public static final String TWOFA_WRONG = "Invalid security code. Please try again."; // sim
    public static final String IBKEY_PUSH = "Check your IBKR Mobile app: a notification was sent to your IB Key device."; // sim
    public static final String PASSKEY = "Please use your passkey device to complete the login."; // "use your passkey device": sources.md peers A4
    public static final String AUTHENTICATE = "Authenticate >";
    /** IBGA PR #33 (Gateway 10.47): the push screen's link to the device list. */
    public static final String CHANGE_DEVICE = "Change security device";

    /** sim: a post-login modal no controller has seen (tests of unknown windows and rules). */
    public static final String UNKNOWN_TITLE = "Important Notice";
    public static final String UNKNOWN_TEXT =
        "Your market data subscriptions change on the first day of next month.\nReview them in Client Portal.";
    public static final String UNKNOWN_BUTTON = "Review Later";

    /** sources.md IBC 5.3. */
    public static final String EXISTING_TITLE = "Existing session detected";
    public static final String EXISTING_TEXT =
        "An existing session was detected for this user name.\nAnother session is already logged in; continuing will disconnect it."; // wording sim
    public static final String RELOGIN_TITLE = "Re-login is required";
    public static final String RELOGIN_TEXT = "Your session was disconnected by a login from another location.\nRe-login is required."; // wording sim

    /** sources.md IBC 5 #21 (label `This is not a brokerage account`), button `I understand and accept`. */
    public static final String PAPER_WARNING_TITLE = "Warning";
    public static final String PAPER_WARNING =
        "This is not a brokerage account. This is a paper trading account, for simulated trading only.\n"
        + "Market data in a paper trading account may be delayed, and fills are simulated.";
    public static final String ACCEPT = "I understand and accept";

    /** sources.md IBC 5 #12 `Password Notice`; sources.md peers A4 expiry wording. */
    public static final String PASSWORD_NOTICE = "Password Notice";
    public static String passwordWillExpire(long days) { return "Your password will expire in " + days + " days. Please change it in Client Portal."; }
    public static final String PASSWORD_EXPIRED = "Your password has expired. Please change it in Client Portal before logging in.";

    /** sources.md IBC 5.8 `Login Messages` with `Resume login` (a JavaFX window in the real Gateway). */
    public static final String LOGIN_MESSAGES = "Login Messages";
    public static final String RESUME_LOGIN = "Resume login";
    /** sim: security tokens notice. */
    public static final String TOKENS_TITLE = "Security Notice";
    public static final String TOKENS_EXPIRED = "Your security tokens have expired. Please contact Client Services to request new tokens.";
    /** sources.md IBC 5 #7, #10. */
    public static final String NEWER_VERSION_TEXT = "Newer Version of IB Gateway is available. It will be installed the next time you restart.";
    public static final String TIP_TITLE = "Tip of the Day";

    /** sources.md IBC 5 #22: label `Are you sure you want to exit?`, `Yes` / `No`. Title is sim. */
    public static final String EXIT_TITLE = "Exit";
    public static final String EXIT_TEXT = "Are you sure you want to exit?";
    /** sources.md IBC 5 #24. */
    public static final String LOGIN_FAILED_TITLE = "Login failed";
    public static final String RESTART_TOKEN_REJECTED = "Login failed: the saved session could not be restored. Please log in again."; // sim

    /** sources.md IBC 5.4-5.7 and sources.md peers A4 (config dialog). */
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
