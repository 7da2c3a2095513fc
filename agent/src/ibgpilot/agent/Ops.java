package ibgpilot.agent;

import java.awt.Component;
import java.awt.Toolkit;
import java.awt.Window;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.awt.event.WindowEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.swing.AbstractButton;
import javax.swing.JComboBox;
import javax.swing.JFormattedTextField;
import javax.swing.JList;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JRadioButton;
import javax.swing.JTree;
import javax.swing.KeyStroke;
import javax.swing.RootPaneContainer;
import javax.swing.text.JTextComponent;
import javax.swing.tree.TreeModel;
import javax.swing.tree.TreePath;

/**
 * The protocol's operations (docs/agent-protocol.md, "Operations"). Each takes the parsed request
 * and returns the reply's {@code result}, or throws {@link AgentError}. Swing is touched only
 * inside {@link Edt} tasks.
 */
final class Ops {
    private Ops() {}

    static final String[] NAMES = {"ping", "echo", "subscribe", "windows", "snapshot", "click", "setText",
            "setSelected", "selectTreePath", "selectListItem", "menu", "key", "closeWindow", "paint"};

    static Object handle(String op, Map<String, Object> req) throws AgentError {
        switch (op) {
            case "echo": return echo(req);
            case "windows": return windows(req);
            case "snapshot": return snapshot(req);
            case "click": return click(req);
            case "setText": return setText(req);
            case "setSelected": return setSelected(req);
            case "selectTreePath": return selectTreePath(req);
            case "selectListItem": return selectListItem(req);
            case "menu": return menu(req);
            case "key": return key(req);
            case "closeWindow": return closeWindow(req);
            case "paint": return Paint.paint(req);
            default:
                throw new AgentError("unknown_op", "unknown op \"" + op + "\"; known: " + String.join(", ", NAMES));
        }
    }

    // ---- parameters ----

    static long timeout(Map<String, Object> req) throws AgentError {
        return clampLong(req, "timeoutMs", Agent.edtTimeoutMs, 1, 120_000);
    }

    static long settle(Map<String, Object> req) throws AgentError {
        return clampLong(req, "settleMs", 200, 0, 10_000);
    }

    private static long clampLong(Map<String, Object> req, String key, long def, long min, long max) throws AgentError {
        Object v = req.get(key);
        if (v == null) return def;
        if (!(v instanceof Number)) throw new AgentError("bad_request", "\"" + key + "\" must be a number");
        return Math.max(min, Math.min(max, ((Number) v).longValue()));
    }

    static String str(Map<String, Object> req, String key, boolean required) throws AgentError {
        Object v = req.get(key);
        if (v == null) {
            if (required) throw new AgentError("bad_request", "\"" + key + "\" is required");
            return null;
        }
        if (!(v instanceof String)) throw new AgentError("bad_request", "\"" + key + "\" must be a string");
        return (String) v;
    }

    static boolean bool(Map<String, Object> req, String key, Boolean def) throws AgentError {
        Object v = req.get(key);
        if (v == null) {
            if (def == null) throw new AgentError("bad_request", "\"" + key + "\" (true or false) is required");
            return def;
        }
        if (!(v instanceof Boolean)) throw new AgentError("bad_request", "\"" + key + "\" must be true or false");
        return (Boolean) v;
    }

    static List<String> path(Map<String, Object> req) throws AgentError {
        Object v = req.get("path");
        if (!(v instanceof List) || ((List<?>) v).isEmpty()) {
            throw new AgentError("bad_request", "\"path\" must be a non-empty array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            if (!(o instanceof String)) throw new AgentError("bad_request", "\"path\" must be a non-empty array of strings");
            out.add((String) o);
        }
        return out;
    }

