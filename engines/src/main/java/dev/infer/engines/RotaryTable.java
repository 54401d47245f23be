package dev.infer.engines;

import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.RotaryFrequencies;

/**
 * cos and sin of every position's rotary angles, fp32, row-major {@code [maxPositions][headDim/2]}, computed
 * once per engine the way Hugging Face does (angle = position * inverse frequency, in float32).
 */
public record RotaryTable(float[] cos, float[] sin, int half, int positions) {
    public static RotaryTable of(ModelConfig config) {
        float[] inv = RotaryFrequencies.inverseFrequencies(config);
        int half = inv.length;
        int positions = config.maxPositionEmbeddings();
        float[] c = new float[positions * half];
        float[] s = new float[positions * half];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * inv[i];
                c[p * half + i] = (float) Math.cos(angle);
                s[p * half + i] = (float) Math.sin(angle);
            }
        }
        return new RotaryTable(c, s, half, positions);
    }
}
