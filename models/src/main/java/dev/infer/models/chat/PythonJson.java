package dev.infer.models.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Python's {@code json.dumps}, byte for byte, because chat templates serialize tool schemas into the prompt
 * with it and the model was trained on exactly that text: separators {@code ", "} and {@code ": "} (or
 * {@code ","} and {@code ": "} with an indent), keys in insertion order, floats as Python's {@code repr},
 * and with {@code ensure_ascii=False} (what transformers passes) non-ASCII text left as it is.
 */
final class PythonJson {
    /**
     * @param ensureAscii escape everything outside printable ASCII as {@code \\uXXXX}
     * @param indent      null for one line; otherwise the indent string per level ("" still breaks lines)
     * @param itemSep     between items; null for Python's default
     * @param keySep      between a key and its value; null for Python's default
     * @param sortKeys    sort object keys
     */
    record Options(boolean ensureAscii, String indent, String itemSep, String keySep, boolean sortKeys) {
        static final Options HF_DEFAULT = new Options(false, null, null, null, false);
    }

    private static final Object NULL = new Object(); // stands for null values: Map.entry rejects null

    private final Options options;
    private final String itemSep;
    private final String keySep;
    private final StringBuilder out = new StringBuilder();

    private PythonJson(Options options) {
        this.options = options;
        this.itemSep = options.itemSep() != null ? options.itemSep() : options.indent() != null ? "," : ", ";
        this.keySep = options.keySep() != null ? options.keySep() : ": ";
    }

    static String dumps(Object value, Options options) {
        PythonJson json = new PythonJson(options);
        json.write(value, 0);
        return json.out.toString();
    }

    private void write(Object value, int level) {
        switch (value) {
            case null -> out.append("null");
            case Optional<?> o -> write(o.orElse(null), level);
            case String s -> string(s);
            case Character c -> string(c.toString());
            case Boolean b -> out.append(b ? "true" : "false");
            case Integer i -> out.append(i);
            case Long l -> out.append(l);
            case Short s -> out.append(s);
            case Byte b -> out.append(b);
            case BigInteger b -> out.append(b);
            case BigDecimal d -> out.append(pythonFloat(d.doubleValue()));
            case Number n -> out.append(pythonFloat(n.doubleValue()));
            case Map<?, ?> map -> object(map, level);
            case Collection<?> c -> array(c, level);
            case Object[] a -> array(List.of(a), level);
            default -> throw new IllegalArgumentException(
                    "Object of type " + value.getClass().getSimpleName() + " is not JSON serializable");
        }
    }

    private void object(Map<?, ?> map, int level) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            entries.add(Map.entry(key(e.getKey()), e.getValue() == null ? NULL : e.getValue()));
        }
        if (options.sortKeys()) {
            entries.sort(Map.Entry.comparingByKey());
        }
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
            separator(i, level + 1);
            string(entries.get(i).getKey());
            out.append(keySep);
            Object v = entries.get(i).getValue();
            write(v == NULL ? null : v, level + 1);
        }
        close(level, '}');
    }

    private void array(Collection<?> items, int level) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        int i = 0;
        for (Object item : items) {
            separator(i++, level + 1);
            write(item, level + 1);
        }
        close(level, ']');
    }

    private void separator(int index, int level) {
        if (index > 0) {
            out.append(itemSep);
        }
        newline(level);
    }

    private void close(int level, char bracket) {
        newline(level);
        out.append(bracket);
    }

    private void newline(int level) {
        if (options.indent() != null) {
            out.append('\n').append(options.indent().repeat(level));
        }
    }

    // Python converts str, int, float, bool and None keys; anything else is a TypeError.
    private static String key(Object k) {
        return switch (k) {
            case null -> "null";
            case String s -> s;
            case Boolean b -> b ? "true" : "false";
            case Integer i -> i.toString();
            case Long l -> l.toString();
            case BigInteger b -> b.toString();
            case Number n -> pythonFloat(n.doubleValue());
            default -> throw new IllegalArgumentException(
                    "keys must be str, int, float, bool or None, not " + k.getClass().getSimpleName());
        };
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || options.ensureAscii() && c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c)); // UTF-16 units: surrogate pairs as Python
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        // Double.toString gives the shortest digits that round-trip (JDK 19+), as Python's repr does.
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale(); // position of the first digit
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (exponent < -4 || exponent >= 16) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            sb.append(abs < 10 ? "0" : "").append(abs);
        } else if (exponent < 0) {
            sb.append("0.").append("0".repeat(-exponent - 1)).append(digits);
        } else if (digits.length() <= exponent + 1) {
            sb.append(digits).append("0".repeat(exponent + 1 - digits.length())).append(".0");
        } else {
            sb.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
        }
        return sb.toString();
    }
}
