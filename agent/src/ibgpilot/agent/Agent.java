package ibgpilot.agent;

import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Entry point of the ibg-pilot agent, loaded into IB Gateway's JVM with
 * {@code -javaagent:ibg-pilot-agent.jar=<socket path>} (premain) or through the JVM's attach
 * mechanism (agentmain). Everything runs on daemon threads: premain returns at once, and no agent
 * failure ever stops the application.
 *
 * Arguments: either a socket path, or {@code key=value} pairs separated by commas:
 * {@code socket=<path>} (required), {@code timeoutMs=<n>} (default wait for the Swing thread,
 * 2000), {@code quiet=true} (no start-up lines on stderr).
 */
public final class Agent {
    private Agent() {}

    /** Agent version, reported in hello. */
    static final String VERSION = "0.1.0";
    static volatile long edtTimeoutMs = 2000;
    private static volatile boolean quiet;
    private static boolean started;

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, "premain");
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, "agentmain");
    }

    private static synchronized void start(String args, Instrumentation inst, String how) {
        try {
            String socket = null;
            String a = args == null ? "" : args.trim();
            if (a.startsWith("/") || (!a.contains("=") && !a.isEmpty())) {
                socket = a;
            } else if (!a.isEmpty()) {
                for (String kv : a.split(",")) {
                    int eq = kv.indexOf('=');
                    if (eq < 0) continue;
                    String k = kv.substring(0, eq).trim();
                    String v = kv.substring(eq + 1).trim();
                    switch (k) {
                        case "socket": socket = v; break;
                        case "timeoutMs": edtTimeoutMs = Math.max(1, Long.parseLong(v)); break;
                        case "quiet": quiet = Boolean.parseBoolean(v); break;
                        default: log("unknown agent option " + k + " ignored"); break;
                    }
                }
            }
            if (socket == null || socket.isEmpty()) {
                log("no socket path given (-javaagent:ibg-pilot-agent.jar=/path/agent.sock); agent inactive");
                return;
            }
            Path path = Path.of(socket);
            if (started) {
                // A later attach (ibg-pilot run --attach after a detach): the agent stays loaded,
                // and its socket may have been removed with the runtime directory. Serve it again.
                if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                    log("already running in this JVM; " + how + " ignored");
                    return;
                }
                Server.start(path);
                return;
            }
            started = true;
            Thread boot = new Thread(() -> {
                try {
                    Server.start(path);
                    Gui.watch(inst);
                } catch (Throwable t) {
                    log("not started: " + t.getMessage());
                }
            }, "ibg-pilot-agent-boot");
            boot.setDaemon(true);
            boot.start();
        } catch (Throwable t) {
            log("not started: " + t);
        }
    }

    /** One line on stderr (lifecycle and failures only; never request data). */
    static void log(String message) {
        if (quiet && !message.startsWith("not started") && !message.contains("failed")) return;
        System.err.println("[ibg-pilot-agent] " + message);
    }
}
