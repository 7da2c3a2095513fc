package ibgpilot.agent;

import java.awt.Component;
import java.awt.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import javax.accessibility.AccessibleContext;
import javax.swing.AbstractButton;
import javax.swing.JCheckBox;
import javax.swing.JCheckBoxMenuItem;
import javax.swing.JComboBox;
import javax.swing.JEditorPane;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JProgressBar;
import javax.swing.JRadioButton;
import javax.swing.JRadioButtonMenuItem;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.JToggleButton;
import javax.swing.JTree;
import javax.swing.text.JTextComponent;

/**
 * Finding components inside one window, with IBC's matching rules (docs/agent-protocol.md,
 * "Matching"). Every method here runs on the EDT.
 */
final class Finder {
    private Finder() {}

    /** Depth-first pre-order walk; a {@link JMenu}'s children are its menu items. */
    static List<Component> walk(Component root) {
        List<Component> out = new ArrayList<>();
        walk(root, out, 0);
        return out;
    }

    private static void walk(Component c, List<Component> out, int depth) {
        out.add(c);
        if (depth > 100) return;
        for (Component child : children(c)) walk(child, out, depth + 1);
    }

    static Component[] children(Component c) {
        if (c instanceof JMenu) return ((JMenu) c).getMenuComponents();
        if (c instanceof Container) return ((Container) c).getComponents();
        return new Component[0];
    }

    /** The normalised role of a component (see the Role type in lib/ui/port.ts). */
    static String role(Component c) {
        if (c instanceof java.awt.Window) return "window";
        if (c instanceof JPasswordField) return "password";
        if (c instanceof JTextArea || c instanceof JEditorPane) return "textarea";
        if (c instanceof JTextComponent) return "text";
        if (c instanceof JMenu) return "menu";
        if (c instanceof JMenuItem) return "menuitem"; // includes check box / radio menu items
        if (c instanceof JCheckBox) return "checkbox";
        if (c instanceof JRadioButton) return "radio";
        if (c instanceof JToggleButton) return "toggle";
        if (c instanceof AbstractButton) return "button";
        if (c instanceof JLabel) return "label";
        if (c instanceof JComboBox) return "combo";
        if (c instanceof JList) return "list";
        if (c instanceof JTree) return "tree";
        if (c instanceof JMenuBar) return "menubar";
        if (c instanceof JProgressBar) return "progress";
        if (c instanceof JPanel || c.getClass() == Container.class || c instanceof javax.swing.JRootPane
                || c instanceof javax.swing.JLayeredPane || c instanceof javax.swing.JScrollPane
                || c instanceof javax.swing.JViewport || c instanceof javax.swing.JTabbedPane
                || c instanceof javax.swing.JSplitPane) return "panel";
        return "other";
    }

    /** Whether {@code c} has {@code role}; "text" means any JTextField, passwords included (IBC's rule). */
    static boolean hasRole(Component c, String role) {
        if (role == null) return true;
        if ("text".equals(role)) return c instanceof JTextField;
        if ("menuitem".equals(role)) return c instanceof JMenuItem && !(c instanceof JMenu);
        return role.equals(role(c));
    }

    /** Visible text of a button, label or (non-password) text component, HTML stripped; else null. */
    static String text(Component c) {
        String raw = null;
        if (c instanceof AbstractButton) raw = ((AbstractButton) c).getText();
        else if (c instanceof JLabel) raw = ((JLabel) c).getText();
        else if (c instanceof JPasswordField) return null;
        else if (c instanceof JTextComponent) raw = ((JTextComponent) c).getText();
        return raw == null ? null : display(raw);
    }

