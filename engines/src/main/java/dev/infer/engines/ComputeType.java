package dev.infer.engines;

import java.util.Locale;

/** The precision an engine runs a model in ({@code --dtype}). */
public enum ComputeType {
    FLOAT32("float32"),
    BFLOAT16("bfloat16"),
    FLOAT16("float16");

    private final String label;

    ComputeType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** {@code auto} takes the checkpoint's {@code torch_dtype}. */
    public static ComputeType parse(String text, String checkpointDtype) {
        String s = text.toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            s = checkpointDtype == null ? "float32" : checkpointDtype.toLowerCase(Locale.ROOT);
        }
        return switch (s) {
            case "float32", "fp32", "f32", "float" -> FLOAT32;
            case "bfloat16", "bf16" -> BFLOAT16;
            case "float16", "fp16", "f16", "half" -> FLOAT16;
            default -> throw new IllegalArgumentException("unsupported dtype \"" + text
                    + "\" (expected auto, float32, bfloat16 or float16)");
        };
    }
}
