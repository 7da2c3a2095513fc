// Owns: the scenario (which path the simulated Gateway takes and which faults it injects).
// A scenario file is deep-merged over DEFAULT below, so a test names only what it changes and the
// defaults are one readable document (README "Scenario format" mirrors it).
package ibgateway.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

public final class Scenario {
    /** The default scenario: a typical paper login with TOTP and the paper-account warning. */
    public static final String DEFAULT = String.join("\n",
        "{",
        "  \"seed\": null, \"jitterMs\": 0,",
        "  \"build\": \"standard\", \"renames\": {},",
        "  \"initialTradingMode\": \"live\",",
        "  \"credentials\": {\"username\": null, \"password\": null},",
        "  \"accounts\": {\"live\": \"U1234567\", \"paper\": \"DU1234567\"},",
        "  \"twofa\": {\"kind\": \"totp\", \"secret\": \"JBSWY3DPEHPK3PXP\", \"paper\": true,",
        "            \"devices\": [\" IB Key\", \" Mobile Authenticator app\"],",
        "            \"approveAfterMs\": 3000, \"acceptPreviousStep\": false, \"maxCodeAttempts\": 3},",
        "  \"delays\": {\"startMs\": 800, \"connectMs\": 300, \"authMs\": 300, \"postAuthMs\": 200,",
        "             \"splashMs\": 800, \"apiPortMs\": 200},",
        "  \"faults\": {\"existingSession\": false, \"silentCcpTimeouts\": 0, \"ccpTimeoutMs\": 20000,",
        "             \"ccpRetryWindowSec\": 120, \"badCredentials\": 0, \"tooManyAttempts\": null,",
        "             \"passwordExpiry\": null, \"disclaimers\": [\"paper-warning\"], \"edtFreeze\": null,",
        "             \"crash\": null, \"laterDialogs\": [], \"slowApiPortMs\": 0,",
        "             \"restartTokenRejected\": false, \"autoRestartAfterMs\": null},",
        "  \"lockAndExit\": {\"mode\": \"logoff\", \"time\": \"11:45\", \"ampm\": \"PM\", \"checkMs\": 15000},",
        "  \"clock\": {\"offsetMs\": 0, \"file\": null},",
        "  \"api\": {\"maxServerVersion\": 178, \"nextValidId\": 1, \"maxClients\": 32},",
        "  \"drive\": null",
        "}");

    private final Map<String, Object> root;
    private final Random random;
    /** Where the scenario came from, for the event log ("default" or a path). */
    public final String source;

    private Scenario(Map<String, Object> root, String source) {
        this.root = root;
        this.source = source;
        Object seed = get("seed");
        this.random = seed instanceof Double ? new Random(((Double) seed).longValue()) : null;
    }

    /** Loads the scenario at path (null = the default scenario). */
    @SuppressWarnings("unchecked")
    public static Scenario load(String path) throws Exception {
        Map<String, Object> base = (Map<String, Object>) Json.parse(DEFAULT);
        if (path == null || path.isEmpty()) return new Scenario(base, "default");
        Object over = Json.parse(Files.readString(Path.of(path)));
        if (!(over instanceof Map)) throw new IllegalArgumentException("scenario must be a JSON object: " + path);
        merge(base, (Map<String, Object>) over);
        return new Scenario(base, path);
    }

    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> base, Map<String, Object> over) {
        for (Map.Entry<String, Object> e : over.entrySet()) {
            Object b = base.get(e.getKey());
            if (b instanceof Map && e.getValue() instanceof Map) {
                merge((Map<String, Object>) b, (Map<String, Object>) e.getValue());
            } else {
                base.put(e.getKey(), e.getValue());
            }
        }
    }

    /** The value at a dotted path ("twofa.kind"), or null. */
    @SuppressWarnings("unchecked")
    public Object get(String path) {
        Object cur = root;
        for (String part : path.split("\\.")) {
            if (!(cur instanceof Map)) return null;
            cur = ((Map<String, Object>) cur).get(part);
        }
        return cur;
    }

    public String str(String path, String dflt) {
        Object v = get(path);
        return v == null ? dflt : v.toString();
    }

    public long num(String path, long dflt) {
        Object v = get(path);
        return v instanceof Double ? ((Double) v).longValue() : dflt;
    }

    public boolean bool(String path) {
        return Boolean.TRUE.equals(get(path));
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String path) {
        Object v = get(path);
        return v instanceof Map ? (Map<String, Object>) v : null;
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String path) {
        Object v = get(path);
        return v instanceof List ? (List<Object>) v : new ArrayList<>();
    }

    /** A delay from "delays.<name>", plus seeded jitter when a seed is given (never otherwise). */
    public long delay(String name) {
        long base = num("delays." + name, 0);
        long jitter = num("jitterMs", 0);
        if (random != null && jitter > 0) base += random.nextInt((int) jitter + 1);
        return base;
    }

    /** True when the hyphenated build variant is requested (IBC PR #366 strings). */
    public boolean hyphenated() {
        return "hyphenated".equals(str("build", "standard"));
    }

    /** `renames`: login-frame texts a newer build changed, old text -> new text (selftest). */
    public Map<String, String> renames() {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Object> m = map("renames");
        if (m != null) for (Map.Entry<String, Object> e : m.entrySet()) out.put(e.getKey(), String.valueOf(e.getValue()));
        return out;
    }

    /** The secrets this scenario knows, so the event log can refuse to ever write them. */
    public List<String> secrets() {
        List<String> out = new ArrayList<>();
        String pw = str("credentials.password", null);
        if (pw != null && !pw.isEmpty()) out.add(pw);
        String secret = str("twofa.secret", null);
        if (secret != null && !secret.isEmpty()) out.add(secret);
        String dpw = str("drive.password", null);
        if (dpw != null && !dpw.isEmpty()) out.add(dpw);
        return out;
    }

    /** A small summary for the first event line. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("build", str("build", "standard"));
        m.put("twofa", str("twofa.kind", "totp"));
        m.put("drive", get("drive") != null);
        return m;
    }
}
