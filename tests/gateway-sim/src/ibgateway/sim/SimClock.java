// Owns: the simulated Gateway's wall clock, for the two things in it that follow the time of day:
// which TOTP codes count as current, and when Lock and Exit fires. Both read this clock, so a test
// moves them instead of waiting for a real 30 s window or the next whole minute. The scenario's
// "clock.offsetMs" shifts it from the start; "clock.file" names a file holding an offset in ms
// that a test may write at any time (read on each use; missing or empty = offsetMs). Event log
// timestamps stay on the real clock, so they compare with the controller's.
package ibgateway.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

public final class SimClock {
    private static volatile long offsetMs;
    private static volatile Path file;

    private SimClock() {}

    /** Reads clock.offsetMs and clock.file from the scenario. */
    public static void configure(Scenario sc) {
        offsetMs = sc.num("clock.offsetMs", 0);
        String f = sc.str("clock.file", null);
        file = f == null || f.isEmpty() ? null : Path.of(f);
    }

    /** The offset from the real clock now, in ms. */
    public static long offsetMs() {
        Path f = file;
        if (f == null) return offsetMs;
        try {
            String text = Files.readString(f).trim();
            return text.isEmpty() ? offsetMs : Long.parseLong(text);
        } catch (java.nio.file.NoSuchFileException e) {
            return offsetMs;
        } catch (Exception e) {
            EventLog.emit("sim-error", "where", "clock", "error", "bad clock file " + f + ": " + e);
            return offsetMs;
        }
    }

    /** Epoch milliseconds on the sim's clock. */
    public static long now() {
        return System.currentTimeMillis() + offsetMs();
    }

    /** The sim's local time of day (Gateway reads Lock and Exit in local time). */
    public static LocalTime localTime() {
        return LocalTime.ofInstant(Instant.ofEpochMilli(now()), ZoneId.systemDefault());
    }
}
