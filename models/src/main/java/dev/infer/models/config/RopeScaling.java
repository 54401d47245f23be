package dev.infer.models.config;

/**
 * config.json's {@code rope_scaling}. Supported types: {@code default}, {@code linear} (positions divided by
 * factor) and {@code llama3} (Llama 3.1's frequency-dependent scaling).
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositionEmbeddings) {
    public static final RopeScaling NONE = new RopeScaling("default", 1.0, 1.0, 1.0, 0);
}