    private static Map<String, Object> result(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    // ---- operations ----

    static Object echo(Map<String, Object> req) {
        Map<String, Object> r = new Json.NullKeeping();
        r.put("value", req.get("value"));
        return r;
    }

    static Object windows(Map<String, Object> req) throws AgentError {
        boolean all = bool(req, "all", false);
        long t = timeout(req);
        List<Map<String, Object>> out = new ArrayList<>();
        if (Gui.ready()) out.addAll(Edt.call("windows", t, () -> Windows.list(all)));
        out.addAll(Fx.windows(all, t));
        return result("windows", out);
    }

    static Object snapshot(Map<String, Object> req) throws AgentError {
        String id = str(req, "window", true);
        Object w = Windows.byId(id);
        long t = timeout(req);
        if (Fx.isFxWindow(w)) return result("window", Fx.info(w, t), "root", Fx.snapshot(w, t));
        Window win = (Window) w;
        return Edt.call("snapshot", t, () -> result("window", Windows.info(win), "root", Snapshot.of(win)));
    }

    static Object click(Map<String, Object> req) throws AgentError {
        String id = str(req, "window", true);
        Finder.Target target = Finder.Target.from(req.get("target"));
        boolean force = bool(req, "force", false);
        Object w = Windows.byId(id);
        if (Fx.isFxWindow(w)) return Fx.click(w, target, timeout(req), settle(req));
        Window win = (Window) w;
        Edt.ClickOutcome<Component> out = Edt.click("click", timeout(req), settle(req), () -> {
            try {
                Component c = Finder.find(win, target, x -> x instanceof AbstractButton, "button");
                return enabledOrForced((AbstractButton) c, force);
            } catch (AgentError notButton) {
                if (!"not_found".equals(notButton.code)) throw notButton;
                // A link drawn as a JLabel (an HTML <a>) that only a mouse listener makes clickable.
                try {
                    return Finder.find(win, target, Ops::isLinkLabel, "link label");
                } catch (AgentError notLink) {
                    throw notButton;
                }
            }
        }, c -> {
            if (c instanceof AbstractButton) ((AbstractButton) c).doClick(0);
            else mouseClick(c);
        });
        Map<String, Object> r = Finder.describe(out.target);
        r.put("returned", out.returned);
        r.put("via", out.target instanceof AbstractButton ? "doClick" : "mouse");
        if (force) r.put("forced", true);
        return r;
    }

    /** A label a user can click: it listens to the mouse (Swing labels do not by themselves). */
    static boolean isLinkLabel(Component c) {
        return c instanceof javax.swing.JLabel && c.getMouseListeners().length > 0;
    }

    /**
     * Delivers a left click to the component itself, inside the JVM: press, release, click at its
     * centre. Synthetic X events would reach Swing only through the window system (and a modal
     * dialog's filter); dispatching to the component runs its mouse listeners as a user's click does.
     */
    static void mouseClick(Component c) {
        long when = System.currentTimeMillis();
        int x = Math.max(0, c.getWidth() / 2);
        int y = Math.max(0, c.getHeight() / 2);
        int b1 = java.awt.event.MouseEvent.BUTTON1;
        c.dispatchEvent(new java.awt.event.MouseEvent(c, java.awt.event.MouseEvent.MOUSE_ENTERED, when, 0, x, y, 0, false));
        c.dispatchEvent(new java.awt.event.MouseEvent(c, java.awt.event.MouseEvent.MOUSE_PRESSED, when,
                InputEvent.BUTTON1_DOWN_MASK, x, y, 1, false, b1));
        c.dispatchEvent(new java.awt.event.MouseEvent(c, java.awt.event.MouseEvent.MOUSE_RELEASED, when, 0, x, y, 1, false, b1));
        c.dispatchEvent(new java.awt.event.MouseEvent(c, java.awt.event.MouseEvent.MOUSE_CLICKED, when, 0, x, y, 1, false, b1));
    }

    private static AbstractButton enabledOrForced(AbstractButton b, boolean force) throws AgentError {
        if (!b.isEnabled()) {
            if (!force) {
                throw new AgentError("disabled", b.getClass().getSimpleName() + " \"" + Finder.text(b)
                        + "\" is disabled (send \"force\": true to enable it and click)");
            }
            b.setEnabled(true);
        }
        return b;
    }

    static Object setText(Map<String, Object> req) throws AgentError {
        String id = str(req, "window", true);
        Finder.Target target = Finder.Target.from(req.get("target"));
        String value = str(req, "value", true);
        boolean force = bool(req, "force", false);
        Object w = Windows.byId(id);
        if (Fx.isFxWindow(w)) return Fx.setText(w, target, value, timeout(req));
        Window win = (Window) w;
        return Edt.call("setText", timeout(req), () -> {
            Component c = Finder.find(win, target, x -> x instanceof JTextComponent, "text field");
            JTextComponent f = (JTextComponent) c;
            if (!f.isEnabled()) {
                if (!force) throw new AgentError("disabled", "the " + Finder.role(f) + " field is disabled");
                f.setEnabled(true);
            }
            if (!f.isEditable()) throw new AgentError("not_editable", "the " + Finder.role(f) + " field is not editable");
            f.requestFocusInWindow();
            try {
                f.setText(value);
            } catch (RuntimeException e) {
                throw new AgentError("invalid_value", "the field refused the text (" + e.getClass().getSimpleName() + ")");
            }
            if (f instanceof JFormattedTextField) {
                try {
                    ((JFormattedTextField) f).commitEdit();
                } catch (java.text.ParseException e) {
                    throw new AgentError("invalid_value", "the formatted field did not accept the text");
                }
            }
            Map<String, Object> r = Finder.describe(f);
            r.put("length", value.length());
            return r;
        });
    }

    static Object setSelected(Map<String, Object> req) throws AgentError {
        String id = str(req, "window", true);
        Finder.Target target = Finder.Target.from(req.get("target"));
        boolean want = bool(req, "selected", null);
        boolean force = bool(req, "force", false);
        Window win = Windows.swing(id);
        boolean[] changed = {false};
        Edt.ClickOutcome<AbstractButton> out = Edt.click("setSelected", timeout(req), settle(req), () -> {
            Component c = Finder.find(win, target, Finder::isToggle, "toggle, checkbox or radio");
            AbstractButton b = (AbstractButton) c;
            if (b.isSelected() == want) return b;
            if (!want && b instanceof JRadioButton) {
                throw new AgentError("unsupported", "a radio button cannot be cleared by a user; select another one");
            }
            changed[0] = true;
            return enabledOrForced(b, force);
        }, b -> {
            if (changed[0]) b.doClick(0);
        });
        Map<String, Object> r = Finder.describe(out.target);
        r.put("changed", changed[0]);
        r.put("returned", out.returned);
        return r;
    }

    static Object selectTreePath(Map<String, Object> req) throws AgentError {
        String id = str(req, "window", true);
        List<String> path = path(req);
        Finder.Target target = Finder.Target.from(req.get("target"));
        if (target.empty()) target.index = 0;
        Finder.Target t = target;
        Window win = Windows.swing(id);
        return Edt.call("selectTreePath", timeout(req), () -> {
            JTree tree = (JTree) Finder.find(win, t, x -> x instanceof JTree, "tree");
            TreeModel model = tree.getModel();
            Object root = model.getRoot();
            if (root == null) throw new AgentError("not_found", "the tree is empty");
            TreePath tp = new TreePath(root);
            int start = 0;
            if (!hasChild(tree, model, root, path.get(0)) && Finder.whole(Snapshot.nodeText(tree, root), path.get(0))) {
                start = 1; // the path names the root itself
            }
            for (int level = start; level < path.size(); level++) {
                Object parent = tp.getLastPathComponent();
                tree.expandPath(tp);
                Object next = null;
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < model.getChildCount(parent); i++) {
                    Object child = model.getChild(parent, i);
                    String text = Snapshot.nodeText(tree, child);
                    seen.add(text);
                    if (Finder.whole(text, path.get(level))) {
                        next = child;
                        break;
                    }
                }
                if (next == null) {
                    throw new AgentError("not_found", "tree node \"" + path.get(level) + "\" not found at level " + level
                            + "; there: " + seen);
                }
                tp = tp.pathByAddingChild(next);
            }
            tree.setSelectionPath(tp);
            tree.scrollPathToVisible(tp);
            List<String> texts = new ArrayList<>();
            for (Object o : tp.getPath()) texts.add(Snapshot.nodeText(tree, o));
            if (start == 0) texts.remove(0);
            return result("path", texts);
        });
    }

