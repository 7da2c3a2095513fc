// Owns: what the simulated Gateway keeps on disk in the settings directory: jts.ini (read at start,
// tradingMode written after login), the per-user 40-letter folder, the persisted configuration
// (ibg.xml in that folder) and the autorestart token.
package ibgateway.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

public final class Settings {
    public final Path dir;

    public Settings(Path dir) {
        this.dir = dir;
    }

    // ---- jts.ini -------------------------------------------------------------------------------

    private Path ini() {
        return dir.resolve("jts.ini");
    }

    /** Creates jts.ini with Gateway's defaults when missing (sources.md IBC 4.4). */
    public void ensureIni() throws IOException {
        Files.createDirectories(dir);
        if (Files.exists(ini())) return;
        Files.writeString(ini(), String.join("\n",
            "[IBGateway]",
            "WriteDebug=false",
            "TrustedIPs=127.0.0.1",
            "ApiOnly=true",
            "",
            "[Logon]",
            "Locale=en",
            "displayedproxymsg=1",
            "UseSSL=true",
            "s3store=true",
            "") , StandardCharsets.UTF_8);
    }

    /** A value from jts.ini, or null. */
    public synchronized String iniGet(String section, String key) {
        try {
            String cur = "";
            for (String raw : Files.readAllLines(ini(), StandardCharsets.UTF_8)) {
                String line = raw.trim();
                if (line.startsWith("[") && line.endsWith("]")) {
                    cur = line.substring(1, line.length() - 1);
                } else if (cur.equalsIgnoreCase(section) && line.contains("=")) {
                    int eq = line.indexOf('=');
                    if (line.substring(0, eq).trim().equalsIgnoreCase(key)) return line.substring(eq + 1).trim();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** Sets a key in a section, keeping every other line as it was. */
    public synchronized void iniSet(String section, String key, String value) {
        try {
            List<String> lines = Files.exists(ini()) ? new ArrayList<>(Files.readAllLines(ini(), StandardCharsets.UTF_8)) : new ArrayList<>();
            String cur = "";
            int sectionEnd = -1;
            boolean found = false;
            for (int k = 0; k < lines.size(); k++) {
                String line = lines.get(k).trim();
                if (line.startsWith("[") && line.endsWith("]")) {
                    cur = line.substring(1, line.length() - 1);
                    continue;
                }
                if (cur.equalsIgnoreCase(section)) {
                    if (!line.isEmpty()) sectionEnd = k;
                    int eq = line.indexOf('=');
                    if (eq > 0 && line.substring(0, eq).trim().equalsIgnoreCase(key)) {
                        lines.set(k, key + "=" + value);
                        found = true;
                    }
                }
            }
            if (!found) {
                if (sectionEnd < 0) {
                    int header = -1;
                    for (int k = 0; k < lines.size(); k++) if (lines.get(k).trim().equalsIgnoreCase("[" + section + "]")) header = k;
                    if (header < 0) {
                        if (!lines.isEmpty() && !lines.get(lines.size() - 1).isEmpty()) lines.add("");
                        lines.add("[" + section + "]");
                        header = lines.size() - 1;
                    }
                    sectionEnd = header;
                }
                lines.add(sectionEnd + 1, key + "=" + value);
            }
            Files.writeString(ini(), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("sim: cannot write jts.ini: " + e);
        }
    }

    // ---- the per-user folder -------------------------------------------------------------------

    /** Gateway's 40-lower-case-letter folder for a user: here, the SHA-1 of the name as letters a-p. */
    public static String userDirName(String user) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-1").digest(user.toLowerCase().getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder();
            for (byte x : h) {
                b.append((char) ('a' + ((x >> 4) & 0xf)));
                b.append((char) ('a' + (x & 0xf)));
            }
            return b.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Path userDir(String user) throws IOException {
        Path p = dir.resolve(userDirName(user));
        Files.createDirectories(p);
        return p;
    }

    // ---- persisted configuration (Configure > Settings) ----------------------------------------

    public Properties loadConfig(String user) {
        Properties p = new Properties();
        try {
            Path f = userDir(user).resolve("ibg.xml");
            if (Files.exists(f)) {
                try (InputStream in = Files.newInputStream(f)) {
                    p.loadFromXML(in);
                }
            }
        } catch (IOException e) {
            System.err.println("sim: cannot read ibg.xml: " + e);
        }
        return p;
    }

    public void saveConfig(String user, Properties p) {
        try {
            Path f = userDir(user).resolve("ibg.xml");
            try (OutputStream out = Files.newOutputStream(f)) {
                p.storeToXML(out, "IB Gateway settings");
            }
        } catch (IOException e) {
            System.err.println("sim: cannot write ibg.xml: " + e);
        }
    }

    // ---- autorestart token ---------------------------------------------------------------------

    /** Writes <settings>/<userdir>/autorestart; the content stands in for encrypted credentials. */
    public Path writeAutorestart(String user, String mode) throws IOException {
        Path f = userDir(user).resolve("autorestart");
        String token = java.util.Base64.getEncoder().encodeToString(
            ("v1|" + mode + "|" + user + "|" + System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        Files.writeString(f, token + "\n", StandardCharsets.UTF_8);
        return f;
    }

    /** Reads and consumes the token in dir (absolute, or a folder name in the settings dir). */
    public String[] consumeAutorestart(String restartDir) {
        Path d = Path.of(restartDir);
        if (!d.isAbsolute()) d = dir.resolve(restartDir);
        Path f = d.resolve("autorestart");
        try {
            if (!Files.exists(f)) return null;
            String text = new String(java.util.Base64.getDecoder().decode(Files.readString(f).trim()), StandardCharsets.UTF_8);
            Files.delete(f);
            String[] parts = text.split("\\|");
            return parts.length >= 3 ? new String[] {parts[1], parts[2]} : null;
        } catch (Exception e) {
            return null;
        }
    }
}
