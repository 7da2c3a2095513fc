// Owns: <settingsDir>/launcher.log, written the way Gateway writes it, because controllers read it
// for lockout signatures (sources.md peers A4: Authenticating, NS_AUTH_START, AuthTimeoutMonitor-CCP).
// Nothing secret is ever passed here; every line still goes through EventLog.scrubString.
package ibgateway.sim;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.SimpleDateFormat;
import java.util.Date;

public final class LauncherLog {
    private static OutputStream out;
    private static final SimpleDateFormat FMT = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss.SSS");

    private LauncherLog() {}

    public static synchronized void open(Path settingsDir) throws IOException {
        out = new FileOutputStream(settingsDir.resolve("launcher.log").toFile(), true);
    }

    /** One INFO line from the named thread, e.g. line("JTS-Login-12", "Authenticating"). */
    public static void line(String thread, String message) {
        write("INFO ", thread, message);
    }

    public static void warn(String thread, String message) {
        write("WARN ", thread, message);
    }

    private static synchronized void write(String level, String thread, String message) {
        String text = FMT.format(new Date()) + " [" + tag(thread) + "] " + level + " [" + thread + "] - "
            + EventLog.scrubString(message) + "\n";
        if (out == null) return;
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            System.err.println("sim: cannot write launcher.log: " + e);
        }
    }

    // Gateway prefixes each line with a two-letter context tag; derive a stable one per thread.
    private static String tag(String thread) {
        int h = Math.abs(thread.hashCode());
        return "" + (char) ('A' + h % 26) + (char) ('A' + (h / 26) % 26);
    }
}