    private static boolean hasChild(JTree tree, TreeModel model, Object parent, String text) {
        for (int i = 0; i < model.getChildCount(parent); i++) {
            if (Finder.whole(Snapshot.nodeText(tree, model.getChild(parent, i)), text)) return true;
        }
        return false;
    }

    static Object selectListItem(Map<String, Object> req) throws AgentError {
        String id = str(req, "window", true);
        String item = str(req, "item", true);
        Finder.Target target = Finder.Target.from(req.get("target"));
        if (target.empty()) target.index = 0;
        Finder.Target t = target;
        Window win = Windows.swing(id);
        return Edt.call("selectListItem", timeout(req), () -> {
            Component c = Finder.find(win, t, x -> x instanceof JList || x instanceof JComboBox,
                    "list or combo box");
            if (c instanceof JComboBox && t.role == null && t.name == null && t.label == null && t.text == null) {
                // "the first list" means a JList when there is one
                Finder.Target lt = new Finder.Target();
                lt.index = t.index;
                lt.role = "list";
                try {
                    c = Finder.find(win, lt, x -> x instanceof JList, "list");
                } catch (AgentError e) {
                    // no JList: keep the combo box
                }
            }
            List<Object> items;
            if (c instanceof JList) items = Snapshot.listItems((JList<?>) c);
            else {
                JComboBox<?> combo = (JComboBox<?>) c;
                items = new ArrayList<>();
                for (int i = 0; i < combo.getItemCount(); i++) items.add(Snapshot.itemText(combo.getItemAt(i)));
            }
            int index = -1;
            for (int i = 0; i < items.size(); i++) {
                if (Finder.whole((String) items.get(i), item)) {
                    index = i;
                    break;
                }
            }
            if (index < 0 && c instanceof JList) {
                javax.swing.ListModel<?> model = ((JList<?>) c).getModel();
                for (int i = 0; i < model.getSize(); i++) {
                    if (Finder.whole(Snapshot.itemText(model.getElementAt(i)), item)) {
                        index = i;
                        break;
                    }
                }
            }
            if (index < 0) throw new AgentError("not_found", "no item \"" + item + "\"; items: " + items);
            if (c instanceof JList) {
                JList<?> list = (JList<?>) c;
                list.setSelectedIndex(index);
                list.ensureIndexIsVisible(index);
            } else {
                ((JComboBox<?>) c).setSelectedIndex(index);
            }
            return result("index", index, "item", items.get(index), "role", Finder.role(c));
        });
    }

