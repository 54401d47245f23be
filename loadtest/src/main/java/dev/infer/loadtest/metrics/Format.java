package dev.infer.loadtest.metrics;

import java.util.Locale;

/** Numbers as people read them in tables: NaN as "-", up to two decimals, no trailing zeros. */
public final class Format {
    private Format() {
    }

    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
