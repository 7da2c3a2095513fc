// Owns: the sim's self-drive test hook (scenario "drive"). It plays a minimal controller from
// inside the JVM through the real Swing components (setText, setSelected via doClick, JList and
// JTree selection, menu doClick), so every action reaches the same listeners and the event log
// exactly as an external agent's would. It exists so the simulator can be tested without any
// agent; it is not a model of how ibg-pilot should drive Gateway.
package ibgateway.sim;

import java.awt.Component;
import java.awt.Container;
import java.awt.Dialog;
import java.awt.Frame;
import java.awt.Window;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.swing.AbstractButton;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPasswordField;
import javax.swing.JTextField;
import javax.swing.JToggleButton;
import javax.swing.JTree;
import javax.swing.SwingUtilities;
import javax.swing.text.JTextComponent;
import javax.swing.tree.TreeNode;
import javax.swing.tree.TreePath;

public final class Driver extends Thread {
    private final Flow flow;
    private final Scenario sc;
    private final Set<Window> handled = Collections.newSetFromMap(new IdentityHashMap<>());
    private int logins;
    /** Flow.attemptsDone when the last Log In click was posted; -1 when no click is outstanding. */
    private int clickedAtAttempts = -1;
    private int twofaAnswers;
    private boolean trapClicked;
    private boolean configDone;
    private boolean exitDone;
    private long lastAnswer;

    public Driver(Flow flow, Scenario sc) {
        super("sim-driver");
        setDaemon(true);
        this.flow = flow;
        this.sc = sc;
    }

    private String opt(String key, String dflt) {
        return sc.str("drive." + key, dflt);
    }

    @Override public void run() {
        long deadline = System.currentTimeMillis() + sc.num("drive.maxMs", 300_000);
        while (System.currentTimeMillis() < deadline && !flow.exiting) {
            try {
                tick();
            } catch (Throwable t) {
                EventLog.emit("sim-error", "where", "driver", "error", t.toString());
            }
            Ui.sleep(25);
        }
    }

    // ---- component helpers (all reads on the EDT) ----------------------------------------------

    private static <T> T onEdt(java.util.function.Supplier<T> f) {
        final Object[] out = new Object[1];
        Ui.edt(() -> out[0] = f.get());
        @SuppressWarnings("unchecked")
        T t = (T) out[0];
        return t;
    }

    private static void all(Component c, List<Component> out) {
        out.add(c);
        if (c instanceof Container) for (Component k : ((Container) c).getComponents()) all(k, out);
    }

    private static List<Component> find(Container root, Predicate<Component> p) {
        List<Component> every = new ArrayList<>();
        all(root, every);
        List<Component> out = new ArrayList<>();
        for (Component c : every) if (p.test(c)) out.add(c);
        return out;
    }

    private static String title(Window w) {
        return w instanceof Frame ? ((Frame) w).getTitle() : w instanceof Dialog ? ((Dialog) w).getTitle() : "";
    }

    private static String text(Window w) {
        StringBuilder b = new StringBuilder();
        for (Component c : find(w, x -> x instanceof JLabel || x instanceof javax.swing.JTextArea)) {
            b.append(c instanceof JLabel ? ((JLabel) c).getText() : ((javax.swing.JTextArea) c).getText()).append('\n');
        }
        return b.toString();
    }

    private static AbstractButton button(Container w, String... texts) {
        for (Component c : find(w, x -> x instanceof AbstractButton && x.isShowing())) {
            String t = ((AbstractButton) c).getText();
            for (String want : texts) if (t != null && t.trim().equalsIgnoreCase(want)) return (AbstractButton) c;
        }
        return null;
    }

    /** Clicks later on the EDT: a click may open a modal, which would block invokeAndWait. */
    private static void click(AbstractButton b) {
        if (b != null) SwingUtilities.invokeLater(b::doClick);
    }

    private static void setText(JTextComponent f, String value) {
        Ui.edt(() -> f.setText(value));
    }

    // ---- one look at the screen ----------------------------------------------------------------

