package ibgpilot.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attach helper: {@code java -cp ibg-pilot-agent.jar ibgpilot.agent.Attach ps|relay ...},
 * run by ibg-pilot (never inside Gateway) for the two things Deno's permission model forbids
 * the controller: reading /proc (Deno needs --allow-all for it) and connecting to a Unix socket
 * whose name contains a PID ({@code /tmp/.java_pid<pid>}: Deno grants Unix sockets by exact
 * path only). It does nothing else: which JVM is Gateway, the attach request bytes, the trigger
 * file, SIGQUIT and the reply's meaning stay in TypeScript (lib/gateway/attach.ts), so the
 * helper is a dumb pipe with no policy. Output: one JSON object per line on stdout.
 *
 * <ul>
 * <li>{@code ps} lists every process whose argv[0] is a {@code java} launcher (the one rule
 * duplicated here: the full list would be hundreds of kilobytes on a desktop);
 * {@code ps <pid>...} describes exactly those PIDs. Each line: {@code pid}, raw {@code cmdline}
 * (NUL-separated), raw {@code status} text, {@code root} (the real path of its root directory,
 * or null when unreadable); {@code {"pid":N,"missing":true}} for a PID that does not exist.
 * <li>{@code relay <socket> <replyDeadlineMs>} copies stdin (the request) to the socket and
 * prints {@code {"reply":"..."}} with everything the socket sent until it closed, or
 * {@code {"error":"connect"|"io"|"timeout","message":"..."}}; exit 0 or 1.
 * </ul>
 */
public final class Attach {
    private Attach() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length >= 1 && args[0].equals("ps")) {
            List<Long> pids = new ArrayList<>();
            for (int i = 1; i < args.length; i++) pids.add(Long.parseLong(args[i]));
            ps(pids, out);
            System.exit(0);
        }
        if (args.length == 3 && args[0].equals("relay")) {
            System.exit(relay(Path.of(args[1]), Long.parseLong(args[2]), out));
        }
        System.err.println("usage: java -cp ibg-pilot-agent.jar ibgpilot.agent.Attach ps [pid...] | relay <socket> <replyDeadlineMs>");
        System.exit(2);
    }

    static void ps(List<Long> pids, PrintStream out) {
        long self = ProcessHandle.current().pid();
        if (!pids.isEmpty()) {
            for (long pid : pids) {
                Map<String, Object> m = describe(pid);
                if (m == null) {
                    m = new LinkedHashMap<>();
                    m.put("pid", pid);
                    m.put("missing", true);
                }
                out.println(Json.write(m));
            }
            return;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                long pid = Long.parseLong(name);
                if (pid == self) continue;
                Map<String, Object> m = describe(pid);
                if (m == null) continue;
                String cmdline = (String) m.get("cmdline");
                int nul = cmdline.indexOf('\0');
                String argv0 = nul < 0 ? cmdline : cmdline.substring(0, nul);
                String base = argv0.substring(argv0.lastIndexOf('/') + 1);
                if (base.equals("java") || base.equals("java.exe")) out.println(Json.write(m));
            }
        } catch (IOException e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", "io");
            m.put("message", "cannot list /proc: " + e.getMessage());
            out.println(Json.write(m));
        }
    }

    /** One process, or null when it does not exist (or vanished while being read). */
    static Map<String, Object> describe(long pid) {
        Path dir = Path.of("/proc", Long.toString(pid));
        try {
            // ISO-8859-1 keeps every byte as one char; TypeScript decodes the same way.
            String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.ISO_8859_1);
            String status = new String(Files.readAllBytes(dir.resolve("status")), StandardCharsets.ISO_8859_1);
            String root;
            try {
                root = dir.resolve("root").toRealPath().toString();
            } catch (IOException | SecurityException e) {
                root = null; // another user's process: its root link is not ours to read
            }
            Map<String, Object> m = new Json.NullKeeping();
            m.put("pid", pid);
            m.put("cmdline", cmdline);
            m.put("status", status);
            m.put("root", root);
            return m;
        } catch (IOException e) {
            return null;
        }
    }

    static int relay(Path socket, long replyDeadlineMs, PrintStream out) {
        byte[] request;
        try {
            request = readAll(System.in);
        } catch (IOException e) {
            return fail(out, "io", "cannot read the request from stdin: " + e.getMessage());
        }
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return fail(out, "connect", "cannot connect to " + socket + ": " + e.getMessage());
        }
        // The attach listener answers only after agentmain returns: bound the wait.
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(replyDeadlineMs);
                fail(out, "timeout", "no complete reply from " + socket + " within " + replyDeadlineMs + " ms");
                System.exit(1);
            } catch (InterruptedException e) {
                // the reply came first
            }
        }, "ibg-pilot-attach-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
        try (SocketChannel c = ch) {
            ByteBuffer buf = ByteBuffer.wrap(request);
            while (buf.hasRemaining()) c.write(buf);
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (c.read(in) >= 0) {
                in.flip();
                reply.write(in.array(), 0, in.limit());
                in.clear();
            }
            watchdog.interrupt();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reply", reply.toString(StandardCharsets.UTF_8));
            out.println(Json.write(m));
            return 0;
        } catch (IOException e) {
            watchdog.interrupt();
            return fail(out, "io", "attach exchange on " + socket + " failed: " + e.getMessage());
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static int fail(PrintStream out, String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", code);
        m.put("message", message);
        out.println(Json.write(m));
        return 1;
    }
}
