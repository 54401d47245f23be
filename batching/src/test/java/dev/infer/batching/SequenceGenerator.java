package dev.infer.batching;

import dev.infer.batching.sampling.Finish;
import dev.infer.batching.sampling.SamplingParams;
import dev.infer.batching.sampling.SequenceSampler;
import dev.infer.batching.sampling.StopChecker;
import dev.infer.engines.Engine;
import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.engines.StepBatch;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Test oracle: generates for one sequence at a time over a KV cache it has to itself, the prompt in chunks, then
 * one decode step per token, with the same sampler and stop checker as the engine loop but none of its scheduling.
 * Tests compare what the engine loop and the scheduler produce under load with what this gives alone.
 */
public final class SequenceGenerator {
    private final Engine engine;
    private final KvCache cache;
    private final int maxChunkTokens;

    public SequenceGenerator(Engine engine, KvCache cache, int maxChunkTokens) {
        if (maxChunkTokens <= 0) {
            throw new IllegalArgumentException("maxChunkTokens must be > 0, got " + maxChunkTokens);
        }
        this.engine = engine;
        this.cache = cache;
        this.maxChunkTokens = maxChunkTokens;
    }

    /** Like {@link #generate(int[], SamplingParams, int[], IntConsumer)} for a model without EOS ids. */
    public GenerationResult generate(int[] prompt, SamplingParams params, IntConsumer onToken) {
        return generate(prompt, params, new int[0], onToken);
    }

    /**
     * Runs to an EOS id (unless ignore_eos), a stop token id or max_tokens, handing each new token to
     * {@code onToken} as it is sampled. Stop strings need text, so they are the caller's (a StopStringMatcher).
     */
    public GenerationResult generate(int[] prompt, SamplingParams params, int[] eosTokenIds, IntConsumer onToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt: at least one token is needed");
        }
        int contextLimit = engine.info().config().maxPositionEmbeddings();
        int total = prompt.length + params.maxTokens();
        if (total > contextLimit) {
            throw new IllegalArgumentException("prompt (" + prompt.length + " tokens) + max_tokens ("
                    + params.maxTokens() + ") exceeds the model's context length of " + contextLimit);
        }
        int[] blockTable = blockTable(total);
        SequenceSampler sampler = new SequenceSampler(params, prompt, eosTokenIds);
        StopChecker stopChecker = new StopChecker(params, eosTokenIds);
        float[] logits = prefill(prompt, blockTable);
        int[] out = new int[params.maxTokens()];
        int n = 0;
        Finish finish;
        while (true) {
            int next = sampler.sample(logits).tokenId();
            out[n++] = next;
            onToken.accept(next);
            finish = stopChecker.onToken(next);
            if (finish != null) {
                break;
            }
            logits = step(new int[]{next}, prompt.length + n - 1, blockTable, true);
        }
        return new GenerationResult(prompt.clone(), Arrays.copyOf(out, n), finish.reason());
    }

    private int[] blockTable(int tokens) {
        int blocks = (tokens + cache.blockSize() - 1) / cache.blockSize();
        if (blocks > cache.numBlocks()) {
            throw new IllegalArgumentException(tokens + " tokens need " + blocks + " KV blocks; the cache has "
                    + cache.numBlocks());
        }
        int[] table = new int[blocks];
        Arrays.setAll(table, i -> i);
        return table;
    }

    private float[] prefill(int[] prompt, int[] blockTable) {
        float[] logits = null;
        for (int from = 0; from < prompt.length; from += maxChunkTokens) {
            int to = Math.min(prompt.length, from + maxChunkTokens);
            logits = step(Arrays.copyOfRange(prompt, from, to), from, blockTable, to == prompt.length);
        }
        return logits;
    }

    /** One engine step for {@code tokens} placed at positions {@code cached..}; logits of the last one if asked. */
    private float[] step(int[] tokens, int cached, int[] blockTable, boolean wantLogits) {
        int t = tokens.length;
        int bs = cache.blockSize();
        int[] positions = new int[t];
        int[] slots = new int[t];
        for (int j = 0; j < t; j++) {
            int pos = cached + j;
            positions[j] = pos;
            slots[j] = blockTable[pos / bs] * bs + pos % bs;
        }
        StepBatch batch = new StepBatch(tokens, positions, new int[]{0, t}, new int[]{cached + t},
                new int[][]{blockTable}, slots, wantLogits ? new int[]{t - 1} : new int[0]);
        Logits logits = engine.forward(batch, cache);
        return wantLogits ? logits.row(0) : null;
    }
}
