package dev.infer.kernels;

import java.util.Arrays;

/**
 * The ragged layout of one step as attention sees it. Sequence {@code s} owns query rows
 * {@code [queryStart[s], queryStart[s+1])}; those rows are the last {@code queryLen} tokens of a context of
 * {@code contextLens[s]} tokens (already written to the cache), so row {@code j} sits at position
 * {@code contextLens[s] - queryLen + j} and attends causally to positions {@code 0..that}.
 * Position {@code p} lives in block {@code blockTables[s][p / blockSize]} at offset {@code p % blockSize}.
 */
public record AttentionBatch(int[] queryStart, int[] contextLens, int[][] blockTables) {
    public int numSeqs() {
        return contextLens.length;
    }

    public int numTokens() {
        return queryStart[queryStart.length - 1];
    }

    public int queryLen(int seq) {
        return queryStart[seq + 1] - queryStart[seq];
    }

    /**
     * Checks every index a kernel will follow, so a bad value is an exception here and never a stray
     * memory access in native code.
     */
    public void validate(int numBlocks, int blockSize) {
        int seqs = contextLens.length;
        if (queryStart.length != seqs + 1 || blockTables.length != seqs) {
            throw new IllegalArgumentException("queryStart needs " + (seqs + 1) + " entries and blockTables " + seqs
                    + "; got " + queryStart.length + " and " + blockTables.length);
        }
        if (queryStart[0] != 0) {
            throw new IllegalArgumentException("queryStart[0] must be 0, got " + queryStart[0]);
        }
        for (int s = 0; s < seqs; s++) {
            int qLen = queryLen(s);
            int ctx = contextLens[s];
            if (qLen < 0 || ctx < qLen) {
                throw new IllegalArgumentException("sequence " + s + ": " + qLen + " query tokens but context "
                        + ctx + " (queryStart " + Arrays.toString(queryStart) + ")");
            }
            int blocksNeeded = (ctx + blockSize - 1) / blockSize;
            int[] table = blockTables[s];
            if (table == null || table.length < blocksNeeded) {
                throw new IllegalArgumentException("sequence " + s + ": context " + ctx + " needs " + blocksNeeded
                        + " blocks, block table has " + (table == null ? 0 : table.length));
            }
            for (int b = 0; b < blocksNeeded; b++) {
                if (table[b] < 0 || table[b] >= numBlocks) {
                    throw new IllegalArgumentException("sequence " + s + ": block id " + table[b] + " at index " + b
                            + " outside the cache's " + numBlocks + " blocks");
                }
            }
        }
    }
}
