package ibgpilot.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Unix-socket NDJSON server (docs/agent-protocol.md). One accept thread; per connection a
 * reader thread and a writer thread (everything a connection sends goes through its one outbound
 * queue, so lines never interleave); requests run on a shared worker pool, so several may be in
 * flight on one connection. {@code ping} is answered on the reader thread and never touches the
 * Swing event thread.
 */
final class Server {
    private Server() {}

    static final int PROTOCOL = 1;
    static final int MAX_LINE = 1 << 20;
    static final int MAX_CONNECTIONS = 32;
    static final int OUTBOX = 10_000;

    private static final Set<Conn> conns = new CopyOnWriteArraySet<>();
    private static final AtomicInteger connSeq = new AtomicInteger();
    private static ThreadPoolExecutor pool;
    private static final long startedAt = System.nanoTime();

    /** True once a socket is being served (the worker pool and event pusher exist). */
    private static boolean initialised;

    /**
     * Binds the socket (refusing to steal a live agent's) and starts accepting; returns at once.
     * Called again (a later {@code ibg-pilot run --attach} into the same JVM with a socket that
     * is no longer served), it adds one more listener and shares the pool and the event pusher.
     */
    static synchronized void start(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        UnixDomainSocketAddress addr = UnixDomainSocketAddress.of(path);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                throw new IOException(path + " exists and is not a socket; refusing to replace it");
            }
            boolean alive;
            try (SocketChannel probe = SocketChannel.open(addr)) {
                alive = true;
            } catch (IOException e) {
                alive = false;
            }
            if (alive) throw new IOException("another agent already listens on " + path + "; this JVM stays without one");
            Files.delete(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(addr);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        Object fileKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                if (fileKey != null && fileKey.equals(now)) Files.deleteIfExists(path);
            } catch (IOException e) {
                // gone already
            }
        }, "ibg-pilot-agent-cleanup"));

        if (!initialised) {
            initialised = true;
            AtomicInteger workerSeq = new AtomicInteger();
            pool = new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256), r -> {
                Thread t = new Thread(r, "ibg-pilot-agent-worker-" + workerSeq.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            pool.allowCoreThreadTimeOut(true);
            Windows.startPusher();
        }

        Thread accept = new Thread(() -> {
            while (true) {
                try {
                    SocketChannel ch = server.accept();
                    if (conns.size() >= MAX_CONNECTIONS) {
                        ch.write(ByteBuffer.wrap((error(null, "busy", "too many connections (" + MAX_CONNECTIONS + ")") + "\n")
                                .getBytes(StandardCharsets.UTF_8)));
                        ch.close();
                        continue;
                    }
                    new Conn(ch).start();
                } catch (Throwable e) {
                    Agent.log("accept failed: " + e);
                    if (!server.isOpen()) return;
                }
            }
        }, "ibg-pilot-agent-accept");
        accept.setDaemon(true);
        accept.start();
        Agent.log("listening on " + path);
    }

    /** Sends an event line to every subscribed connection. */
    static void broadcast(String line) {
        for (Conn c : conns) {
            if (c.subscribed) c.send(line);
        }
    }

    static Map<String, Object> hello() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "hello");
        m.put("protocol", PROTOCOL);
        m.put("agent", Agent.VERSION);
        m.put("pid", ProcessHandle.current().pid());
        m.put("java", System.getProperty("java.version"));
        m.put("javaVendor", System.getProperty("java.vendor"));
        String cmd = System.getProperty("sun.java.command");
        // Only the main class (or jar): arguments may carry secrets.
        if (cmd != null && !cmd.isBlank()) m.put("mainClass", cmd.trim().split("\\s+")[0]);
        m.put("ready", Gui.ready());
        m.put("ops", java.util.Arrays.asList(Ops.NAMES));
        m.put("at", Windows.now());
        return m;
    }

    static String reply(Object id, Object result) {
        Map<String, Object> m = new Json.NullKeeping();
        m.put("type", "reply");
        m.put("id", id);
        m.put("ok", true);
        m.put("result", result == null ? new LinkedHashMap<>() : result);
        return Json.write(m);
    }

    static String error(Object id, String code, String message) {
        Map<String, Object> m = new Json.NullKeeping();
        m.put("type", "reply");
        m.put("id", id);
        m.put("ok", false);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("code", code);
        e.put("message", message);
        m.put("error", e);
        return Json.write(m);
    }

    /** One client connection. */
    static final class Conn {
        final SocketChannel ch;
        final int n = connSeq.incrementAndGet();
        final BlockingQueue<String> outbox = new ArrayBlockingQueue<>(OUTBOX);
        volatile boolean subscribed;
        volatile boolean closed;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void start() {
            conns.add(this);
            send(Json.write(hello()));
            Thread w = new Thread(this::writeLoop, "ibg-pilot-agent-conn-" + n + "-write");
            w.setDaemon(true);
            w.start();
            Thread r = new Thread(this::readLoop, "ibg-pilot-agent-conn-" + n + "-read");
            r.setDaemon(true);
            r.start();
        }

        /** Queues one line; a client that stops reading for {@value #OUTBOX} lines is dropped. */
        void send(String line) {
            if (closed) return;
            if (!outbox.offer(line)) {
                Agent.log("connection " + n + " is not reading; closing it");
                close();
            }
        }

        void close() {
            if (closed) return;
            closed = true;
            conns.remove(this);
            outbox.offer("\u0000close"); // wake the writer
            try {
                ch.close();
            } catch (IOException e) {
                // already closed
            }
        }

        private void writeLoop() {
            try {
                while (!closed) {
                    String line = outbox.take();
                    if (closed) break;
                    StringBuilder sb = new StringBuilder(line.length() + 1).append(line).append('\n');
                    // Batch whatever else is already queued into the same write.
                    String more;
                    while (sb.length() < 65536 && (more = outbox.poll()) != null) sb.append(more).append('\n');
                    ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                    while (buf.hasRemaining()) ch.write(buf);
                }
            } catch (InterruptedException | IOException e) {
                // connection gone
            } finally {
                close();
            }
        }

        private void readLoop() {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean discarding = false;
            try {
                while (!closed) {
                    buf.clear();
                    int r = ch.read(buf);
                    if (r < 0) break;
                    byte[] a = buf.array();
                    int start = 0;
                    for (int i = 0; i < r; i++) {
                        if (a[i] != '\n') continue;
                        if (!discarding) {
                            if (line.size() + (i - start) > MAX_LINE) {
                                line.reset();
                                send(error(null, "too_large", "request line longer than " + MAX_LINE + " bytes; discarded"));
                            } else {
                                line.write(a, start, i - start);
                                String text = line.toString(StandardCharsets.UTF_8);
                                line.reset();
                                onLine(text);
                            }
                        }
                        discarding = false;
                        start = i + 1;
                    }
                    if (!discarding) {
                        line.write(a, start, r - start);
                        if (line.size() > MAX_LINE) {
                            line.reset();
                            discarding = true;
                            send(error(null, "too_large", "request line longer than " + MAX_LINE + " bytes; discarded"));
                        }
                    }
                }
            } catch (IOException e) {
                // connection gone
            } catch (Throwable t) {
                Agent.log("connection " + n + " reader failed: " + t);
            } finally {
                close();
            }
        }

        private void onLine(String text) {
            if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
            if (text.isBlank()) return;
            Object parsed;
            try {
                parsed = Json.parse(text);
            } catch (Json.ParseException e) {
                send(error(null, "bad_json", "malformed JSON: " + e.getMessage()));
                return;
            }
            if (!(parsed instanceof Map)) {
                send(error(null, "bad_request", "a request must be a JSON object"));
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> req = (Map<String, Object>) parsed;
            Object id = req.get("id");
            if (id != null && !(id instanceof String) && !(id instanceof Number)) {
                send(error(null, "bad_request", "\"id\" must be a string or a number"));
                return;
            }
            Object op = req.get("op");
            if (!(op instanceof String)) {
                send(error(id, "bad_request", "\"op\" (a string) is required"));
                return;
            }
            String name = (String) op;
            // Answered here, never on the Swing thread or behind the pool: ping proves the agent lives.
            if (name.equals("ping")) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("pong", true);
                r.put("at", Windows.now());
                r.put("ready", Gui.ready());
                r.put("uptimeMs", (System.nanoTime() - startedAt) / 1_000_000);
                send(reply(id, r));
                return;
            }
            if (name.equals("subscribe")) {
                Object ev = req.get("events");
                subscribed = ev == null || Boolean.TRUE.equals(ev);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("events", subscribed);
                send(reply(id, r));
                return;
            }
            try {
                pool.execute(() -> {
                    try {
                        send(reply(id, Ops.handle(name, req)));
                    } catch (AgentError e) {
                        send(error(id, e.code, e.getMessage()));
                    } catch (Throwable t) {
                        send(error(id, "internal", t.getClass().getSimpleName() + " in " + name));
                    }
                });
            } catch (RejectedExecutionException e) {
                send(error(id, "busy", "too many requests in flight; retry"));
            }
        }
    }
}
