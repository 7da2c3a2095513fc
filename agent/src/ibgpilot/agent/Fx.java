package ibgpilot.agent;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JavaFX windows (Gateway's {@code Login Messages} window), best effort and only through
 * reflection: the agent has no compile-time JavaFX dependency, and when JavaFX is absent nothing
 * here does anything. A daemon thread looks for the "JavaFX Application Thread" twice a second;
 * once it exists, the agent watches {@code javafx.stage.Window.getWindows()} for window events
 * and can list, snapshot, click buttons in, type into and close JavaFX windows.
 */
final class Fx {
    private Fx() {}

    private static volatile ClassLoader loader;
    private static volatile Class<?> windowClass;
    private static final Set<Object> known = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Starts the daemon thread that waits for the JavaFX toolkit. */
    static void watch() {
        Thread t = new Thread(() -> {
            try {
                while (windowClass == null) {
                    Thread fx = findFxThread();
                    if (fx != null) {
                        install(fx);
                        return;
                    }
                    Thread.sleep(500); // polling for a thread's existence; nothing UI is sequenced on it
                }
            } catch (InterruptedException e) {
                // exit
            } catch (Throwable e) {
                Agent.log("JavaFX support disabled: " + e);
            }
        }, "ibg-pilot-agent-fx");
        t.setDaemon(true);
        t.start();
    }

    private static Thread findFxThread() {
        ThreadGroup g = Thread.currentThread().getThreadGroup();
        while (g.getParent() != null) g = g.getParent();
        Thread[] threads = new Thread[g.activeCount() + 16];
        int n = g.enumerate(threads, true);
        for (int i = 0; i < n; i++) {
            if ("JavaFX Application Thread".equals(threads[i].getName())) return threads[i];
        }
        return null;
    }

    private static void install(Thread fx) throws Exception {
        ClassLoader l = fx.getContextClassLoader();
        if (l == null) l = ClassLoader.getSystemClassLoader();
        Class<?> wc = Class.forName("javafx.stage.Window", false, l);
        loader = l;
        Class<?> lcl = Class.forName("javafx.collections.ListChangeListener", false, l);
        Class<?> ol = Class.forName("javafx.collections.ObservableList", false, l);
        Object list = wc.getMethod("getWindows").invoke(null);
        InvocationHandler h = (proxy, method, args) -> {
            switch (method.getName()) {
                case "onChanged": sync(); return null;
                case "hashCode": return System.identityHashCode(proxy);
                case "equals": return proxy == args[0];
                case "toString": return "ibg-pilot-agent window watcher";
                default: return null;
            }
        };
        Object listener = Proxy.newProxyInstance(l, new Class<?>[] {lcl}, h);
        Method add = ol.getMethod("addListener", lcl);
        windowClass = wc;
        runLater(() -> {
            try {
                add.invoke(list, listener);
                sync();
            } catch (Throwable e) {
                Agent.log("JavaFX window watch failed: " + e);
            }
        });
        Agent.log("JavaFX found; watching its windows");
    }

    /** Compares the showing JavaFX windows with what was announced; runs on the FX thread. */
    private static void sync() {
        try {
            double at = Windows.now();
            List<?> now = new ArrayList<>((List<?>) windowClass.getMethod("getWindows").invoke(null));
            Set<Object> current = Collections.newSetFromMap(new IdentityHashMap<>());
            current.addAll(now);
            boolean first = known.isEmpty();
            for (Object w : now) {
                if (known.add(w)) Windows.fxOpened(w, describe(w), at, first);
            }
            for (Object w : new ArrayList<>(known)) {
                if (!current.contains(w)) {
                    known.remove(w);
                    Windows.fxClosed(w, title(w), at);
                }
            }
        } catch (Throwable e) {
            Agent.log("JavaFX window sync failed: " + e);
        }
    }

    static boolean isFxWindow(Object w) {
        Class<?> wc = windowClass;
        return wc != null && wc.isInstance(w);
    }

    static void runLater(Runnable r) {
        try {
            Class<?> p = Class.forName("javafx.application.Platform", false, loader);
            p.getMethod("runLater", Runnable.class).invoke(null, r);
        } catch (Exception e) {
            throw new IllegalStateException("JavaFX Platform.runLater failed: " + e);
        }
    }

    // ---- reflection helpers that only ever call public API through public types ----

    static Object call(Object target, String name, Object... args) throws Exception {
        Method m = find(target.getClass(), name, args.length);
        if (m == null) throw new NoSuchMethodException(target.getClass().getName() + "." + name);
        return m.invoke(target, args);
    }

    private static Method find(Class<?> c, String name, int arity) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (!Modifier.isPublic(k.getModifiers())) continue;
            for (Method m : k.getMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == arity
                        && Modifier.isPublic(m.getDeclaringClass().getModifiers())) return m;
            }
        }
        return null;
    }

    static boolean is(Object o, String className) {
        for (Class<?> k = o.getClass(); k != null; k = k.getSuperclass()) {
            if (k.getName().equals(className)) return true;
        }
        return false;
    }

    private static String title(Object w) {
        try {
            return is(w, "javafx.stage.Stage") ? String.valueOf(call(w, "getTitle")) : "";
        } catch (Exception e) {
            return "";
        }
    }

    /** WindowInfo of a JavaFX window; runs on the FX thread. */
    static Map<String, Object> describe(Object w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Windows.idOf(w, "fx"));
        String t = title(w);
        m.put("title", t == null || "null".equals(t) ? "" : t);
        m.put("className", w.getClass().getName());
        boolean modal = false;
        boolean owned = false;
        try {
            if (is(w, "javafx.stage.Stage")) {
                modal = !"NONE".equals(String.valueOf(call(w, "getModality")));
                owned = call(w, "getOwner") != null;
            }
        } catch (Exception e) {
            // keep defaults
        }
        m.put("kind", is(w, "javafx.stage.Stage") ? (modal || owned ? "dialog" : "frame") : "window");
        m.put("modal", modal);
        boolean showing = false;
        try {
            showing = Boolean.TRUE.equals(call(w, "isShowing"));
        } catch (Exception e) {
            // keep false
        }
        m.put("showing", showing);
        m.put("toolkit", "javafx");
        return m;
    }

    static List<Map<String, Object>> windows(boolean all, long timeoutMs) throws AgentError {
        if (windowClass == null) return Collections.emptyList();
        return Edt.call(Fx::runLater, "JavaFX windows", timeoutMs, () -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object w : new ArrayList<>((List<?>) windowClass.getMethod("getWindows").invoke(null))) {
                Map<String, Object> d = describe(w);
                if (all || Boolean.TRUE.equals(d.get("showing"))) out.add(d);
            }
            return out;
        });
    }

    static Map<String, Object> info(Object w, long timeoutMs) throws AgentError {
        return Edt.call(Fx::runLater, "JavaFX window info", timeoutMs, () -> describe(w));
    }

    private static Object root(Object w) throws Exception {
        Object scene = call(w, "getScene");
        return scene == null ? null : call(scene, "getRoot");
    }

    private static List<?> kids(Object node) throws Exception {
        if (!is(node, "javafx.scene.Parent")) return Collections.emptyList();
        return new ArrayList<>((List<?>) call(node, "getChildrenUnmodifiable"));
    }

    private static String role(Object n) {
        if (is(n, "javafx.scene.control.PasswordField")) return "password";
        if (is(n, "javafx.scene.control.TextArea")) return "textarea";
        if (is(n, "javafx.scene.control.TextInputControl")) return "text";
        if (is(n, "javafx.scene.control.CheckBox")) return "checkbox";
        if (is(n, "javafx.scene.control.RadioButton")) return "radio";
        if (is(n, "javafx.scene.control.ToggleButton")) return "toggle";
        if (is(n, "javafx.scene.control.ButtonBase")) return "button";
        if (is(n, "javafx.scene.control.Labeled")) return "label";
        if (is(n, "javafx.scene.control.ListView")) return "list";
        if (is(n, "javafx.scene.control.ComboBoxBase")) return "combo";
        if (is(n, "javafx.scene.Parent")) return "panel";
        return "other";
    }

    private static String text(Object n) {
        try {
            if (is(n, "javafx.scene.control.PasswordField")) return null;
            if (is(n, "javafx.scene.control.Labeled") || is(n, "javafx.scene.control.TextInputControl")) {
                Object t = call(n, "getText");
                return t == null ? null : Finder.display(String.valueOf(t));
            }
            if (is(n, "javafx.scene.text.Text")) {
                Object t = call(n, "getText");
                return t == null ? null : Finder.display(String.valueOf(t));
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }

    private static Map<String, Object> node(Object n, int[] budget, int depth) throws Exception {
        budget[0]--;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role(n));
        m.put("type", n.getClass().getSimpleName());
        Object id = call(n, "getId");
        if (id != null) m.put("name", String.valueOf(id));
        if (is(n, "javafx.scene.control.PasswordField")) {
            Object t = call(n, "getText");
            m.put("passwordLength", t == null ? 0 : String.valueOf(t).length());
        } else {
            String t = text(n);
            if (t != null) m.put("text", t);
        }
        m.put("enabled", !Boolean.TRUE.equals(call(n, "isDisabled")));
        m.put("showing", Boolean.TRUE.equals(call(n, "isVisible")));
        if (is(n, "javafx.scene.control.CheckBox") || is(n, "javafx.scene.control.ToggleButton")) {
            m.put("selected", Boolean.TRUE.equals(call(n, "isSelected")));
        }
        if (is(n, "javafx.scene.control.TextInputControl")) m.put("editable", Boolean.TRUE.equals(call(n, "isEditable")));
        List<Object> children = new ArrayList<>();
        if (depth < 60) {
            for (Object c : kids(n)) {
                if (budget[0] <= 0) break;
                children.add(node(c, budget, depth + 1));
            }
        }
        m.put("children", children);
        return m;
    }

    static Map<String, Object> snapshot(Object w, long timeoutMs) throws AgentError {
        return Edt.call(Fx::runLater, "JavaFX snapshot", timeoutMs, () -> {
            Object root = root(w);
            Map<String, Object> top = new LinkedHashMap<>();
            top.put("role", "window");
            top.put("type", w.getClass().getSimpleName());
            top.put("text", title(w));
            top.put("enabled", true);
            top.put("showing", true);
            List<Object> children = new ArrayList<>();
            if (root != null) children.add(node(root, new int[] {Snapshot.MAX_NODES}, 0));
            top.put("children", children);
            return top;
        });
    }

    private static void walk(Object n, List<Object> out) throws Exception {
        out.add(n);
        for (Object c : kids(n)) walk(c, out);
    }

    private static Object findNode(Object w, Finder.Target t, String kindClass, String what) throws Exception {
        Object root = root(w);
        List<Object> all = new ArrayList<>();
        if (root != null) walk(root, all);
        int seen = 0;
        for (Object n : all) {
            if (!is(n, kindClass)) continue;
            if (t.role != null && !t.role.equals(role(n))) continue;
            if (t.text != null && Finder.whole(text(n), t.text)) return n;
            if (t.name != null && t.name.equals(String.valueOf(call(n, "getId")))) return n;
            if (t.text == null && t.name == null && t.label == null && seen == (t.index == null ? 0 : t.index)) return n;
            seen++;
        }
        if (t.label != null) {
            for (int i = 0; i < all.size(); i++) {
                Object n = all.get(i);
                if (is(n, "javafx.scene.control.Label") && Finder.contains(text(n), t.label)) {
                    for (int j = i + 1; j < all.size(); j++) if (is(all.get(j), kindClass)) return all.get(j);
                }
            }
        }
        throw new AgentError("not_found", "no JavaFX " + what + " with " + t);
    }

    static Object click(Object w, Finder.Target t, long timeoutMs, long settleMs) throws AgentError {
        Edt.ClickOutcome<Object> out = Edt.click(Fx::runLater, "JavaFX click", timeoutMs, settleMs, () -> {
            Object b = findNode(w, t, "javafx.scene.control.ButtonBase", "button");
            if (Boolean.TRUE.equals(call(b, "isDisabled"))) throw new AgentError("disabled", "the JavaFX button is disabled");
            return b;
        }, b -> {
            try {
                call(b, "fire");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("type", out.target.getClass().getSimpleName());
        r.put("role", role(out.target));
        r.put("returned", out.returned);
        return r;
    }

    static Object setText(Object w, Finder.Target t, String value, long timeoutMs) throws AgentError {
        return Edt.call(Fx::runLater, "JavaFX setText", timeoutMs, () -> {
            Object f = findNode(w, t, "javafx.scene.control.TextInputControl", "text field");
            call(f, "setText", value);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("type", f.getClass().getSimpleName());
            r.put("role", role(f));
            r.put("length", value.length());
            return r;
        });
    }

    static Object close(Object w, long timeoutMs) throws AgentError {
        return Edt.call(Fx::runLater, "JavaFX close", timeoutMs, () -> {
            // A user's close: fire WINDOW_CLOSE_REQUEST; hide unless a handler consumed it.
            Class<?> we = Class.forName("javafx.stage.WindowEvent", false, loader);
            Class<?> et = Class.forName("javafx.event.EventType", false, loader);
            Object type = we.getField("WINDOW_CLOSE_REQUEST").get(null);
            Object ev = we.getConstructor(windowClass, et).newInstance(w, type);
            // fireEvent dispatches a copy, so whether a handler consumed it is not visible here:
            // hide only when the application installed no close-request handler of its own.
            boolean handled = call(w, "getOnCloseRequest") != null;
            Method fire = find(w.getClass(), "fireEvent", 1);
            if (fire != null) fire.invoke(w, ev);
            if (!handled) call(w, "hide");
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("posted", true);
            r.put("hidden", !handled);
            return r;
        });
    }
}
