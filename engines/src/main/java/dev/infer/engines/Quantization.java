package dev.infer.engines;

import java.util.Locale;

/** Weight-only quantization of the linear layers ({@code --quantization}); activations stay in the compute type. */
public enum Quantization {
    NONE("none", 0),
    INT8("int8", 8),
    INT4("int4", 4);

    private final String label;
    private final int bits;

    Quantization(String label, int bits) {
        this.label = label;
        this.bits = bits;
    }

    public String label() {
        return label;
    }

    /** Bits per weight; 0 for none. */
    public int bits() {
        return bits;
    }

    public static Quantization parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "none", "" -> NONE;
            case "int8", "q8" -> INT8;
            case "int4", "q4" -> INT4;
            default -> throw new IllegalArgumentException("unsupported quantization \"" + text
                    + "\" (expected none, int8 or int4)");
        };
    }
}
