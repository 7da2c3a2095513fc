package ibgpilot.agent;

import java.awt.AWTEvent;
import java.awt.Toolkit;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.concurrent.CountDownLatch;

/**
 * When the agent may touch AWT. The agent never initialises AWT itself while the application
 * may be doing so (parallel class initialisation can deadlock): it waits until the application
 * has loaded {@code java.awt.Toolkit}, then its first AWT call is a plain
 * {@code Toolkit.getDefaultToolkit()} from a thread that holds no locks. Until then the agent
 * answers, but reports no windows ({@code ready: false} in hello and ping).
 */
final class Gui {
    private Gui() {}

    private static volatile boolean ready;
    private static volatile String failure;

    /** True once the window listener is installed and Swing may be driven. */
    static boolean ready() {
        return ready;
    }

    /** Throws {@code not_ready} until AWT is up. */
    static void requireReady() throws AgentError {
        if (!ready) {
            throw new AgentError("not_ready", failure != null ? "the agent could not hook AWT: " + failure
                    : "the application has not started its GUI (AWT) yet");
        }
    }

    /** Watches for AWT on a daemon thread; returns at once. */
    static void watch(Instrumentation inst) {
        CountDownLatch awt = new CountDownLatch(1);
        ClassFileTransformer spotter = new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String name, Class<?> cls, ProtectionDomain pd, byte[] bytes) {
                if ("java/awt/Toolkit".equals(name)) awt.countDown();
                return null;
            }
        };
        if (inst != null) inst.addTransformer(spotter);
        Thread t = new Thread(() -> {
            try {
                if (inst == null) {
                    awt.countDown();
                } else {
                    for (Class<?> c : inst.getAllLoadedClasses()) {
                        if ("java.awt.Toolkit".equals(c.getName())) {
                            awt.countDown();
                            break;
                        }
                    }
                }
                awt.await();
                if (inst != null) inst.removeTransformer(spotter);
                Toolkit tk = Toolkit.getDefaultToolkit();
                tk.addAWTEventListener(Windows::onAwtEvent,
                        AWTEvent.WINDOW_EVENT_MASK | AWTEvent.COMPONENT_EVENT_MASK);
                ready = true;
                Windows.announceExisting();
                Agent.log("hooked AWT (" + tk.getClass().getName() + ")");
            } catch (Throwable e) {
                failure = e.toString();
                Agent.log("could not hook AWT: " + e);
            }
        }, "ibg-pilot-agent-awt");
        t.setDaemon(true);
        t.start();
        Fx.watch();
    }
}
