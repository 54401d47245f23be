package dev.infer.engines;


import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Test helper: runs sequences through an engine with hand-made block tables (each sequence gets its own
 * run of blocks), the way the scheduler will, so tests can compare single and mixed steps.
 */
public final class SequenceRunner {
    private final Engine engine;
    private final KvCache cache;
    private final int blockSize;

    public SequenceRunner(Engine engine, KvCache cache) {
        this.engine = engine;
        this.cache = cache;
        this.blockSize = cache.blockSize();
    }

    /** A sequence that owns the given blocks and has {@code cached} tokens already in the cache. */
    public record Seq(int[] blockTable, int cached, int[] newTokens) {
    }

    /** One step over several sequences; returns the logits of each sequence's last new token. */
    public Logits step(List<Seq> seqs) {
        List<Integer> tokens = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        int[] queryStart = new int[seqs.size() + 1];
        int[] contextLens = new int[seqs.size()];
        int[][] tables = new int[seqs.size()][];
        int[] logitRows = new int[seqs.size()];
        for (int s = 0; s < seqs.size(); s++) {
            Seq seq = seqs.get(s);
            for (int j = 0; j < seq.newTokens().length; j++) {
                int pos = seq.cached() + j;
                tokens.add(seq.newTokens()[j]);
                positions.add(pos);
                slots.add(seq.blockTable()[pos / blockSize] * blockSize + pos % blockSize);
            }
            queryStart[s + 1] = tokens.size();
            contextLens[s] = seq.cached() + seq.newTokens().length;
            tables[s] = seq.blockTable();
            logitRows[s] = tokens.size() - 1;
        }
        return engine.forward(new StepBatch(ints(tokens), ints(positions), queryStart, contextLens, tables,
                ints(slots), logitRows), cache);
    }

    /** Greedy decoding of one sequence: prefill the prompt, then one token per step. */
    public GreedyResult greedy(int[] prompt, int maxNewTokens, int[] blockTable) {
        Logits first = step(List.of(new Seq(blockTable, 0, prompt)));
        List<Integer> out = new ArrayList<>();
        int next = first.argmax(0);
        out.add(next);
        int cached = prompt.length;
        while (out.size() < maxNewTokens) {
            Logits l = step(List.of(new Seq(blockTable, cached, new int[]{next})));
            cached++;
            next = l.argmax(0);
            out.add(next);
        }
        return new GreedyResult(first.row(0), ints(out));
    }

    public record GreedyResult(float[] firstLogits, int[] tokens) {
    }

    public static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    public static int[] blocks(int from, int count) {
        int[] table = new int[count];
        for (int i = 0; i < count; i++) {
            table[i] = from + i;
        }
        return table;
    }

    /**
     * One step over prompt + continuation (teacher forcing) with logits at every position that predicts a
     * continuation token: how reduced-precision engines are compared with fp32 position by position.
     */
    public static Logits teacherForced(Engine engine, int[] prompt, int[] continuation) {
        int n = prompt.length + continuation.length;
        int[] tokens = IntStream.concat(IntStream.of(prompt), IntStream.of(continuation)).toArray();
        int[] positions = IntStream.range(0, n).toArray();
        int blockSize = 16;
        int[] table = blocks(0, (n + blockSize - 1) / blockSize);
        List<Integer> rows = new ArrayList<>();
        for (int r = prompt.length - 1; r < n - 1; r++) {
            rows.add(r);
        }
        try (KvCache cache = engine.allocateKv(table.length, blockSize)) {
            return engine.forward(new StepBatch(tokens, positions, new int[]{0, n}, new int[]{n}, new int[][]{table},
                    positions.clone(), ints(rows)), cache);
        }
    }
}
