package ibgpilot.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer (RFC 8259), enough for the agent protocol and nothing more.
 * Objects become {@link LinkedHashMap}, arrays {@link ArrayList}, numbers {@link Long} when they
 * are integers that fit, else {@link Double}; {@code null} is Java null.
 */
final class Json {
    private Json() {}

    /** Thrown for malformed input; the message names the offset. */
    static final class ParseException extends Exception {
        ParseException(String message, int offset) {
            super(message + " at offset " + offset);
        }
    }

    /** Parses one complete JSON text. Trailing non-space characters are an error. */
    static Object parse(String text) throws ParseException {
        Reader r = new Reader(text);
        r.skipSpace();
        Object value = r.value(0);
        r.skipSpace();
        if (r.pos != text.length()) throw new ParseException("unexpected trailing characters", r.pos);
        return value;
    }

    private static final class Reader {
        private static final int MAX_DEPTH = 64;
        final String s;
        int pos;

        Reader(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
                else break;
            }
        }

        Object value(int depth) throws ParseException {
            if (depth > MAX_DEPTH) throw new ParseException("nesting too deep", pos);
            if (pos >= s.length()) throw new ParseException("unexpected end of input", pos);
            char c = s.charAt(pos);
            switch (c) {
                case '{': return object(depth);
                case '[': return array(depth);
                case '"': return string();
                case 't': literal("true"); return Boolean.TRUE;
                case 'f': literal("false"); return Boolean.FALSE;
                case 'n': literal("null"); return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return number();
                    throw new ParseException("unexpected character '" + c + "'", pos);
            }
        }

        void literal(String word) throws ParseException {
            if (!s.startsWith(word, pos)) throw new ParseException("expected " + word, pos);
            pos += word.length();
        }

        Map<String, Object> object(int depth) throws ParseException {
            Map<String, Object> map = new NullKeeping();
            pos++; // {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != '"') throw new ParseException("expected a string key", pos);
                String key = string();
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != ':') throw new ParseException("expected ':'", pos);
                pos++;
                skipSpace();
                map.put(key, value(depth + 1));
                skipSpace();
                if (pos >= s.length()) throw new ParseException("unterminated object", pos);
                char c = s.charAt(pos++);
                if (c == '}') return map;
                if (c != ',') throw new ParseException("expected ',' or '}'", pos - 1);
            }
        }

        List<Object> array(int depth) throws ParseException {
            List<Object> list = new ArrayList<>();
            pos++; // [
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value(depth + 1));
                skipSpace();
                if (pos >= s.length()) throw new ParseException("unterminated array", pos);
                char c = s.charAt(pos++);
                if (c == ']') return list;
                if (c != ',') throw new ParseException("expected ',' or ']'", pos - 1);
            }
        }

        String string() throws ParseException {
            int start = ++pos; // opening quote
            StringBuilder sb = null;
            while (true) {
                if (pos >= s.length()) throw new ParseException("unterminated string", start - 1);
                char c = s.charAt(pos);
                if (c == '"') {
                    String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
                    pos++;
                    return out;
                }
                if (c < 0x20) throw new ParseException("control character in string", pos);
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (sb == null) sb = new StringBuilder();
                sb.append(s, start, pos);
                pos++;
                if (pos >= s.length()) throw new ParseException("unterminated escape", pos);
                char e = s.charAt(pos++);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        if (pos + 4 > s.length()) throw new ParseException("short \\u escape", pos);
                        int cp = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(s.charAt(pos + i), 16);
                            if (d < 0) throw new ParseException("bad \\u escape", pos);
                            cp = cp * 16 + d;
                        }
                        pos += 4;
                        sb.append((char) cp);
                        break;
                    default:
                        throw new ParseException("bad escape '\\" + e + "'", pos - 1);
                }
                start = pos;
            }
        }

        Object number() throws ParseException {
            int start = pos;
            if (s.charAt(pos) == '-') pos++;
            if (pos >= s.length()) throw new ParseException("bad number", start);
            if (s.charAt(pos) == '0') pos++;
            else if (!digits()) throw new ParseException("bad number", start);
            boolean integer = true;
            if (pos < s.length() && s.charAt(pos) == '.') {
                integer = false;
                pos++;
                if (!digits()) throw new ParseException("bad fraction", start);
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                integer = false;
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
                if (!digits()) throw new ParseException("bad exponent", start);
            }
            String text = s.substring(start, pos);
            if (integer && text.length() < 19) return Long.parseLong(text);
            return Double.parseDouble(text);
        }

        boolean digits() {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
            return pos > start;
        }
    }

    /** Serialises maps, lists, strings, numbers, booleans and null on one line. */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder(128);
        write(sb, value);
        return sb.toString();
    }

    static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String) {
            quote(sb, (String) v);
        } else if (v instanceof Boolean) {
            sb.append(((Boolean) v).booleanValue() ? "true" : "false");
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) sb.append("null");
            else if (d == Math.rint(d) && Math.abs(d) < 1e15) sb.append((long) d);
            else sb.append(d);
        } else if (v instanceof Number) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (e.getValue() == null && !(v instanceof NullKeeping)) continue;
                if (!first) sb.append(',');
                first = false;
                quote(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof Iterable) {
            sb.append('[');
            boolean first = true;
            for (Object o : (Iterable<?>) v) {
                if (!first) sb.append(',');
                first = false;
                write(sb, o);
            }
            sb.append(']');
        } else if (v instanceof Object[]) {
            write(sb, java.util.Arrays.asList((Object[]) v));
        } else {
            quote(sb, v.toString());
        }
    }

    /** A map whose null values are written as JSON null instead of being omitted. */
    static final class NullKeeping extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
