package dev.infer.kernels;

import java.util.List;

/**
 * A batch of {@link SamplingRow}s flattened into the primitive arrays the native sampler reads (layout in
 * {@code jni_bridge.c}), plus the arrays it writes its results into.
 */
final class SamplingPack {
    static final int FLOATS = 6;
    static final int INTS = 3;

    final int rows;
    final int maxTop;
    final float[] floats;
    final int[] ints;
    final double[] uniforms;
    final int[] penaltyStarts;
    final int[] penaltyIds;
    final int[] penaltyCounts;
    final int[] tokens;
    final float[] logprobs;
    final int[] topIds;
    final float[] topLogprobs;

    SamplingPack(List<SamplingRow> batch) {
        rows = batch.size();
        floats = new float[rows * FLOATS];
        ints = new int[rows * INTS];
        uniforms = new double[rows];
        penaltyStarts = new int[2 * rows + 1];
        int top = 0;
        int penaltyLen = 0;
        for (SamplingRow row : batch) {
            top = Math.max(top, row.settings().topLogprobs());
            penaltyLen += row.penalties().repetitionIds().length + row.penalties().outputIds().length;
        }
        maxTop = top;
        penaltyIds = new int[penaltyLen];
        penaltyCounts = new int[penaltyLen];
        for (int r = 0; r < rows; r++) {
            pack(r, batch.get(r));
        }
        tokens = new int[rows];
        logprobs = new float[rows];
        topIds = new int[rows * maxTop];
        topLogprobs = new float[rows * maxTop];
    }

    private void pack(int r, SamplingRow row) {
        SamplingSettings s = row.settings();
        Penalties p = row.penalties();
        System.arraycopy(new float[]{s.temperature(), s.topP(), s.minP(), p.repetition(), p.presence(),
                p.frequency()}, 0, floats, r * FLOATS, FLOATS);
        ints[r * INTS] = s.topK();
        ints[r * INTS + 1] = s.topLogprobs();
        ints[r * INTS + 2] = s.logprob() ? 1 : 0;
        uniforms[r] = row.uniform();
        int start = penaltyStarts[2 * r];
        System.arraycopy(p.repetitionIds(), 0, penaltyIds, start, p.repetitionIds().length);
        penaltyStarts[2 * r + 1] = start + p.repetitionIds().length;
        System.arraycopy(p.outputIds(), 0, penaltyIds, penaltyStarts[2 * r + 1], p.outputIds().length);
        System.arraycopy(p.outputCounts(), 0, penaltyCounts, penaltyStarts[2 * r + 1], p.outputCounts().length);
        penaltyStarts[2 * r + 2] = penaltyStarts[2 * r + 1] + p.outputIds().length;
    }

    /** Row r's result, once the native sampler has filled the output arrays. */
    SampledToken result(int r, SamplingSettings s, int vocab) {
        if (!s.needsLogprobs()) {
            return new SampledToken(tokens[r], Float.NaN, new int[0], new float[0]);
        }
        int n = Math.min(s.topLogprobs(), vocab);
        int[] ids = new int[n];
        float[] lps = new float[n];
        System.arraycopy(topIds, r * maxTop, ids, 0, n);
        System.arraycopy(topLogprobs, r * maxTop, lps, 0, n);
        return new SampledToken(tokens[r], logprobs[r], ids, lps);
    }
}