    static String accessibleName(Component c) {
        try {
            AccessibleContext ac = c.getAccessibleContext();
            return ac == null ? null : ac.getAccessibleName();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** HTML tags removed, entities decoded, white space collapsed; case kept. */
    static String display(String s) {
        if (s == null) return null;
        String t = s;
        if (t.regionMatches(true, 0, "<html", 0, 5)) {
            t = t.replaceAll("(?i)<br\\s*/?>", " ").replaceAll("<[^>]*>", "");
            t = t.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                    .replace("&#39;", "'").replace("&apos;", "'").replace("&amp;", "&");
        }
        return t.replaceAll("[\\s\\u00a0]+", " ").trim();
    }

    /** The form texts are compared in: {@link #display} and lower case. */
    static String norm(String s) {
        return s == null ? "" : display(s).toLowerCase(Locale.ROOT);
    }

    /** Whole-text match (buttons, toggles, menu items, tree nodes, list items). */
    static boolean whole(String candidate, String wanted) {
        return candidate != null && norm(candidate).equals(norm(wanted));
    }

    /** Substring match (labels, text areas). */
    static boolean contains(String candidate, String wanted) {
        return candidate != null && norm(candidate).contains(norm(wanted));
    }

    /** A component selector as sent by clients. */
    static final class Target {
        String text;
        String name;
        String label;
        Integer index;
        String role;

        static Target from(Object o) throws AgentError {
            Target t = new Target();
            if (o == null) return t;
            if (!(o instanceof Map)) throw new AgentError("bad_request", "\"target\" must be an object");
            Map<?, ?> m = (Map<?, ?>) o;
            t.text = str(m, "text");
            t.name = str(m, "name");
            t.label = str(m, "label");
            t.role = str(m, "role");
            Object i = m.get("index");
            if (i != null) {
                if (!(i instanceof Long) || (Long) i < 0) {
                    throw new AgentError("bad_request", "\"target.index\" must be a non-negative integer");
                }
                t.index = ((Long) i).intValue();
            }
            return t;
        }

        private static String str(Map<?, ?> m, String key) throws AgentError {
            Object v = m.get(key);
            if (v == null) return null;
            if (!(v instanceof String)) throw new AgentError("bad_request", "\"target." + key + "\" must be a string");
            return (String) v;
        }

        boolean empty() {
            return text == null && name == null && label == null && index == null && role == null;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            if (text != null) sb.append(" text=\"").append(text).append('"');
            if (name != null) sb.append(" name=\"").append(name).append('"');
            if (label != null) sb.append(" label=\"").append(label).append('"');
            if (index != null) sb.append(" index=").append(index);
            if (role != null) sb.append(" role=").append(role);
            return sb.toString().trim();
        }
    }

    /**
     * Finds the component of {@code kind} that {@code t} selects in {@code root}.
     * text: whole text (or accessible name) match; name: exact component name, or the first
     * {@code kind} inside the named container; label: accessible name containing it, then
     * {@code JLabel.labelFor}, then the next {@code kind} after a label containing it; index: the
     * n-th {@code kind} (showing or not, IBC's rule); role alone: the first of that role. Text,
     * name and label searches prefer showing components and fall back to hidden ones.
     */
    static Component find(Component root, Target t, Predicate<Component> kind, String what) throws AgentError {
        if (t.empty()) throw new AgentError("bad_request", "a target (text, name, label, index or role) is required");
        Predicate<Component> k = c -> kind.test(c) && hasRole(c, t.role);
        List<Component> all = walk(root);
        if (t.text == null && t.name == null && t.label == null) {
            int n = t.index == null ? 0 : t.index;
            int seen = 0;
            for (Component c : all) {
                if (k.test(c) && seen++ == n) return c;
            }
            throw new AgentError("not_found", "no " + what + " with " + t + " (found " + seen + ")");
        }
        for (int pass = 0; pass < 2; pass++) {
            boolean showingOnly = pass == 0;
            Predicate<Component> vis = c -> !showingOnly || c.isShowing();
            Component hit = null;
            if (t.name != null) hit = byName(all, t.name, k, vis);
            else if (t.text != null) hit = byText(all, t.text, k, vis);
            else hit = byLabel(all, t.label, k, vis);
            if (hit != null) return hit;
        }
        throw new AgentError("not_found", "no " + what + " with " + t + " in this window" + candidates(all, k));
    }

    private static Component byName(List<Component> all, String name, Predicate<Component> k, Predicate<Component> vis) {
        for (Component c : all) {
            if (!name.equals(c.getName()) || !vis.test(c)) continue;
            if (k.test(c)) return c;
            for (Component inner : walk(c)) {
                if (k.test(inner) && vis.test(inner)) return inner;
            }
        }
        return null;
    }

    private static Component byText(List<Component> all, String text, Predicate<Component> k, Predicate<Component> vis) {
        for (Component c : all) {
            if (k.test(c) && vis.test(c) && whole(text(c), text)) return c;
        }
        for (Component c : all) {
            if (k.test(c) && vis.test(c) && whole(accessibleName(c), text)) return c;
        }
        return null;
    }

    private static Component byLabel(List<Component> all, String label, Predicate<Component> k0, Predicate<Component> vis) {
        Predicate<Component> k = c -> !(c instanceof JLabel) && k0.test(c); // a label is not what it labels
        for (Component c : all) {
            if (k.test(c) && vis.test(c) && contains(accessibleName(c), label)) return c;
        }
        for (Component c : all) {
            if (c instanceof JLabel && vis.test(c) && contains(text(c), label)) {
                Component f = ((JLabel) c).getLabelFor();
                if (f != null) {
                    for (Component inner : walk(f)) {
                        if (k.test(inner)) return inner;
                    }
                }
            }
        }
        for (int i = 0; i < all.size(); i++) {
            Component c = all.get(i);
            if (c instanceof JLabel && vis.test(c) && contains(text(c), label)) {
                for (int j = i + 1; j < all.size(); j++) {
                    Component f = all.get(j);
                    if (k.test(f) && vis.test(f)) return f;
                }
            }
        }
        return null;
    }

    private static String candidates(List<Component> all, Predicate<Component> k) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Component c : all) {
            if (!k.test(c)) continue;
            if (n == 8) {
                sb.append(", ...");
                break;
            }
            sb.append(n == 0 ? "; candidates: " : ", ").append(c.getClass().getSimpleName());
            String txt = c instanceof JTextComponent ? null : text(c);
            if (txt != null && !txt.isEmpty()) sb.append(" \"").append(txt.length() > 40 ? txt.substring(0, 40) : txt).append('"');
            if (c.getName() != null) sb.append(" name=\"").append(c.getName()).append('"');
            n++;
        }
        if (n == 0) sb.append("; it has none of that kind");
        return sb.toString();
    }

    /** A short description for replies: type, role and text (never a field's content). */
    static Map<String, Object> describe(Component c) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("type", c.getClass().getSimpleName());
        m.put("role", role(c));
        if (!(c instanceof JTextComponent)) m.put("text", text(c));
        m.put("name", c.getName());
        return m;
    }

    /** Swing's own check-box menu items are toggles too. */
    static boolean isToggle(Component c) {
        return c instanceof JToggleButton || c instanceof JCheckBoxMenuItem || c instanceof JRadioButtonMenuItem;
    }
}
