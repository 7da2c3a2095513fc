// Owns: the simulated Gateway's behaviour over time: start-up, the login attempt (connecting
// modal, CCP timeouts, credentials), existing session, 2FA, notices and disclaimers, the splash,
// the API port, later dialogs, configuration, auto-restart and every exit path. Scenario faults
// are injected here. Long waits run on the `JTS-Login` worker thread, never on the EDT, and
// dialogs are shown with invokeLater, so the GUI stays as responsive as the real one.
package ibgateway.sim;

import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.swing.SwingUtilities;

public final class Flow implements MainWindow.Actions {
    static final String T_MAIN = "JTS-Main";
    static final String T_LOGIN = "JTS-Login-12";
    static final String T_CCP = "AuthTimeoutMonitor-CCP";
    static final String T_LISTENER = "JTS-CCPListenerS2";

    final Scenario sc;
    final Settings settings;
    final Strings s;
    final String version;
    final String restartDir;
    /** Trader Workstation mode (jclient.LoginFrame); `mosaic`: TWS's Mosaic menus, else Classic. */
    final boolean tws;
    final boolean mosaic;
    /** TWS: the login ended with `Enter Read Only` (ReadOnlyLogin). */
    volatile boolean readOnly;

    LoginFrame login;
    MainWindow main;
    ApiServer api;
    ConfigDialog config;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> thread(r, "JTS-Login"));
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, r -> thread(r, "JTS-Timer"));
    volatile boolean loggedIn;
    volatile boolean busy;
    /** Login attempts that have finished (the driver waits on this, not on sampling the button). */
    volatile int attemptsDone;
    volatile boolean exiting;
    private volatile boolean exitRecorded;
    volatile String mode = "paper";
    volatile String user;
    private int failures;
    private long lockedUntil;
    private int ccpSilentLeft;
    private int badCredsLeft;
    /** Device switches still to be answered with `Re-login is required` (twofa.reloginAfterSwitch). */
    private int switchReloginsLeft;
    private long lastAcceptedStep = Long.MIN_VALUE;
    private boolean frozeOnce;
    private String lastAutoMinute = "";

    public Flow(Scenario sc, Settings settings, String version, String restartDir) {
        this(sc, settings, version, restartDir, false);
    }

    public Flow(Scenario sc, Settings settings, String version, String restartDir, boolean tws) {
        this.sc = sc;
        this.settings = settings;
        this.tws = tws;
        this.mosaic = "mosaic".equals(sc.str("twsLayout", "classic"));
        this.s = new Strings(sc.hyphenated(), sc.renames(), tws);
        this.version = version;
        this.restartDir = restartDir;
        this.ccpSilentLeft = (int) sc.num("faults.silentCcpTimeouts", 0);
        this.badCredsLeft = (int) sc.num("faults.badCredentials", 0);
        this.switchReloginsLeft = (int) sc.num("twofa.reloginAfterSwitch", 0);
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ---- phases and injected faults ------------------------------------------------------------

    /** Enters a phase: records it, then applies a crash or EDT freeze the scenario put here. */
    void phase(String name) {
        EventLog.emit("phase", "name", name);
        Map<String, Object> crash = sc.map("faults.crash");
        if (crash != null && name.equals(crash.get("phase"))) {
            int code = crash.get("exitCode") instanceof Double ? ((Double) crash.get("exitCode")).intValue() : 1;
            LauncherLog.warn(T_MAIN, "Unexpected error, terminating");
            exitRecorded = true;
            EventLog.emit("exit", "code", code, "cause", "crash", "phase", name);
            Runtime.getRuntime().halt(code);
        }
        Map<String, Object> freeze = sc.map("faults.edtFreeze");
        if (freeze != null && name.equals(freeze.get("phase")) && !frozeOnce) {
            frozeOnce = true;
            long ms = freeze.get("ms") instanceof Double ? ((Double) freeze.get("ms")).longValue() : 0;
            EventLog.emit("edt-freeze", "phase", name, "ms", ms);
            SwingUtilities.invokeLater(() -> Ui.sleep(ms));
        }
    }

    private List<Object> disclaimers() {
        return sc.list("faults.disclaimers");
    }

    // ---- start-up --------------------------------------------------------------------------------

    public void start() throws Exception {
        settings.ensureIni();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // A signal, not Gateway's own close path: the IBKR session slot is NOT released.
            if (!exitRecorded) EventLog.emit("exit", "code", null, "cause", "signal", "sessionReleased", false);
        }, "sim-shutdown-hook"));
        phase("starting");
        LauncherLog.line(T_MAIN, "Starting " + (tws ? "Trader Workstation" : "IB Gateway") + " version " + version + " (" + s.loginTitle() + ")");
        LauncherLog.line(T_MAIN, "jtsConfigDir=" + settings.dir);
        LauncherLog.line(T_MAIN, "Java version " + System.getProperty("java.version") + ", " + System.getProperty("java.vendor"));
        Ui.edt(() -> main = new MainWindow(this, tws ? new TwsMenus(this, mosaic) : null));
        Ui.sleep(sc.delay("startMs"));
        if (restartDir != null) {
            // The JVM an auto-restart started does not restart again in the minute it began.
            LocalTime now = SimClock.localTime();
            lastAutoMinute = now.getHour() + ":" + now.getMinute();
            worker.submit(this::resume);
        } else {
            showLogin();
        }
        // Gateway looks at the Lock and Exit time every 15 s; tests may look more often.
        long autoCheckMs = Math.max(50, sc.num("lockAndExit.checkMs", 15_000));
        timers.scheduleAtFixedRate(this::checkAutoTime, autoCheckMs, autoCheckMs, TimeUnit.MILLISECONDS);
    }

    private void showLogin() {
        Ui.edt(() -> {
            if (login == null) {
                String saved = settings.iniGet("Logon", "tradingMode");
                boolean paper = saved != null ? saved.equals("p") : "paper".equals(sc.str("initialTradingMode", "live"));
                login = new LoginFrame(s, version, paper, this::passwordOk, this::onLogIn, () -> shutdown(0, "login-frame-closed"));
            }
            login.setStatus("");
            login.setVisible(true);
            login.toFront();
        });
        phase("login-frame");
    }

    boolean passwordOk(String pw) {
        String want = sc.str("credentials.password", null);
        return want == null ? !pw.isEmpty() : want.equals(pw);
    }

    private boolean credentialsOk(String u, String pw) {
        String wantUser = sc.str("credentials.username", null);
        return (wantUser == null || wantUser.equalsIgnoreCase(u.trim())) && passwordOk(pw);
    }

    /** The Log In button (EDT). The attempt runs on the worker thread. */
    private void onLogIn(boolean paper, boolean fix, String u, char[] pw, String fixUser, char[] fixPw) {
        if (busy || exiting || loggedIn) {
            attemptsDone++; // an ignored click is spent too
            return;
        }
        busy = true;
        String password = new String(pw);
        worker.submit(() -> {
            try {
                attempt(paper, fix, u, password);
            } catch (Throwable t) {
                EventLog.emit("sim-error", "where", "login", "error", t.toString());
            } finally {
                attemptsDone++;
                busy = false;
                if (login != null) login.setBusy(false);
            }
        });
    }

    // ---- one login attempt ------------------------------------------------------------------------

    private void attempt(boolean paper, boolean fix, String u, String pw) {
        mode = paper ? "paper" : "live";
        EventLog.emit("login-attempt", "mode", mode, "api", fix ? "fix" : "ib", "user", u);
        if (u.isBlank() || pw.isEmpty()) {
            EventLog.emit("login-result", "ok", false, "reason", "missing-credentials");
            return;
        }
        if (System.currentTimeMillis() < lockedUntil) {
            EventLog.emit("login-result", "ok", false, "reason", "too-many-attempts");
            long left = (lockedUntil - System.currentTimeMillis() + 999) / 1000;
            Ui.show(login, s.messageTitle(), Strings.tooMany(left), Ui.Kind.MODAL, true, "OK").await();
            return;
        }
        login.setBusy(true);
        login.setStatus("");
        phase("connecting");
        Ui.Choice connecting = Ui.show(login, s.connectingTitle(), Strings.CONNECTING, Ui.Kind.MODAL, false, "OK");
        LauncherLog.line(T_LOGIN, "Authenticating");
        main.append("Connecting to server...");
        long t0 = System.currentTimeMillis();
        int n = 1;
        String cancelled = null;
        while (true) {
            LauncherLog.line(T_CCP, "AuthTimeoutMonitor-CCP: activate");
            if (ccpSilentLeft > 0) {
                // The server never answers: Gateway's own 20 s timer fires and it tries again.
                ccpSilentLeft--;
                cancelled = connecting.await(sc.num("faults.ccpTimeoutMs", 20000));
                if (cancelled != null) break;
                LauncherLog.line(T_CCP, "AuthTimeoutMonitor-CCP: Timeout!");
                n++;
                long left = sc.num("faults.ccpRetryWindowSec", 120) - (System.currentTimeMillis() - t0) / 1000;
                if (left <= 0) {
                    connecting.close();
                    login.setStatus("");
                    EventLog.emit("login-result", "ok", false, "reason", "connect-timeout");
                    return;
                }
                login.setStatus(Strings.attempt(n, left));
                LauncherLog.line(T_LOGIN, "Authenticating");
                continue;
            }
            cancelled = connecting.await(sc.delay("connectMs"));
            break;
        }
        if (cancelled != null) {
            // The OK on the connecting modal is a cancel button (sources.md peers A4).
            LauncherLog.line(T_LOGIN, "Login cancelled by user");
            main.append("Login cancelled");
            login.setStatus("");
            EventLog.emit("login-result", "ok", false, "reason", "cancelled");
            return;
        }
        LauncherLog.line(T_LISTENER, "NS_AUTH_START");
        boolean bad;
        if (badCredsLeft > 0) {
            badCredsLeft--;
            bad = true;
        } else {
            bad = !credentialsOk(u, pw);
        }
        if (bad) {
            failures++;
            LauncherLog.line(T_CCP, "AuthTimeoutMonitor-CCP: Timeout!");
            connecting.close();
            login.setStatus("");
            EventLog.emit("login-result", "ok", false, "reason", "bad-credentials");
            Map<String, Object> tm = sc.map("faults.tooManyAttempts");
            if (tm != null && failures >= (tm.get("afterFailures") instanceof Double ? ((Double) tm.get("afterFailures")).intValue() : 3)) {
                long wait = tm.get("waitSeconds") instanceof Double ? ((Double) tm.get("waitSeconds")).longValue() : 53;
                lockedUntil = System.currentTimeMillis() + wait * 1000;
                Ui.show(login, s.messageTitle(), Strings.tooMany(wait), Ui.Kind.MODAL, true, "OK").await();
            } else {
                Ui.show(login, s.messageTitle(), Strings.BAD_CREDENTIALS, Ui.Kind.MODAL, false, "OK").await();
            }
            return;
        }
        connecting.close();
        login.setStatus("");
        failures = 0;
        proceed(u, paper, false);
    }

    private void backToLogin(String reason) {
        EventLog.emit("login-result", "ok", false, "reason", reason);
        Ui.edt(() -> main.setVisible(false));
        showLogin();
    }

    /** From a successful NS_AUTH_START (or a resumed session) to the API port. */
    private void proceed(String u, boolean paper, boolean resumed) {
        mode = paper ? "paper" : "live";
        // TWS 1016+ with `twofa.inPlace`: the login frame stays up and becomes the 2FA screen.
        if (login != null && !twofaInPlace()) Ui.edt(() -> login.setVisible(false));
        // TWS shows no main window until it is logged in (IBC MainWindowFrameHandler.java).
        if (!tws) {
            Ui.edt(() -> {
                main.setTitle(Strings.LOADING);
                main.setVisible(true);
            });
        }
        Ui.Choice auth = Ui.show(main, Strings.AUTHENTICATING, Strings.AUTHENTICATING, Ui.Kind.MODELESS, false);
        phase("authenticating");
        Ui.sleep(sc.delay("authMs"));
        if (!resumed && sc.bool("faults.existingSession")) {
            String r = Ui.show(main, Strings.EXISTING_TITLE, Strings.EXISTING_TEXT, Ui.Kind.MODAL, false, "Continue Login", "Cancel").await();
            EventLog.emit("existing-session", "choice", r);
            if (!"Continue Login".equals(r)) {
                auth.close();
                backToLogin("existing-session-cancelled");
                return;
            }
            LauncherLog.line(T_LOGIN, "Existing session detected: continuing, the other session will be disconnected");
        }
        String kind = sc.str("twofa.kind", "totp");
        if (!resumed && !kind.equals("none") && (!paper || sc.bool("twofa.paper"))) {
            phase("twofa");
            String fail = twoFactor(kind);
            if (fail != null) {
                auth.close();
                backToLogin(fail);
                return;
            }
        }
        auth.close();
        phase("post-auth");
        Map<String, Object> expiry = sc.map("faults.passwordExpiry");
        if (expiry != null) {
            if (Boolean.TRUE.equals(expiry.get("expired"))) {
                Ui.show(main, Strings.PASSWORD_NOTICE, Strings.PASSWORD_EXPIRED, Ui.Kind.FRAME, false, "OK").await();
                backToLogin("password-expired");
                return;
            }
            notice("password-expiry");
        }
        if (disclaimers().contains("tokens-expired")) {
            Ui.show(main, Strings.TOKENS_TITLE, Strings.TOKENS_EXPIRED, Ui.Kind.MODAL, true, "OK").await();
        }
        if (disclaimers().contains("login-messages")) {
            Ui.show(main, Strings.LOGIN_MESSAGES, "You have new messages from Interactive Brokers.\nPlease review them in Client Portal.",
                Ui.Kind.FRAME, false, Strings.RESUME_LOGIN).await();
        }
        Ui.sleep(sc.delay("postAuthMs"));
        LauncherLog.line(T_LOGIN, "PostAuthenticate");
        phase("starting-application");
        if (!tws) { // sim guess: TWS's start-up progress is not in the facts; its main window is the signal
            Ui.Choice splash = Ui.show(null, Strings.STARTING, "IBKR Gateway\n" + Strings.STARTING, Ui.Kind.FRAME, false);
            Ui.sleep(sc.delay("splashMs"));
            splash.close();
        }
        user = u;
        loggedIn = true;
        settings.iniSet("Logon", "tradingMode", paper ? "p" : "l");
        try {
            settings.userDir(u);
        } catch (Exception e) {
            EventLog.emit("sim-error", "where", "userdir", "error", e.toString());
        }
        Ui.edt(() -> {
            main.setTitle(s.mainTitle());
            main.settings.setEnabled(true);
            if (tws) main.setVisible(true);
        });
        main.setApiServer(true);
        main.append("Login completed (" + mode + ")");
        EventLog.emit("login-result", "ok", true, "mode", mode, "resumed", resumed, "readOnly", readOnly);
        phase("logged-in");
        if (paper && disclaimers().contains("paper-warning")) {
            Ui.show(main, Strings.PAPER_WARNING_TITLE, Strings.PAPER_WARNING, Ui.Kind.MODAL, false, Strings.ACCEPT).await();
        }
        if (disclaimers().contains("unknown-notice")) {
            Ui.show(main, Strings.UNKNOWN_TITLE, Strings.UNKNOWN_TEXT, Ui.Kind.MODAL, false, Strings.UNKNOWN_BUTTON).await();
        }
        if (disclaimers().contains("newer-version")) notice("newer-version");
        if (disclaimers().contains("tip-of-the-day")) notice("tip-of-the-day");
        phase("api");
        Ui.sleep(sc.delay("apiPortMs") + sc.num("faults.slowApiPortMs", 0));
        if (!loggedIn || exiting) return;
        api = new ApiServer((int) sc.num("api.maxServerVersion", 178), (int) sc.num("api.maxClients", 32),
            (int) sc.num("api.nextValidId", 1), sc.str("accounts." + mode, paper ? "DU1234567" : "U1234567"), main::setClients);
        if (apiEnabled()) api.listen(effectivePort());
        scheduleLater();
    }

    /** A non-blocking notice (shown, nothing waits for it). */
    private void notice(String kind) {
        switch (kind) {
            case "password-expiry": {
                Map<String, Object> e = sc.map("faults.passwordExpiry");
                long days = e != null && e.get("daysLeft") instanceof Double ? ((Double) e.get("daysLeft")).longValue() : 5;
                Ui.show(null, Strings.PASSWORD_NOTICE, Strings.passwordWillExpire(days), Ui.Kind.FRAME, false, "OK");
                break;
            }
            case "newer-version":
                Ui.show(main, "Newer Version Available", Strings.NEWER_VERSION_TEXT, Ui.Kind.MODELESS, false, "OK");
                break;
            case "tip-of-the-day":
                Ui.show(main, Strings.TIP_TITLE, "Did you know?\nYou can change the API socket port in Configure > Settings > API > Settings.",
                    Ui.Kind.MODELESS, false, "Close");
                break;
            case "paper-warning":
                Ui.show(main, Strings.PAPER_WARNING_TITLE, Strings.PAPER_WARNING, Ui.Kind.MODAL, false, Strings.ACCEPT);
                break;
            case "tokens-expired":
                Ui.show(main, Strings.TOKENS_TITLE, Strings.TOKENS_EXPIRED, Ui.Kind.MODAL, true, "OK");
                break;
            case "unknown-notice":
                Ui.show(main, Strings.UNKNOWN_TITLE, Strings.UNKNOWN_TEXT, Ui.Kind.MODAL, false, Strings.UNKNOWN_BUTTON);
                break;
            case "login-messages":
                Ui.show(main, Strings.LOGIN_MESSAGES, "You have new messages from Interactive Brokers.", Ui.Kind.FRAME, false, Strings.RESUME_LOGIN);
                break;
            default:
                EventLog.emit("sim-error", "where", "notice", "error", "unknown notice " + kind);
        }
    }

    // ---- second factor ----------------------------------------------------------------------------

    /** True when text is the code for the current step (or the previous one, if allowed) and unused. */
    boolean codeValid(String text) {
        return matchStep(text) != Long.MIN_VALUE;
    }

    private long matchStep(String text) {
        String secret = sc.str("twofa.secret", "");
        long now = Totp.step(SimClock.now());
        String t = text.trim();
        for (long step = now; step >= now - (sc.bool("twofa.acceptPreviousStep") ? 1 : 0); step--) {
            if (step <= lastAcceptedStep) continue; // a code is accepted once, like IBKR's server
            if (t.equals(Totp.code(secret, step))) return step;
        }
        return Long.MIN_VALUE;
    }

    /** Runs the 2FA dialog; null on success, else the failure reason. */
    private String twoFactor(String kind) {
        long timeout = sc.num("twofa.timeoutMs", 0);
        final TwoFactorDialog[] holder = new TwoFactorDialog[1];
        Ui.edt(() -> holder[0] = new TwoFactorDialog(main, this::codeValid));
        TwoFactorDialog d = holder[0];
        // TWS shows the same content in a frame, with `Enter Read Only` (sources.md IBC 5 #18).
        final java.awt.Window[] shownAs = {d};
        if (twofaInPlace()) shownAs[0] = login.showInPlace(d);
        else if (tws) Ui.edt(() -> shownAs[0] = new TwsTwoFactorFrame(d));
        java.awt.Window w = shownAs[0];
        final String firstKind = kind;
        boolean shown = false;
        try {
            if (kind.equals("push-first")) {
                // Gateway 10.47+ (IBGA PR #33): the push screen first, the device list behind a link.
                d.showPushFirst(sc.str("twofa.link", "label"));
                Ui.showLater(w);
                shown = true;
                Object approve = sc.get("twofa.approveAfterMs");
                long wait = approve instanceof Double ? ((Double) approve).longValue() : 0;
                TwoFactorDialog.Action a = approve instanceof Double ? (wait > 0 ? d.next(wait) : null) : d.next(timeout);
                if (a == null) {
                    if (!(approve instanceof Double)) return twofaFail("timeout");
                    EventLog.emit("twofa-result", "ok", true, "method", "ibkey");
                    return null;
                }
                if (!a.kind.equals("change-device")) return twofaFail("cancelled");
                EventLog.emit("twofa-change-device");
                kind = "device-select";
            }
            if (kind.equals("device-select")) {
                List<String> rows = new java.util.ArrayList<>();
                for (Object o : sc.list("twofa.devices")) rows.add(o.toString());
                d.showSelect(rows);
                if (!shown) Ui.showLater(w);
                shown = true;
                String device = null;
                while (device == null) {
                    TwoFactorDialog.Action a = d.next(timeout);
                    if (a == null) return twofaFail("timeout");
                    if (a.kind.equals("read-only")) return enterReadOnly();
                    if (!a.kind.equals("ok")) return twofaFail("cancelled");
                    if (a.value != null) device = a.value.trim();
                }
                EventLog.emit("twofa-device", "device", device);
                if (switchReloginsLeft > 0) {
                    // ibg-controller #37/#38: switching the method can cost the session at once.
                    switchReloginsLeft--;
                    Ui.disposeLater(d);
                    LauncherLog.line(T_LOGIN, "COMPETE: session kicked out");
                    LauncherLog.line(T_LOGIN, "Disconnect all farms due to competing session");
                    EventLog.emit("twofa-relogin-required");
                    String r = Ui.show(main, Strings.RELOGIN_TITLE, Strings.RELOGIN_TEXT, Ui.Kind.MODAL, false, "Re-login").await();
                    if (!"Re-login".equals(r)) return twofaFail("relogin-declined");
                    LauncherLog.line(T_LOGIN, "Authenticating");
                    LauncherLog.line(T_LISTENER, "NS_AUTH_START");
                    return twoFactor(firstKind);
                }
                kind = device.equalsIgnoreCase("IB Key") ? "ibkey" : "totp";
            }
            if (kind.equals("totp")) {
                // A scenario may name another method in the prompt (a wrong-prompt dialog for tests).
                d.showCode(sc.str("twofa.codeDevice", "Mobile Authenticator app"));
                if (!shown) Ui.showLater(w);
                int tries = 0;
                while (true) {
                    TwoFactorDialog.Action a = d.next(timeout);
                    if (a == null) return twofaFail("timeout");
                    if (a.kind.equals("read-only")) return enterReadOnly();
                    if (!a.kind.equals("ok")) return twofaFail("cancelled");
                    String code = a.value == null ? "" : a.value;
                    long step = matchStep(code);
                    if (step != Long.MIN_VALUE) {
                        lastAcceptedStep = step;
                        EventLog.emit("twofa-result", "ok", true, "method", "totp");
                        return null;
                    }
                    String secret = sc.str("twofa.secret", "");
                    long now = Totp.step(SimClock.now());
                    boolean stale = false;
                    for (long k = now - 3; k <= now; k++) if (code.trim().equals(Totp.code(secret, k))) stale = true;
                    EventLog.emit("twofa-result", "ok", false, "method", "totp", "reason", stale ? "stale" : "wrong", "length", code.length());
                    LauncherLog.line(T_LOGIN, "Second factor authentication failed");
                    if (++tries >= sc.num("twofa.maxCodeAttempts", 3)) return "twofa-failed";
                    d.rejectCode();
                }
            }
            if (kind.equals("ibkey") || kind.equals("passkey")) {
                if (kind.equals("ibkey")) d.showPush();
                else d.showPasskey();
                if (!shown) Ui.showLater(w);
                if (kind.equals("passkey")) {
                    TwoFactorDialog.Action a = d.next(timeout);
                    if (a == null) return twofaFail("timeout");
                    if (!a.kind.equals("authenticate")) return twofaFail("cancelled");
                }
                Object approve = sc.get("twofa.approveAfterMs");
                long wait = approve instanceof Double ? ((Double) approve).longValue() : 0;
                TwoFactorDialog.Action a = approve instanceof Double ? (wait > 0 ? d.next(wait) : null) : d.next(timeout);
                if (a != null) return twofaFail("cancelled");
                if (!(approve instanceof Double)) return twofaFail("timeout");
                EventLog.emit("twofa-result", "ok", true, "method", kind);
                return null;
            }
            return twofaFail("unknown-2fa-kind");
        } finally {
            if (w == login) login.endInPlace();
            else Ui.disposeLater(w);
            if (w != d) Ui.disposeLater(d);
        }
    }

    /** TWS 1016+ (scenario `twofa.inPlace`): the login frame turns into the 2FA screen (sources.md IBC 5.1). */
    private boolean twofaInPlace() {
        return tws && sc.bool("twofa.inPlace") && login != null;
    }

    /** TWS: `Enter Read Only` logs in without the second factor, read-only (sources.md IBC 5.2, 7). */
    private String enterReadOnly() {
        readOnly = true;
        EventLog.emit("twofa-result", "ok", true, "method", "read-only");
        return null;
    }

    private String twofaFail(String why) {
        EventLog.emit("twofa-result", "ok", false, "reason", why);
        return "twofa-" + why;
    }

    // ---- -Drestart ------------------------------------------------------------------------------

    private void resume() {
        busy = true;
        try {
            String[] token = settings.consumeAutorestart(restartDir);
            if (token == null || sc.bool("faults.restartTokenRejected")) {
                EventLog.emit("restart-resume", "ok", false);
                LauncherLog.warn(T_LOGIN, "Restart token rejected");
                Ui.show(null, Strings.LOGIN_FAILED_TITLE, Strings.RESTART_TOKEN_REJECTED, Ui.Kind.MODAL, false, "OK").await();
                showLogin();
                return;
            }
            EventLog.emit("restart-resume", "ok", true);
            LauncherLog.line(T_LOGIN, "Re-starting session");
            LauncherLog.line(T_LOGIN, "Authenticating");
            LauncherLog.line(T_LISTENER, "NS_AUTH_START");
            proceed(token[1], token[0].equals("paper"), true);
        } catch (Throwable t) {
            EventLog.emit("sim-error", "where", "resume", "error", t.toString());
        } finally {
            busy = false;
        }
    }

    // ---- while logged in --------------------------------------------------------------------------

    private void scheduleLater() {
        for (Object o : sc.list("faults.laterDialogs")) {
            if (!(o instanceof Map)) continue;
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) o;
            long after = m.get("afterMs") instanceof Double ? ((Double) m.get("afterMs")).longValue() : 0;
            String kind = String.valueOf(m.get("kind"));
            timers.schedule(() -> new Thread(() -> later(kind), "JTS-Later").start(), after, TimeUnit.MILLISECONDS);
        }
        Object ar = sc.get("faults.autoRestartAfterMs");
        if (ar instanceof Double) {
            timers.schedule(() -> worker.submit(this::autoRestart), ((Double) ar).longValue(), TimeUnit.MILLISECONDS);
        }
        // A test says when: the auto-restart path runs once the file exists (it is removed).
        Object arf = sc.get("faults.autoRestartWhenFile");
        if (arf instanceof String) {
            Path trigger = Path.of((String) arf);
            timers.scheduleWithFixedDelay(() -> {
                if (trigger.toFile().delete()) worker.submit(this::autoRestart);
            }, 100, 100, TimeUnit.MILLISECONDS);
        }
    }

    private void later(String kind) {
        if (exiting) return;
        EventLog.emit("later-dialog", "kind", kind);
        if (kind.equals("relogin")) {
            loggedIn = false;
            if (api != null) api.close();
            main.setApiServer(false);
            LauncherLog.line(T_LOGIN, "COMPETE: session kicked out");
            LauncherLog.line(T_LOGIN, "Disconnect all farms due to competing session");
            String r = Ui.show(main, Strings.RELOGIN_TITLE, Strings.RELOGIN_TEXT, Ui.Kind.MODAL, false, "Re-login").await();
            if ("Re-login".equals(r)) worker.submit(this::relogin);
        } else if (kind.equals("hang")) {
            // A wedged Gateway (sources.md peers A8, 0.5.12): EDT blocked, API silent. Once per settings
            // directory, so the JVM started after it comes up healthy.
            java.nio.file.Path marker = settings.dir.resolve("sim-hang-done");
            if (java.nio.file.Files.exists(marker)) return;
            try {
                java.nio.file.Files.writeString(marker, "hung\n");
            } catch (java.io.IOException e) {
                EventLog.emit("sim-error", "where", "hang", "error", e.toString());
            }
            ApiServer.silent = true;
            SwingUtilities.invokeLater(() -> Ui.sleep(Long.MAX_VALUE / 2));
        } else if (kind.equals("existing-session")) {
            String r = Ui.show(main, Strings.EXISTING_TITLE, Strings.EXISTING_TEXT, Ui.Kind.MODAL, false,
                "Reconnect This Session", "Exit Application").await();
            EventLog.emit("existing-session", "choice", r);
            if ("Exit Application".equals(r)) shutdown(0, "exit-application", false);
        } else {
            notice(kind);
        }
    }

    private void relogin() {
        Ui.Choice connecting = Ui.show(main, s.connectingTitle(), Strings.CONNECTING, Ui.Kind.MODAL, false, "OK");
        LauncherLog.line(T_LOGIN, "Authenticating");
        LauncherLog.line(T_CCP, "AuthTimeoutMonitor-CCP: activate");
        if (connecting.await(sc.delay("connectMs")) != null) {
            EventLog.emit("login-result", "ok", false, "reason", "cancelled", "relogin", true);
            return;
        }
        connecting.close();
        LauncherLog.line(T_LISTENER, "NS_AUTH_START");
        LauncherLog.line(T_LOGIN, "PostAuthenticate");
        loggedIn = true;
        main.setApiServer(true);
        EventLog.emit("login-result", "ok", true, "mode", mode, "relogin", true);
        if (apiEnabled()) api.listen(effectivePort());
    }

    /** Lock and Exit at the configured time (checked every lockAndExit.checkMs, 15 s by default). */
    private void checkAutoTime() {
        if (!loggedIn || exiting || user == null) return;
        Properties p = configValues();
        String[] hm = p.getProperty("autoTime", "").split(":");
        if (hm.length != 2) return;
        try {
            int h = Integer.parseInt(hm[0].trim()) % 12 + ("PM".equals(p.getProperty("autoAmPm")) ? 12 : 0);
            int m = Integer.parseInt(hm[1].trim());
            LocalTime now = SimClock.localTime();
            String key = now.getHour() + ":" + now.getMinute();
            if (now.getHour() == h && now.getMinute() == m && !key.equals(lastAutoMinute)) {
                lastAutoMinute = key;
                if ("restart".equals(p.getProperty("autoAction"))) worker.submit(this::autoRestart);
                else worker.submit(() -> shutdown(0, "auto-logoff"));
            }
        } catch (NumberFormatException ignored) {
            // an unparsable time never fires, like Gateway
        }
    }

    /** Gateway's auto-restart: write the token, exit 0; the next launch gets -Drestart. */
    private void autoRestart() {
        if (!loggedIn || exiting) return;
        phase("auto-restart");
        try {
            Path token = settings.writeAutorestart(user, mode);
            EventLog.emit("auto-restart", "dir", token.getParent().getFileName().toString());
            LauncherLog.line(T_MAIN, "Auto restart: restarting application");
        } catch (Exception e) {
            EventLog.emit("sim-error", "where", "auto-restart", "error", e.toString());
        }
        shutdown(0, "auto-restart", false);
    }

    // ---- configuration ----------------------------------------------------------------------------

    /** The socket port: saved setting, else jts.ini LocalServerPort, else 4001 live / 4002 paper. */
    int effectivePort() {
        String saved = user == null ? null : settings.loadConfig(user).getProperty("socketPort");
        String ini = settings.iniGet("IBGateway", "LocalServerPort");
        for (String v : new String[] {saved, ini}) {
            if (v == null || v.isBlank()) continue;
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException ignored) {
                // fall through to the next source
            }
        }
        if (tws) return "paper".equals(mode) ? 7497 : 7496; // TWS's defaults (sources.md IBC 5.5)
        return "paper".equals(mode) ? 4002 : 4001;
    }

    private Properties configValues() {
        Properties p = new Properties();
        p.setProperty("socketPort", String.valueOf(effectivePort()));
        p.setProperty("masterClientId", "");
        p.setProperty("readOnlyApi", "true");
        p.setProperty("localhostOnly", "true");
        p.setProperty("autoTime", sc.str("lockAndExit.time", "11:45"));
        p.setProperty("autoAmPm", sc.str("lockAndExit.ampm", "PM"));
        p.setProperty("autoAction", sc.str("lockAndExit.mode", "logoff"));
        if (tws) p.setProperty("enableApi", String.valueOf(sc.bool("api.enabled")));
        if (user != null) p.putAll(settings.loadConfig(user));
        return p;
    }

    @Override public void openSettings() {
        if (!loggedIn) return;
        if (config != null && config.isShowing()) {
            config.toFront();
            return;
        }
        String account = sc.str("accounts." + mode, "");
        String title = tws ? Strings.TWS_CONFIG_TITLE
            : account + " " + Strings.CONFIG_TITLE + ("paper".equals(mode) ? " (Simulated Trading)" : "");
        config = new ConfigDialog(main, title, configValues(), this::saveConfig);
        config.setVisible(true);
    }

    private void saveConfig(Map<String, String> values) {
        Properties saved = configValues();
        Properties stored = settings.loadConfig(user);
        boolean portChanged = false;
        for (Map.Entry<String, String> e : values.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (v.equals(saved.getProperty(k))) continue;
            if (k.equals("socketPort") && !validPort(v)) {
                EventLog.emit("setting-rejected", "key", k, "value", v);
                continue;
            }
            stored.setProperty(k, v);
            EventLog.emit("setting-changed", "key", k, "value", v);
            if (k.equals("socketPort")) portChanged = true;
        }
        settings.saveConfig(user, stored);
        if (portChanged && api != null && api.listening()) {
            int port = effectivePort();
            worker.submit(() -> api.listen(port));
        }
        // TWS: `Enable ActiveX and Socket Clients` opens or closes the API port at once.
        if (tws && api != null && loggedIn && apiEnabled() != api.listening()) {
            int port = effectivePort();
            worker.submit(() -> {
                if (apiEnabled()) api.listen(port);
                else api.close();
            });
        }
    }

    /**
     * Whether the API port may listen. Gateway: always. TWS: API > Settings `Enable ActiveX and
     * Socket Clients` (sources.md IBC 5.5), saved, else the scenario's `api.enabled` (default
     * false, as a fresh TWS).
     */
    boolean apiEnabled() {
        if (!tws) return true;
        return Boolean.parseBoolean(configValues().getProperty("enableApi"));
    }

    private static boolean validPort(String v) {
        try {
            int p = Integer.parseInt(v);
            return p > 0 && p < 65536;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override public void showLogs(String which) {
        LogsDialog.show(main, which, mode, sc);
    }

    @Override public void about() {
        Ui.show(main, "About IB Gateway", "IB Gateway\nBuild " + version + "\n(ibg-pilot gateway simulator)", Ui.Kind.MODAL, false, "OK");
    }

    // ---- exit -----------------------------------------------------------------------------------

    /** File > Close and WINDOW_CLOSING: `Are you sure you want to exit?` Yes / No. */
    @Override public void exitRequested() {
        if (exiting) return;
        Ui.Choice c = Ui.show(main, Strings.EXIT_TITLE, Strings.EXIT_TEXT, Ui.Kind.MODAL, false, "Yes", "No");
        c.choice.thenAccept(r -> {
            if ("Yes".equals(r)) new Thread(() -> shutdown(0, "user"), "JTS-Shutdown").start();
        });
    }

    void shutdown(int code, String cause) {
        shutdown(code, cause, true);
    }

    /** Gateway's own exit: logs out (releasing the IBKR session slot) when asked, then exits. */
    synchronized void shutdown(int code, String cause, boolean release) {
        if (exiting) return;
        exiting = true;
        phase("shutdown");
        if (loggedIn && release) {
            LauncherLog.line(T_MAIN, "Logging out");
            EventLog.emit("session-released", "mode", mode);
        }
        loggedIn = false;
        if (api != null) api.close();
        LauncherLog.line(T_MAIN, "Exiting with code " + code);
        exitRecorded = true;
        EventLog.emit("exit", "code", code, "cause", cause);
        if (SwingUtilities.isEventDispatchThread()) {
            new Thread(() -> System.exit(code), "JTS-Exit").start();
        } else {
            System.exit(code);
        }
    }
}
