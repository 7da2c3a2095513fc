// Owns: turning what Swing components receive into event-log lines. Everything is recorded from the
// components' own listeners (Document, Action, Item, Component/Window, TreeSelection,
// ListSelection), so a click or a setText is recorded the same whoever made it: the Java agent
// via reflection/doClick, AT-SPI, a real user, or the sim's own driver.
package ibgateway.sim;

import java.awt.Component;
import java.awt.Dialog;
import java.awt.Frame;
import java.awt.Window;
import java.awt.event.HierarchyEvent;
import java.awt.event.ItemEvent;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import javax.swing.AbstractButton;
import javax.swing.JList;
import javax.swing.JMenuItem;
import javax.swing.JPasswordField;
import javax.swing.JTree;
import javax.swing.SwingUtilities;
import javax.swing.event.DocumentEvent;
import javax.swing.event.DocumentListener;
import javax.swing.text.JTextComponent;
import javax.swing.tree.TreePath;

public final class Rec {
    /** While > 0 the sim is filling widgets itself (e.g. loading saved settings): not recorded. */
    private static int muted;

    private Rec() {}

    /** Runs r (on the EDT) without recording what it does to the widgets. */
    public static void quietly(Runnable r) {
        muted++;
        try {
            r.run();
        } finally {
            muted--;
        }
    }

    /** The title of the window that holds c ("" when none). */
    public static String windowOf(Component c) {
        Window w = c instanceof Window ? (Window) c : SwingUtilities.getWindowAncestor(c);
        if (w instanceof Frame) return ((Frame) w).getTitle();
        if (w instanceof Dialog) return ((Dialog) w).getTitle();
        return "";
    }

    /**
     * window-shown / window-closed on every show and hide (dispose hides too), and window-closing.
     * A HierarchyListener is used because SHOWING_CHANGED is delivered synchronously inside
     * setVisible/dispose; ComponentEvents are queued, and a window shown and disposed at once
     * (a splash with a 0 ms delay) loses them.
     */
    public static void window(Window w) {
        final boolean[] shown = {false};
        w.addHierarchyListener(e -> {
            if (e.getChanged() != w || (e.getChangeFlags() & HierarchyEvent.SHOWING_CHANGED) == 0) return;
            if (w.isShowing() && !shown[0]) {
                shown[0] = true;
                boolean modal = w instanceof Dialog && ((Dialog) w).isModal();
                EventLog.emit("window-shown", "title", windowOf(w), "kind", w instanceof Dialog ? "dialog" : "frame",
                    "modal", modal, "class", w.getClass().getName(), "width", w.getWidth(), "height", w.getHeight());
            } else if (!w.isShowing() && shown[0]) {
                shown[0] = false;
                EventLog.emit("window-closed", "title", windowOf(w));
            }
        });
        w.addWindowListener(new WindowAdapter() {
            @Override public void windowClosing(WindowEvent e) {
                EventLog.emit("window-closing", "title", windowOf(w));
            }
        });
    }

    /**
     * mouse-press {window, x, y} for every real mouse press (screen coordinates), such as one a
     * VNC client sends through x11vnc. Programmatic clicks (the agent's doClick) make none, so
     * this proves that a person's input reached Gateway (or, in view-only mode, that it did not).
     */
    public static void mouse() {
        java.awt.Toolkit.getDefaultToolkit().addAWTEventListener(e -> {
            if (e.getID() != java.awt.event.MouseEvent.MOUSE_PRESSED) return;
            java.awt.event.MouseEvent m = (java.awt.event.MouseEvent) e;
            EventLog.emit("mouse-press", "window", windowOf(m.getComponent()),
                "x", m.getXOnScreen(), "y", m.getYOnScreen());
        }, java.awt.AWTEvent.MOUSE_EVENT_MASK);
    }

    /**
     * click {window, button} for push buttons. The listener sits on the button's model: the model
     * notifies it before the button's own ActionListeners run (Swing fires listeners last-added
     * first), so the click is recorded before whatever the click causes, e.g. the dialog closing.
     */
    public static <B extends AbstractButton> B button(B b) {
        b.getModel().addActionListener(e -> EventLog.emit("click", "window", windowOf(b), "button", b.getText()));
        return b;
    }

    /** toggle {window, toggle, selected} for toggle buttons, checkboxes and radios. */
    public static <B extends AbstractButton> B toggle(B b) {
        b.addItemListener(e -> {
            if (muted > 0) return;
            EventLog.emit("toggle", "window", windowOf(b), "toggle", b.getText(),
                "selected", e.getStateChange() == ItemEvent.SELECTED);
        });
        return b;
    }

    /** menu {path} when a menu item fires. */
    public static JMenuItem menu(JMenuItem item, String... path) {
        item.getModel().addActionListener(e -> EventLog.emit("menu", "path", List.of((Object[]) path)));
        return item;
    }

    /** tree-select {window, path} with node texts from the root. */
    public static JTree tree(JTree t) {
        t.addTreeSelectionListener(e -> {
            if (muted > 0) return;
            TreePath p = e.getNewLeadSelectionPath();
            if (p == null) return;
            List<Object> names = new ArrayList<>();
            for (Object o : p.getPath()) names.add(o.toString());
            EventLog.emit("tree-select", "window", windowOf(t), "path", names);
        });
        return t;
    }

    /** list-select {window, item} once a selection settles. */
    public static <T> JList<T> list(JList<T> l) {
        l.addListSelectionListener(e -> {
            if (muted > 0 || e.getValueIsAdjusting()) return;
            Object v = l.getSelectedValue();
            if (v != null) EventLog.emit("list-select", "window", windowOf(l), "item", v.toString());
        });
        return l;
    }

    /**
     * field-set {window, field, value}. For secrets (secretCheck != null) the value is never
     * written: {length, correct} instead. A setText (remove + insert) is coalesced into one event
     * carrying the final text.
     */
    public static <T extends JTextComponent> T field(T f, String field, Predicate<String> secretCheck) {
        AtomicBoolean pending = new AtomicBoolean();
        f.getDocument().addDocumentListener(new DocumentListener() {
            private void changed() {
                if (muted > 0) return;
                if (!pending.compareAndSet(false, true)) return;
                SwingUtilities.invokeLater(() -> {
                    pending.set(false);
                    String text = f instanceof JPasswordField ? new String(((JPasswordField) f).getPassword()) : f.getText();
                    if (secretCheck != null) {
                        EventLog.emit("field-set", "window", windowOf(f), "field", field, "length", text.length(),
                            "correct", secretCheck.test(text));
                    } else {
                        EventLog.emit("field-set", "window", windowOf(f), "field", field, "value", text);
                    }
                });
            }

            @Override public void insertUpdate(DocumentEvent e) { changed(); }
            @Override public void removeUpdate(DocumentEvent e) { changed(); }
            @Override public void changedUpdate(DocumentEvent e) {}
        });
        return f;
    }
}
