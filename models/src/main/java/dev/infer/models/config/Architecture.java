package dev.infer.models.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The decoder families we run. They share the Llama block (RMSNorm, rotary attention with GQA, SwiGLU MLP)
 * and differ in a few switches, which live here so engines branch on capabilities, not on names.
 */
public enum Architecture {
    LLAMA("llama", false, false),
    MISTRAL("mistral", false, false),
    /** Qwen2 / Qwen2.5: biases on the q, k and v projections. */
    QWEN2("qwen2", true, false),
    /** Qwen3: RMSNorm over each head of q and k before rotary, explicit head_dim. */
    QWEN3("qwen3", false, true);

    private final String modelType;
    private final boolean qkvBiasByDefault;
    private final boolean qkNorm;

    Architecture(String modelType, boolean qkvBiasByDefault, boolean qkNorm) {
        this.modelType = modelType;
        this.qkvBiasByDefault = qkvBiasByDefault;
        this.qkNorm = qkNorm;
    }

    public String modelType() {
        return modelType;
    }

    boolean qkvBiasByDefault() {
        return qkvBiasByDefault;
    }

    public boolean qkNorm() {
        return qkNorm;
    }

    /** Maps config.json's {@code model_type}; unknown values are rejected with the list of supported ones. */
    public static Architecture fromModelType(String modelType) {
        String wanted = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
        for (Architecture a : values()) {
            if (a.modelType.equals(wanted)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unsupported model_type \"" + modelType + "\"; supported: "
                + Arrays.stream(values()).map(Architecture::modelType).collect(Collectors.joining(", ")));
    }
}