    private void tick() {
        List<Window> showing = onEdt(() -> {
            List<Window> l = new ArrayList<>();
            for (Window w : Window.getWindows()) if (w.isShowing()) l.add(w);
            return l;
        });
        boolean modalUp = false;
        for (Window w : showing) if (w instanceof Dialog && ((Dialog) w).isModal()) modalUp = true;
        boolean accept = !"false".equals(opt("acceptDisclaimers", "true"));
        for (Window w : showing) {
            String t = onEdt(() -> title(w));
            String body = onEdt(() -> text(w));
            if (t.contains("Second Factor")) {
                twoFactor(w);
                continue;
            }
            if (handled.contains(w)) continue;
            if (t.equals(Strings.GATEWAY) && body.contains(Strings.CONNECTING)) {
                // The trap: OK cancels the login. Only the scenario that tests the trap clicks it.
                if (sc.bool("drive.clickConnectingOk") && !trapClicked) {
                    trapClicked = true;
                    handled.add(w);
                    click(onEdt(() -> button(w, "OK")));
                }
                continue;
            }
            if (t.contains(Strings.EXISTING_TITLE)) {
                boolean cont = !"cancel".equals(opt("existingSession", "continue"));
                AbstractButton b = onEdt(() -> cont ? button(w, "Continue Login", "Reconnect This Session") : button(w, "Cancel", "Exit Application"));
                handled.add(w);
                click(b);
                continue;
            }
            if (body.contains(Strings.EXIT_TEXT)) {
                if (exitDone) {
                    handled.add(w);
                    click(onEdt(() -> button(w, "Yes")));
                }
                continue;
            }
            if (!accept) continue;
            AbstractButton b = onEdt(() -> button(w, Strings.ACCEPT, Strings.RESUME_LOGIN, "Re-login"));
            if (b == null && (t.equals(Strings.GATEWAY) || t.contains(Strings.PASSWORD_NOTICE) || t.contains(Strings.TOKENS_TITLE)
                || t.contains("Newer Version") || t.contains(Strings.LOGIN_FAILED_TITLE))) {
                b = onEdt(() -> button(w, "OK"));
            }
            if (b == null && t.contains(Strings.TIP_TITLE)) b = onEdt(() -> button(w, "Close"));
            if (b != null) {
                handled.add(w);
                click(b);
            }
        }
        if (!modalUp) maybeLogin(showing);
        if (flow.api != null && flow.api.listening()) {
            if (sc.map("drive.configure") != null && !configDone) {
                configDone = true;
                configure(sc.map("drive.configure"));
            }
            if (!sc.list("drive.openConfig").isEmpty() && !configDone) {
                // For people and screenshots: open the configuration dialog on a page, leave it open.
                configDone = true;
                click(flow.main.settings);
                Window w = waitWindow(Strings.CONFIG_TITLE, 5000);
                if (w != null) {
                    List<String> path = new ArrayList<>();
                    for (Object o : sc.list("drive.openConfig")) path.add(o.toString());
                    selectTree(w, path.toArray(new String[0]));
                }
            }
            if (sc.bool("drive.exitAfterLogin") && !exitDone) {
                exitDone = true;
                click(flow.main.close);
            }
        }
    }

