// Owns: the sim's event log, the record of everything the GUI and the API port received.
// One JSON object per line, appended and flushed at once, so a test can tail it while the sim runs.
// It is the last line of defence for secrets: any string that contains the password, the TOTP
// secret or a currently valid code is replaced, and account ids (U/DU + digits) are masked,
// because the test suite scans every log for them.
package ibgateway.sim;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

public final class EventLog {
    private static final Pattern ACCOUNT = Pattern.compile("\\bD?U\\d{4,}\\b");
    private static OutputStream out;
    private static int seq;
    private static List<String> secrets = new ArrayList<>();
    private static String totpSecret;

    private EventLog() {}

    /** Opens (appends to) the log at path. */
    public static synchronized void open(Path path, List<String> knownSecrets, String secret) throws IOException {
        if (path.getParent() != null) Files.createDirectories(path.getParent());
        out = new FileOutputStream(path.toFile(), true);
        secrets = new ArrayList<>(knownSecrets);
        totpSecret = secret;
    }

    /** Appends one event: kind plus alternating key, value pairs. */
    public static void emit(String kind, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k + 1 < kv.length; k += 2) m.put((String) kv[k], kv[k + 1]);
        emit(kind, m);
    }

    /** Appends one event with the given fields. */
    public static synchronized void emit(String kind, Map<String, Object> fields) {
        Instant now = Instant.now();
        double ts = now.getEpochSecond() * 1000.0 + now.getNano() / 1_000_000.0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ts", Math.round(ts * 1000.0) / 1000.0);
        m.put("seq", seq++);
        m.put("event", kind);
        for (Map.Entry<String, Object> e : fields.entrySet()) m.put(e.getKey(), scrub(e.getValue()));
        String line = Json.write(m) + "\n";
        if (out == null) {
            System.err.print(line);
            return;
        }
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            System.err.println("sim: cannot write event log: " + e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object scrub(Object v) {
        if (v instanceof String) return scrubString((String) v);
        if (v instanceof List) {
            List<Object> l = new ArrayList<>();
            for (Object o : (List<Object>) v) l.add(scrub(o));
            return l;
        }
        if (v instanceof Map) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) v).entrySet()) m.put(e.getKey(), scrub(e.getValue()));
            return m;
        }
        return v;
    }

    /** Masks secrets and account ids in a string that is about to be written anywhere. */
    public static String scrubString(String s) {
        if (s == null) return null;
        for (String secret : secrets) {
            if (!secret.isEmpty() && s.contains(secret)) return "[redacted:secret]";
        }
        if (totpSecret != null && s.matches(".*\\d{6}.*")) {
            // Codes near the sim's clock and the real one (a test may have moved the sim's).
            for (long step : new long[] {Totp.step(SimClock.now()), Totp.step(System.currentTimeMillis())}) {
                for (long d = -3; d <= 3; d++) {
                    String code = Totp.code(totpSecret, step + d);
                    if (code != null && s.contains(code)) return "[redacted:code]";
                }
            }
        }
        return ACCOUNT.matcher(s).replaceAll("[account]");
    }
}
