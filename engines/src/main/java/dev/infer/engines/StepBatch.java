package dev.infer.engines;

import dev.infer.kernels.AttentionBatch;

import java.util.Arrays;

/**
 * One ragged step: the flattened new tokens of several sequences (no padding), where their K/V go, what each
 * sequence attends over, and which rows need logits. A decode token and a long prefill chunk share one step.
 *
 * @param tokenIds     {@code [T]} new tokens of all sequences, sequence after sequence
 * @param positions    {@code [T]} position of each token in its sequence
 * @param queryStart   {@code [S+1]} sequence {@code s} owns tokens {@code [queryStart[s], queryStart[s+1])}
 * @param contextLens  {@code [S]} tokens in each sequence's context after this step (cached + new)
 * @param blockTables  {@code [S][*]} KV block ids holding each sequence's positions, in order
 * @param slotMapping  {@code [T]} cache slot (block * blockSize + offset) for each new token's K/V
 * @param logitRows    indices into the T tokens whose logits are returned, in this order
 */
public record StepBatch(int[] tokenIds, int[] positions, int[] queryStart, int[] contextLens, int[][] blockTables,
                        int[] slotMapping, int[] logitRows) {

    public int numTokens() {
        return tokenIds.length;
    }

    public int numSeqs() {
        return contextLens.length;
    }

    public AttentionBatch attention() {
        return new AttentionBatch(queryStart, contextLens, blockTables);
    }

    /** Checks the parts the kernels do not (token ids, positions, shapes); kernels check block and slot ids. */
    public void validate(int vocabSize, int maxPositions, int numBlocks, int blockSize) {
        int t = tokenIds.length;
        if (positions.length != t || slotMapping.length != t) {
            throw new IllegalArgumentException("step: " + t + " tokens but " + positions.length + " positions and "
                    + slotMapping.length + " slots");
        }
        if (t == 0 || queryStart.length == 0 || queryStart[queryStart.length - 1] != t) {
            throw new IllegalArgumentException("step: queryStart " + Arrays.toString(queryStart) + " must end at " + t);
        }
        for (int i = 0; i < t; i++) {
            if (tokenIds[i] < 0 || tokenIds[i] >= vocabSize) {
                throw new IllegalArgumentException("step: token id " + tokenIds[i] + " outside the vocabulary of "
                        + vocabSize);
            }
            if (positions[i] < 0 || positions[i] >= maxPositions) {
                throw new IllegalArgumentException("step: position " + positions[i] + " outside the model's "
                        + maxPositions + " positions");
            }
        }
        for (int row : logitRows) {
            if (row < 0 || row >= t) {
                throw new IllegalArgumentException("step: logit row " + row + " outside the " + t + " tokens");
            }
        }
        attention().validate(numBlocks, blockSize);
        for (int s = 0; s < numSeqs(); s++) {
            int qLen = queryStart[s + 1] - queryStart[s];
            for (int j = 0; j < qLen; j++) {
                int expected = contextLens[s] - qLen + j;
                if (positions[queryStart[s] + j] != expected) {
                    throw new IllegalArgumentException("step: sequence " + s + " token " + j + " has position "
                            + positions[queryStart[s] + j] + ", its context length says " + expected);
                }
            }
        }
    }
}