    private void maybeLogin(List<Window> showing) {
        if (logins >= sc.num("drive.maxLogins", 1)) return;
        for (Window w : showing) {
            if (!(w instanceof Frame) || !onEdt(() -> title(w)).contains("Gateway")) continue;
            List<Component> pw = onEdt(() -> find(w, c -> c instanceof JPasswordField && c.isShowing()));
            if (pw.isEmpty()) continue;
            AbstractButton logIn = onEdt(() -> button(w, "Log In", "Paper Log In", "Paper-Login", "Log-In", "Login"));
            if (logIn == null) continue;
            if (!onEdt(logIn::isEnabled)) continue;
            // Under load the posted click may not have run yet: never log in twice for one attempt.
            // The click is spent when its attempt has finished; sampling the disabled button missed
            // attempts whose every busy moment was covered by a modal (CI, 2026-12).
            if (clickedAtAttempts >= 0 && flow.attemptsDone <= clickedAtAttempts) return;
            logins++;
            boolean paper = "paper".equals(opt("mode", "paper"));
            AbstractButton api = onEdt(() -> "fix".equals(opt("api", "ib")) ? button(w, "FIX CTCI", "FIX-CTCI") : button(w, "IB API"));
            if (api != null && !onEdt(api::isSelected)) Ui.edt(api::doClick);
            AbstractButton m = onEdt(() -> paper ? button(w, "Paper Trading", "Paper-Trading") : button(w, "Live Trading", "Live-Trading"));
            if (m != null && !onEdt(m::isSelected)) Ui.edt(m::doClick);
            List<Component> fields = onEdt(() -> find(w, c -> c instanceof JTextField && c.isShowing()));
            JTextField user = null;
            for (Component c : fields) if (!(c instanceof JPasswordField)) user = (JTextField) c;
            if (user != null) setText(user, opt("username", "simuser"));
            setText((JPasswordField) pw.get(pw.size() - 1), opt("password", "simpass"));
            AbstractButton go = onEdt(() -> button(w, "Log In", "Paper Log In", "Paper-Login", "Log-In", "Login"));
            clickedAtAttempts = flow.attemptsDone;
            click(go);
            return;
        }
    }

    private void twoFactor(Window w) {
        List<Component> lists = onEdt(() -> find(w, c -> c instanceof JList && c.isShowing()));
        if (!lists.isEmpty()) {
            @SuppressWarnings("unchecked")
            JList<String> list = (JList<String>) lists.get(0);
            if (onEdt(() -> list.getSelectedValue() != null)) return;
            String want = opt("device", "Mobile Authenticator app");
            Ui.edt(() -> {
                for (int k = 0; k < list.getModel().getSize(); k++) {
                    if (list.getModel().getElementAt(k).trim().equalsIgnoreCase(want)) list.setSelectedIndex(k);
                }
            });
            click(onEdt(() -> button(w, "OK")));
            return;
        }
        List<Component> codes = onEdt(() -> find(w, c -> c instanceof u && c.isShowing()));
        if (!codes.isEmpty()) {
            u field = (u) codes.get(0);
            String mode = opt("twofa", "auto");
            if (mode.equals("none") || !onEdt(field::getText).isEmpty()) return;
            if (twofaAnswers >= sc.num("drive.maxTwofaAnswers", 3) || System.currentTimeMillis() - lastAnswer < 200) return;
            long now = System.currentTimeMillis();
            // Codes follow the sim's clock (the one the dialog checks them against).
            long clock = SimClock.now();
            // Never submit a code in the last 1.5 s of its window: it could be stale on arrival.
            if (mode.equals("auto") && 30000 - Math.floorMod(clock, 30000L) < 1500) return;
            String secret = opt("secret", sc.str("twofa.secret", ""));
            long step = Totp.step(clock);
            String code = Totp.code(secret, mode.equals("stale") ? step - 2 : step);
            if (code == null) return;
            if (mode.equals("wrong")) code = String.format("%06d", (Integer.parseInt(code) + 500000) % 1000000);
            twofaAnswers++;
            lastAnswer = now;
            setText(field, code);
            click(onEdt(() -> button(w, "OK")));
            return;
        }
        AbstractButton auth = onEdt(() -> button(w, Strings.AUTHENTICATE));
        if (auth != null && sc.bool("drive.passkey") && !handled.contains(w)) {
            handled.add(w);
            click(auth);
        }
    }

    // ---- Configure > Settings ------------------------------------------------------------------

