package dev.infer.server.model;

/** {@code --load-format}: where the weights come from. */
public enum WeightsFormat {
    /** Safetensors when the directory has them, otherwise random weights (with a warning). */
    AUTO,
    /** The directory's safetensors; an error when there are none. */
    SAFETENSORS,
    /** Deterministic random weights of the right shapes, whatever the directory holds (vLLM's "dummy"). */
    DUMMY
}
