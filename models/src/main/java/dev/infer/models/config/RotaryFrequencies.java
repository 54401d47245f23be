package dev.infer.models.config;

/**
 * Rotary embedding frequencies as Hugging Face computes them (in float32), including the {@code linear} and
 * Llama 3.1 {@code llama3} scalings. Engines build their cos/sin tables from these.
 */
public final class RotaryFrequencies {
    private RotaryFrequencies() {
    }

    /** {@code headDim / 2} inverse frequencies. */
    public static float[] inverseFrequencies(ModelConfig config) {
        int dim = config.headDim();
        float[] inv = new float[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / dim;
            inv[i] = (float) (1.0 / Math.pow(config.ropeTheta(), exponent));
        }
        RopeScaling scaling = config.ropeScaling();
        return switch (scaling.type()) {
            case "linear" -> divide(inv, (float) scaling.factor());
            case "llama3" -> llama3(inv, scaling);
            default -> inv;
        };
    }

    /**
     * cos and sin of every position's angles (position * inverse frequency, in float32 as Hugging Face computes
     * them), row-major {@code [maxPositionEmbeddings][headDim/2]}: {@code {cos, sin}}.
     */
    public static float[][] cosSinTables(ModelConfig config) {
        float[] inv = inverseFrequencies(config);
        int half = inv.length;
        int positions = config.maxPositionEmbeddings();
        float[] cos = new float[positions * half];
        float[] sin = new float[positions * half];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * inv[i];
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        return new float[][]{cos, sin};
    }

    private static float[] divide(float[] inv, float factor) {
        for (int i = 0; i < inv.length; i++) {
            inv[i] /= factor;
        }
        return inv;
    }

    /** Long wavelengths are slowed by {@code factor}, short ones kept, the band between blended smoothly. */
    private static float[] llama3(float[] inv, RopeScaling s) {
        double oldContext = s.originalMaxPositionEmbeddings();
        double lowFreqWavelen = oldContext / s.lowFreqFactor();
        double highFreqWavelen = oldContext / s.highFreqFactor();
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowFreqWavelen) {
                inv[i] = (float) (inv[i] / s.factor());
            } else if (wavelen >= highFreqWavelen) {
                double smooth = (oldContext / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                inv[i] = (float) ((1 - smooth) * inv[i] / s.factor() + smooth * inv[i]);
            }
        }
        return inv;
    }
}