    private Window waitWindow(String titlePart, long ms) {
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end) {
            Window found = onEdt(() -> {
                for (Window w : Window.getWindows()) if (w.isShowing() && title(w).contains(titlePart)) return w;
                return null;
            });
            if (found != null) return found;
            Ui.sleep(20);
        }
        return null;
    }

    private static void selectTree(Window w, String... path) {
        Ui.edt(() -> {
            JTree tree = (JTree) find(w, c -> c instanceof JTree).get(0);
            TreeNode node = (TreeNode) tree.getModel().getRoot();
            List<Object> nodes = new ArrayList<>();
            nodes.add(node);
            for (String part : path) {
                TreeNode next = null;
                for (int k = 0; k < node.getChildCount(); k++) {
                    if (node.getChildAt(k).toString().equalsIgnoreCase(part)) next = node.getChildAt(k);
                }
                if (next == null) return;
                node = next;
                nodes.add(node);
            }
            tree.setSelectionPath(new TreePath(nodes.toArray()));
        });
    }

    private static JTextField named(Window w, String name) {
        List<Component> l = find(w, c -> name.equals(c.getName()) && c instanceof JTextField);
        return l.isEmpty() ? null : (JTextField) l.get(0);
    }

    /** The Lock and Exit container: two levels above the `Set Auto ... Time (HH:MM)` label. */
    private static Container lockAndExit(Window w) {
        for (Component c : find(w, x -> x instanceof JLabel)) {
            String t = ((JLabel) c).getText();
            if (t != null && t.startsWith("Set Auto ")) return c.getParent().getParent();
        }
        return null;
    }

    private void configure(Map<String, Object> cfg) {
        click(flow.main.settings);
        Window w = waitWindow(Strings.CONFIG_TITLE, 5000);
        if (w == null) {
            EventLog.emit("sim-error", "where", "driver", "error", "configuration dialog did not open");
            return;
        }
        selectTree(w, "API", "Settings");
        JTextField port = onEdt(() -> named(w, "Socket port"));
        if (cfg.get("socketPort") != null) setText(port, String.valueOf(cfg.get("socketPort")).replace(".0", ""));
        JTextField master = onEdt(() -> named(w, "Master API client ID"));
        if (cfg.get("masterClientId") != null) setText(master, String.valueOf(cfg.get("masterClientId")).replace(".0", ""));
        selectTree(w, "Lock and Exit");
        Container lae = onEdt(() -> lockAndExit(w));
        if (cfg.get("autoTime") != null && lae != null) {
            JTextField time = (JTextField) onEdt(() -> find(lae, c -> c instanceof JTextField).get(0));
            setText(time, String.valueOf(cfg.get("autoTime")));
        }
        if (cfg.get("ampm") != null && lae != null) {
            AbstractButton r = onEdt(() -> button(lae, String.valueOf(cfg.get("ampm"))));
            if (r != null && !onEdt(r::isSelected)) Ui.edt(r::doClick);
        }
        if (cfg.get("action") != null && lae != null) {
            AbstractButton r = onEdt(() -> button(lae, "restart".equals(cfg.get("action")) ? "Auto restart" : "Auto logoff"));
            if (r != null && !onEdt(r::isSelected)) Ui.edt(r::doClick);
        }
        Ui.edt(() -> button(w, "OK").doClick());
        if (!Boolean.TRUE.equals(cfg.get("reopen"))) return;
        // Read-back after reopening, the way a careful controller verifies (sources.md peers A4 v0.10.0).
        waitClosed(w);
        click(flow.main.settings);
        Window again = waitWindow(Strings.CONFIG_TITLE, 5000);
        if (again == null) return;
        selectTree(again, "API", "Settings");
        selectTree(again, "Lock and Exit");
        Map<String, Object> seen = onEdt(() -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("socketPort", named(again, "Socket port").getText());
            m.put("masterClientId", named(again, "Master API client ID").getText());
            Container c = lockAndExit(again);
            m.put("autoTime", ((JTextField) find(c, x -> x instanceof JTextField).get(0)).getText());
            for (Component k : find(c, x -> x instanceof JToggleButton)) {
                if (((JToggleButton) k).isSelected()) m.put("selected:" + ((JToggleButton) k).getText(), true);
            }
            return m;
        });
        EventLog.emit("drive-readback", seen);
        click(onEdt(() -> button(again, "Cancel")));
    }

    private static void waitClosed(Window w) {
        long end = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < end && onEdt(w::isShowing)) Ui.sleep(20);
    }
}
