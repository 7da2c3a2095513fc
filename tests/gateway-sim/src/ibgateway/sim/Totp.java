// Owns: the sim's own RFC 6238 implementation (HMAC-SHA1, 6 digits, base32 secret; 30 s steps,
// or the scenario's "twofa.period" seconds, the period of an otpauth:// URI a test gives the
// controller), written independently of the controller's so a controller bug cannot hide behind a
// shared one.
package ibgateway.sim;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class Totp {
    private static volatile long periodMillis = 30000L;

    private Totp() {}

    /** Reads twofa.period (seconds, default 30) from the scenario. */
    public static void configure(Scenario sc) {
        periodMillis = sc.num("twofa.period", 30) * 1000L;
    }

    /** Decodes RFC 4648 base32 (case-insensitive, spaces and padding ignored); null if invalid. */
    public static byte[] base32(String text) {
        String s = text.replace(" ", "").replace("=", "").toUpperCase();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        byte[] out = new byte[s.length() * 5 / 8];
        int buffer = 0, bits = 0, n = 0;
        for (char c : s.toCharArray()) {
            int v = alphabet.indexOf(c);
            if (v < 0) return null;
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }

    /** The code for a time step with the given number of digits; null for a bad secret. */
    public static String code(String secret, long step, int digits) {
        byte[] key = base32(secret);
        if (key == null || key.length == 0) return null;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] msg = new byte[8];
            for (int k = 7; k >= 0; k--) {
                msg[k] = (byte) step;
                step >>>= 8;
            }
            byte[] h = mac.doFinal(msg);
            int off = h[h.length - 1] & 0xf;
            int bin = ((h[off] & 0x7f) << 24) | ((h[off + 1] & 0xff) << 16) | ((h[off + 2] & 0xff) << 8) | (h[off + 3] & 0xff);
            int mod = 1;
            for (int k = 0; k < digits; k++) mod *= 10;
            return String.format("%0" + digits + "d", bin % mod);
        } catch (Exception e) {
            return null;
        }
    }

    /** The 6-digit code for a time step. */
    public static String code(String secret, long step) {
        return code(secret, step, 6);
    }

    /** The time step that contains the given epoch milliseconds. */
    public static long step(long epochMillis) {
        return Math.floorDiv(epochMillis, periodMillis);
    }

    /** For tests: `java -cp gateway-sim.jar ibgateway.sim.Totp <base32> <epochSeconds> [digits]`. */
    public static void main(String[] args) {
        int digits = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        System.out.println(code(args[0], Math.floorDiv(Long.parseLong(args[1]), 30L), digits));
    }
}
