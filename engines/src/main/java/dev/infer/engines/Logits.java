package dev.infer.engines;

/** Row-major {@code [rows][vocabSize]} fp32 logits, one row per {@link StepBatch#logitRows()} entry. */
public record Logits(int rows, int vocabSize, float[] data) {
    public Logits {
        if (data.length != (long) rows * vocabSize) {
            throw new IllegalArgumentException(data.length + " logits for " + rows + " x " + vocabSize);
        }
    }

    public float get(int row, int token) {
        return data[row * vocabSize + token];
    }

    public float[] row(int row) {
        float[] out = new float[vocabSize];
        System.arraycopy(data, row * vocabSize, out, 0, vocabSize);
        return out;
    }

    /** Index of the largest logit of a row; ties go to the lowest id (as torch.argmax does). */
    public int argmax(int row) {
        int base = row * vocabSize;
        int best = 0;
        for (int i = 1; i < vocabSize; i++) {
            if (data[base + i] > data[base + best]) {
                best = i;
            }
        }
        return best;
    }
}
