package dev.infer.batching.scheduler;

import dev.infer.batching.kv.KvCacheManager;
import dev.infer.engines.StepBatch;

import java.util.List;

/** Flattens a {@link ScheduledStep} into the engine's ragged {@link StepBatch}: tokens, positions, slots, tables. */
public final class StepBatchBuilder {
    private StepBatchBuilder() {
    }

    public static StepBatch build(ScheduledStep step, KvCacheManager kv) {
        List<ScheduledStep.Entry> entries = step.entries();
        int seqs = entries.size();
        int[] tokens = new int[step.numTokens()];
        int[] positions = new int[tokens.length];
        int[] slots = new int[tokens.length];
        int[] queryStart = new int[seqs + 1];
        int[] contextLens = new int[seqs];
        int[][] tables = new int[seqs][];
        int samples = 0;
        for (ScheduledStep.Entry e : entries) {
            samples += e.samples() ? 1 : 0;
        }
        int[] logitRows = new int[samples];
        int t = 0;
        int row = 0;
        for (int s = 0; s < seqs; s++) {
            ScheduledStep.Entry e = entries.get(s);
            Sequence seq = e.sequence();
            for (int j = 0; j < e.numNewTokens(); j++) {
                int pos = e.start() + j;
                tokens[t] = seq.token(pos);
                positions[t] = pos;
                slots[t] = kv.slot(seq.id(), pos);
                t++;
            }
            queryStart[s + 1] = t;
            contextLens[s] = e.start() + e.numNewTokens();
            tables[s] = kv.blockTable(seq.id());
            if (e.samples()) {
                logitRows[row++] = t - 1;
            }
        }
        return new StepBatch(tokens, positions, queryStart, contextLens, tables, slots, logitRows);
    }
}
