package dev.infer.models.weights;

import java.util.Locale;

/** Element types of stored weights. */
public enum DType {
    F32(4, "F32"),
    F16(2, "F16"),
    BF16(2, "BF16");

    private final int bytes;
    private final String safetensorsName;

    DType(int bytes, String safetensorsName) {
        this.bytes = bytes;
        this.safetensorsName = safetensorsName;
    }

    public int bytes() {
        return bytes;
    }

    public String safetensorsName() {
        return safetensorsName;
    }

    public static DType fromSafetensors(String name) {
        for (DType t : values()) {
            if (t.safetensorsName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported dtype \"" + name + "\" (supported: F32, F16, BF16)");
    }

    /** Accepts config/CLI spellings: float32/fp32/f32, float16/fp16/half, bfloat16/bf16. */
    public static DType parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "float32", "fp32", "f32", "float" -> F32;
            case "float16", "fp16", "f16", "half" -> F16;
            case "bfloat16", "bf16" -> BF16;
            default -> throw new IllegalArgumentException(
                    "unsupported dtype \"" + name + "\" (supported: float32, float16, bfloat16)");
        };
    }
}