    static Object menu(Map<String, Object> req) throws AgentError {
        String id = str(req, "window", true);
        List<String> path = path(req);
        boolean force = bool(req, "force", false);
        Window win = Windows.swing(id);
        Edt.ClickOutcome<AbstractButton> out = Edt.click("menu", timeout(req), settle(req), () -> {
            if (!(win instanceof RootPaneContainer)) throw new AgentError("not_found", "this window has no menu bar");
            JMenuBar bar = ((RootPaneContainer) win).getRootPane().getJMenuBar();
            if (bar == null) throw new AgentError("not_found", "this window has no menu bar");
            Component[] level = bar.getComponents();
            JMenuItem hit = null;
            for (int i = 0; i < path.size(); i++) {
                hit = null;
                List<String> seen = new ArrayList<>();
                for (Component c : level) {
                    if (!(c instanceof JMenuItem)) continue;
                    String text = Finder.text(c);
                    seen.add(text);
                    if (Finder.whole(text, path.get(i))) {
                        hit = (JMenuItem) c;
                        break;
                    }
                }
                if (hit == null) {
                    throw new AgentError("not_found", "menu item \"" + path.get(i) + "\" not found; there: " + seen);
                }
                if (i < path.size() - 1) {
                    if (!(hit instanceof JMenu)) throw new AgentError("not_found", "\"" + path.get(i) + "\" is not a menu");
                    level = ((JMenu) hit).getMenuComponents();
                }
            }
            if (hit instanceof JMenu) throw new AgentError("bad_request", "\"" + path.get(path.size() - 1) + "\" is a menu, not an item");
            return enabledOrForced(hit, force);
        }, b -> b.doClick(0));
        Map<String, Object> r = Finder.describe(out.target);
        r.put("returned", out.returned);
        return r;
    }

