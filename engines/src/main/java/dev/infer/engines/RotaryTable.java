package dev.infer.engines;

import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.RotaryFrequencies;

/**
 * cos and sin of every position's rotary angles, fp32, row-major {@code [maxPositions][headDim/2]}, computed
 * once per engine the way Hugging Face does (angle = position * inverse frequency, in float32).
 */
public record RotaryTable(float[] cos, float[] sin, int half, int positions) {
    public static RotaryTable of(ModelConfig config) {
        float[][] tables = RotaryFrequencies.cosSinTables(config);
        return new RotaryTable(tables[0], tables[1], config.headDim() / 2, config.maxPositionEmbeddings());
    }
}
