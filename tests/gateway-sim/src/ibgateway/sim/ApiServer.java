// Owns: the TWS API socket server on 127.0.0.1 (sources.md ecosystem 5.2): the `API\0` + `v<min>..<max>`
// handshake answered with the server version and connection time, START_API answered with
// managedAccounts (15) and nextValidId (9), reqCurrentTime (49) answered, duplicate client ids
// refused with error 326, several clients at once. The sim never negotiates a version >= 201
// (protobuf), so every reply uses the legacy NUL-separated text framing.
package ibgateway.sim;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class ApiServer {
    private static final Pattern RANGE = Pattern.compile("^v(\\d+)(?:\\.\\.(\\d+))?");
    private final int maxServerVersion;
    private final int maxClients;
    private final String accounts;
    private final java.util.function.IntConsumer clientCount;
    private volatile ServerSocket server;
    private volatile int port;
    private int nextValidId;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Set<Integer> clientIds = ConcurrentHashMap.newKeySet();

    public ApiServer(int maxServerVersion, int maxClients, int nextValidId, String accounts, java.util.function.IntConsumer clientCount) {
        this.maxServerVersion = maxServerVersion;
        this.maxClients = maxClients;
        this.nextValidId = nextValidId;
        this.accounts = accounts;
        this.clientCount = clientCount;
    }

    public boolean listening() {
        return server != null && !server.isClosed();
    }

    public int port() {
        return port;
    }

    /** Binds 127.0.0.1:port and accepts in the background. Records api-listening or api-listen-failed. */
    public synchronized boolean listen(int port) {
        close();
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            server = s;
            this.port = port;
            EventLog.emit("api-listening", "port", port, "host", "127.0.0.1");
            LauncherLog.line("JTS-ApiServer", "API server listening on port " + port);
            Thread t = new Thread(() -> acceptLoop(s), "JTS-EServerSocket-" + port);
            t.setDaemon(true);
            t.start();
            return true;
        } catch (IOException e) {
            EventLog.emit("api-listen-failed", "port", port, "error", e.getMessage());
            LauncherLog.warn("JTS-ApiServer", "cannot listen on port " + port + ": " + e.getMessage());
            return false;
        }
    }

    /** Closes the listener and every client. Records api-closed when it was listening. */
    public synchronized void close() {
        ServerSocket s = server;
        server = null;
        if (s == null) return;
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket c : new ArrayList<>(clients)) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        EventLog.emit("api-closed", "port", port);
    }

    private void acceptLoop(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket c = s.accept();
                if (clients.size() >= maxClients) {
                    EventLog.emit("api-client-refused", "reason", "too many clients");
                    c.close();
                    continue;
                }
                clients.add(c);
                clientCount.accept(clients.size());
                Thread t = new Thread(() -> serve(c), "JTS-EReader-" + c.getPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** A hung Gateway: connections are accepted and then never answered. */
    public static volatile boolean silent = false;

    private void serve(Socket c) {
        Integer clientId = null;
        try {
            c.setTcpNoDelay(true);
            if (silent) {
                EventLog.emit("api-client", "error", "hung: not answered");
                c.getInputStream().read(new byte[1]);
                return;
            }
            DataInputStream in = new DataInputStream(c.getInputStream());
            DataOutputStream out = new DataOutputStream(c.getOutputStream());
            byte[] prefix = new byte[4];
            in.readFully(prefix);
            if (!new String(prefix, StandardCharsets.US_ASCII).equals("API\0")) {
                EventLog.emit("api-client", "error", "no API prefix");
                return;
            }
            String hello = new String(readFrame(in), StandardCharsets.US_ASCII);
            Matcher m = RANGE.matcher(hello);
            if (!m.find()) {
                EventLog.emit("api-client", "error", "bad version range", "clientVersionRange", hello);
                return;
            }
            int min = Integer.parseInt(m.group(1));
            int max = m.group(2) != null ? Integer.parseInt(m.group(2)) : min;
            int version = Math.min(max, maxServerVersion);
            String range = hello.split(" ")[0];
            if (version < min || version < 100) {
                EventLog.emit("api-client", "clientVersionRange", range, "serverVersion", null, "error", "unsupported version");
                return;
            }
            String time = new SimpleDateFormat("yyyyMMdd HH:mm:ss z").format(new Date());
            // Logged before answering, as api-start is: a client that saw the answer can trust
            // the log to have the event (an attach test read it just too early under load).
            EventLog.emit("api-client", "clientVersionRange", range, "serverVersion", version,
                "options", hello.contains(" ") ? hello.substring(hello.indexOf(' ') + 1) : "");
            writeFields(out, String.valueOf(version), time);
            while (true) {
                List<String> f = fields(readFrame(in));
                if (f.isEmpty()) continue;
                String id = f.get(0);
                if (id.equals("71") && f.size() >= 3) {
                    int cid = Integer.parseInt(f.get(2));
                    if (!clientIds.add(cid)) {
                        EventLog.emit("api-start", "clientId", cid, "ok", false, "error", 326);
                        List<String> err = new ArrayList<>(List.of("4", "2", "-1", "326",
                            "Unable to connect as the client id is already in use. Retry with a unique client id."));
                        if (version >= 166) err.add("");
                        writeFields(out, err.toArray(new String[0]));
                        return;
                    }
                    clientId = cid;
                    EventLog.emit("api-start", "clientId", cid, "ok", true);
                    writeFields(out, "15", "1", accounts);
                    int oid;
                    synchronized (this) {
                        oid = nextValidId;
                    }
                    writeFields(out, "9", "1", String.valueOf(oid));
                } else if (id.equals("49")) {
                    writeFields(out, "49", "1", String.valueOf(System.currentTimeMillis() / 1000));
                } else {
                    EventLog.emit("api-request", "msgId", id);
                }
            }
        } catch (IOException | RuntimeException e) {
            // client went away or sent garbage: drop it like Gateway does
        } finally {
            if (clientId != null) clientIds.remove(clientId);
            clients.remove(c);
            clientCount.accept(clients.size());
            EventLog.emit("api-client-closed", "clientId", clientId);
            try {
                c.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 16 * 1024 * 1024) throw new IOException("bad frame length " + n);
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static List<String> fields(byte[] payload) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int k = 0; k < payload.length; k++) {
            if (payload[k] == 0) {
                out.add(new String(payload, start, k - start, StandardCharsets.UTF_8));
                start = k + 1;
            }
        }
        return out;
    }

    private static synchronized void writeFields(DataOutputStream out, String... f) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String x : f) b.append(x).append('\0');
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }
}