    static Object key(Map<String, Object> req) throws AgentError {
        String id = str(req, "window", true);
        String chord = str(req, "chord", true);
        KeyStroke ks = parseChord(chord);
        Object tObj = req.get("target");
        Finder.Target target = tObj == null ? null : Finder.Target.from(tObj);
        Window win = Windows.swing(id);
        return Edt.call("key", timeout(req), () -> {
            Component dest;
            if (target != null) {
                dest = Finder.find(win, target, x -> true, "component");
            } else {
                dest = win.getFocusOwner();
                if (dest == null) dest = win.getMostRecentFocusOwner();
                if (dest == null) dest = win instanceof RootPaneContainer ? ((RootPaneContainer) win).getRootPane() : win;
            }
            postKey(dest, ks);
            Map<String, Object> r = Finder.describe(dest);
            r.put("chord", ks.toString().replace("pressed ", ""));
            return r;
        });
    }

    /** Accepts KeyStroke syntax ("ctrl alt F", "ENTER") and "Ctrl+Alt+F"-style chords. */
    static KeyStroke parseChord(String chord) throws AgentError {
        String[] parts = chord.trim().split("[\\s+]+");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty()) continue;
            String lower = p.toLowerCase(java.util.Locale.ROOT);
            boolean last = i == parts.length - 1;
            if (!last) {
                switch (lower) {
                    case "ctrl": case "control": sb.append("ctrl "); continue;
                    case "alt": sb.append("alt "); continue;
                    case "shift": sb.append("shift "); continue;
                    case "meta": case "cmd": sb.append("meta "); continue;
                    case "altgraph": sb.append("altGraph "); continue;
                    default: break;
                }
            }
            String key = p.toUpperCase(java.util.Locale.ROOT);
            if (key.equals("ESC")) key = "ESCAPE";
            if (key.equals("RETURN")) key = "ENTER";
            if (key.equals("DEL")) key = "DELETE";
            sb.append(key);
        }
        KeyStroke ks = KeyStroke.getKeyStroke(sb.toString());
        if (ks == null || ks.getKeyCode() == KeyEvent.VK_UNDEFINED) {
            throw new AgentError("bad_request", "cannot parse key chord \"" + chord + "\" (use e.g. \"ctrl alt F\", \"ENTER\", \"alt F4\")");
        }
        return ks;
    }

    private static void postKey(Component dest, KeyStroke ks) {
        int mods = ks.getModifiers();
        int code = ks.getKeyCode();
        long when = System.currentTimeMillis();
        char ch = KeyEvent.CHAR_UNDEFINED;
        boolean plain = (mods & (InputEvent.CTRL_DOWN_MASK | InputEvent.ALT_DOWN_MASK | InputEvent.META_DOWN_MASK)) == 0;
        if (plain) {
            if (code == KeyEvent.VK_ENTER) ch = '\n';
            else if (code == KeyEvent.VK_SPACE) ch = ' ';
            else if (code == KeyEvent.VK_TAB) ch = '\t';
            else if ((code >= KeyEvent.VK_0 && code <= KeyEvent.VK_9)) ch = (char) code;
            else if (code >= KeyEvent.VK_A && code <= KeyEvent.VK_Z) {
                ch = (mods & InputEvent.SHIFT_DOWN_MASK) != 0 ? (char) code : Character.toLowerCase((char) code);
            }
        }
        // Each event is dispatched to the component in its own later EDT turn: not posted as a
        // KeyEvent (the focus manager would retarget a posted key event to whatever has focus),
        // and not inside the request's task (a key that opens a modal must not hold it).
        dispatchLater(new KeyEvent(dest, KeyEvent.KEY_PRESSED, when, mods, code, ch));
        if (ch != KeyEvent.CHAR_UNDEFINED) {
            dispatchLater(new KeyEvent(dest, KeyEvent.KEY_TYPED, when, mods, KeyEvent.VK_UNDEFINED, ch));
        }
        dispatchLater(new KeyEvent(dest, KeyEvent.KEY_RELEASED, when, mods, code, ch));
    }

    private static void dispatchLater(KeyEvent e) {
        java.awt.EventQueue.invokeLater(() -> e.getComponent().dispatchEvent(e));
    }

    static Object closeWindow(Map<String, Object> req) throws AgentError {
        String id = str(req, "window", true);
        Object w = Windows.byId(id);
        if (Fx.isFxWindow(w)) return Fx.close(w, timeout(req));
        Window win = (Window) w;
        // Posting is thread-safe and does not wait for the application's handlers.
        Toolkit.getDefaultToolkit().getSystemEventQueue().postEvent(new WindowEvent(win, WindowEvent.WINDOW_CLOSING));
        return result("posted", true);
    }
}
