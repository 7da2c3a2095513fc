package ibgpilot.agent;

import java.awt.AWTEvent;
import java.awt.Dialog;
import java.awt.EventQueue;
import java.awt.Frame;
import java.awt.Window;
import java.awt.event.ComponentEvent;
import java.awt.event.WindowEvent;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Top-level windows: their stable ids (never reused), their descriptions, and the window events
 * the agent pushes. Swing events come from one AWT event listener (on the EDT); the listener only
 * stamps, describes and queues; a daemon thread pushes the queue to subscribed clients.
 */
final class Windows {
    private Windows() {}

    private static final Object lock = new Object();
    private static final Map<Object, String> ids = new WeakHashMap<>();
    private static final Map<String, WeakReference<Object>> byId = new HashMap<>();
    private static long nextId = 1;
    /** Windows we told clients are open (so opened/closed always come in pairs). */
    private static final Map<Object, Boolean> announced = new WeakHashMap<>();
    private static final LinkedBlockingQueue<Map<String, Object>> queue = new LinkedBlockingQueue<>(100_000);
    private static long seq;

    /** Epoch milliseconds with microsecond resolution. */
    static double now() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1000.0 + i.getNano() / 1e6;
    }

    /** The id of a window (Swing or JavaFX), assigned on first sight. */
    static String idOf(Object window, String prefix) {
        synchronized (lock) {
            String id = ids.get(window);
            if (id == null) {
                id = prefix + (nextId++);
                ids.put(window, id);
                byId.put(id, new WeakReference<>(window));
                if (byId.size() > 256 && (nextId % 64) == 0) prune();
            }
            return id;
        }
    }

    private static void prune() {
        for (Iterator<WeakReference<Object>> it = byId.values().iterator(); it.hasNext();) {
            if (it.next().get() == null) it.remove();
        }
    }

    /** The window with this id, or {@code not_found}. */
    static Object byId(String id) throws AgentError {
        if (id == null || id.isEmpty()) throw new AgentError("bad_request", "\"window\" (a window id) is required");
        synchronized (lock) {
            WeakReference<Object> ref = byId.get(id);
            Object w = ref == null ? null : ref.get();
            if (w == null) throw new AgentError("not_found", "no window with id " + id + " (closed, or never seen)");
            return w;
        }
    }

    /** The Swing window with this id, or {@code not_found}/{@code unsupported}. */
    static Window swing(String id) throws AgentError {
        Object w = byId(id);
        if (!(w instanceof Window)) throw new AgentError("unsupported", "window " + id + " is not a Swing/AWT window");
        return (Window) w;
    }

    /** Describes a Swing window; call on the EDT. */
    static Map<String, Object> info(Window w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", idOf(w, "w"));
        String title = w instanceof Frame ? ((Frame) w).getTitle() : w instanceof Dialog ? ((Dialog) w).getTitle() : null;
        m.put("title", title == null ? "" : title);
        m.put("className", w.getClass().getName());
        m.put("kind", w instanceof Frame ? "frame" : w instanceof Dialog ? "dialog" : "window");
        m.put("modal", w instanceof Dialog && ((Dialog) w).isModal());
        m.put("showing", w.isShowing());
        m.put("toolkit", "swing");
        return m;
    }

    /** Showing Swing windows (or all, with {@code all}); call on the EDT. */
    static List<Map<String, Object>> list(boolean all) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Window w : Window.getWindows()) {
            if (all || w.isShowing()) out.add(info(w));
        }
        return out;
    }

    /** The AWT event listener: runs on the EDT, so it only stamps, describes and queues. */
    static void onAwtEvent(AWTEvent e) {
        try {
            Object src = e.getSource();
            if (!(src instanceof Window)) return;
            Window w = (Window) src;
            switch (e.getID()) {
                case WindowEvent.WINDOW_OPENED:
                case ComponentEvent.COMPONENT_SHOWN:
                    // Even when it is already gone again (shown and disposed at once): every window
                    // shown gets its opened/closed pair, in queue order.
                    opened(w, now(), false);
                    break;
                case WindowEvent.WINDOW_ACTIVATED:
                    if (w.isShowing()) {
                        double at = now();
                        if (!isAnnounced(w)) opened(w, at, false);
                        push("window-activated", at, "window", info(w));
                    }
                    break;
                case WindowEvent.WINDOW_CLOSED:
                case ComponentEvent.COMPONENT_HIDDEN:
                    closed(w, now());
                    break;
                default:
                    break;
            }
        } catch (Throwable t) {
            // Never disturb the application's event dispatch.
        }
    }

    private static boolean isAnnounced(Object w) {
        synchronized (lock) {
            return announced.containsKey(w);
        }
    }

    private static void opened(Window w, double at, boolean existing) {
        synchronized (lock) {
            if (announced.put(w, Boolean.TRUE) != null) return;
        }
        Map<String, Object> ev = event("window-opened", at, "window", info(w));
        if (existing) ev.put("existing", true);
        offer(ev);
    }

    private static void closed(Window w, double at) {
        synchronized (lock) {
            if (announced.remove(w) == null) return;
        }
        String title = w instanceof Frame ? ((Frame) w).getTitle() : w instanceof Dialog ? ((Dialog) w).getTitle() : "";
        Map<String, Object> ev = event("window-closed", at, "windowId", idOf(w, "w"));
        ev.put("title", title == null ? "" : title);
        offer(ev);
    }

    /** Announces windows that were already showing when the listener was installed. */
    static void announceExisting() {
        EventQueue.invokeLater(() -> {
            for (Window w : Window.getWindows()) {
                if (w.isShowing()) opened(w, now(), true);
            }
        });
    }

    /** JavaFX windows report through here (from the FX thread). */
    static void fxOpened(Object window, Map<String, Object> info, double at, boolean existing) {
        synchronized (lock) {
            if (announced.put(window, Boolean.TRUE) != null) return;
        }
        Map<String, Object> ev = event("window-opened", at, "window", info);
        if (existing) ev.put("existing", true);
        offer(ev);
    }

    static void fxClosed(Object window, String title, double at) {
        synchronized (lock) {
            if (announced.remove(window) == null) return;
        }
        Map<String, Object> ev = event("window-closed", at, "windowId", idOf(window, "fx"));
        ev.put("title", title == null ? "" : title);
        offer(ev);
    }

    private static void push(String name, double at, String key, Object value) {
        offer(event(name, at, key, value));
    }

    private static Map<String, Object> event(String name, double at, String key, Object value) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("type", "event");
        ev.put("event", name);
        ev.put("seq", 0L);
        ev.put("at", at);
        ev.put(key, value);
        return ev;
    }

    private static void offer(Map<String, Object> ev) {
        synchronized (lock) {
            ev.put("seq", ++seq);
            queue.offer(ev); // a full queue (nobody draining for 100k events) drops the event
        }
    }

    /** Starts the daemon thread that pushes queued events to subscribed connections. */
    static void startPusher() {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Map<String, Object> ev = queue.take();
                    Server.broadcast(Json.write(ev));
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable t2) {
                    Agent.log("event push failed: " + t2);
                }
            }
        }, "ibg-pilot-agent-events");
        t.setDaemon(true);
        t.start();
    }
}
