package dev.infer.server.serving;

import dev.infer.batching.kv.KvCacheSizing;
import dev.infer.batching.loop.EngineLoop;
import dev.infer.batching.scheduler.SchedulerConfig;
import dev.infer.batching.scheduler.SchedulingPolicy;
import dev.infer.batching.thinking.ThinkingConfig;
import dev.infer.engines.KvCache;
import dev.infer.server.model.LoadedModel;

/**
 * A loaded model with its KV cache and running engine loop, under the name clients use. Closing it stops the loop
 * (in-flight requests end with "abort"), then frees the cache and the model.
 */
public final class ServedModel implements AutoCloseable {
    private final LoadedModel model;
    private final String servedName;
    private final KvCache cache;
    private final EngineLoop loop;
    private final ThinkingSettings thinking;
    private final boolean reasons;
    private final int forcedEndTokens;

    private ServedModel(LoadedModel model, String servedName, KvCache cache, EngineLoop loop,
                        ThinkingSettings thinking, ThinkingConfig config) {
        this.model = model;
        this.servedName = servedName;
        this.cache = cache;
        this.loop = loop;
        this.thinking = thinking;
        this.reasons = config.markers().isPresent();
        this.forcedEndTokens = config.forcedEndLength();
    }

    /** Sizes and allocates the KV cache and starts the loop; takes ownership of {@code model}. */
    public static ServedModel start(LoadedModel model, String servedName, EngineSettings s) {
        return start(model, servedName, s, ThinkingSettings.defaults());
    }

    /** As above, with thinking budgets for a reasoning model. */
    public static ServedModel start(LoadedModel model, String servedName, EngineSettings s, ThinkingSettings thinking) {
        int blocks = kvBlocks(model, s);
        KvCache cache = model.engine().allocateKv(blocks, s.blockSize());
        SchedulerConfig limits = new SchedulerConfig(s.maxNumBatchedTokens(), s.maxNumSeqs(), SchedulingPolicy.FCFS,
                s.maxQueuedRequests(), (long) s.maxQueuedRequests() * model.config().maxPositionEmbeddings());
        ThinkingConfig config = thinking.toConfig(model.tokenizer());
        EngineLoop loop = new EngineLoop(model.engine(), cache, model.tokenizer(),
                model.specialTokens().eosTokenIdArray(), limits, s.prefixCaching(), config);
        return new ServedModel(model, servedName == null ? model.name() : servedName, cache, loop, thinking, config);
    }

    /** Blocks the memory budget buys, capped at what max context x max-num-seqs could ever use (plus the null block). */
    static int kvBlocks(LoadedModel model, EngineSettings s) {
        long bytesPerBlock = model.engine().kvBytesPerBlock(s.blockSize());
        long budget = s.kvCacheMemory() != null ? KvCacheSizing.parseBytes(s.kvCacheMemory())
                : KvCacheSizing.fractionOfAvailable(s.kvCacheFraction());
        int blocks = KvCacheSizing.blocksFor(budget, bytesPerBlock);
        long perSeq = (model.config().maxPositionEmbeddings() + s.blockSize() - 1) / s.blockSize();
        long cap = perSeq * s.maxNumSeqs() + 1;
        return (int) Math.min(blocks, Math.min(cap, Integer.MAX_VALUE));
    }

    /**
     * Waits until no request is running or waiting (or {@code grace} passes), so a draining server lets in-flight
     * requests finish; true when it went idle in time.
     */
    public boolean awaitIdle(java.time.Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            if (loop().inFlight() == 0) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(20);
        }
    }

    public LoadedModel model() {
        return model;
    }

    public ThinkingSettings thinking() {
        return thinking;
    }

    /** Tokens a forced end of thinking writes: the transition text and the end marker. */
    public int forcedEndTokens() {
        return forcedEndTokens;
    }

    /** Whether the model writes a chain of thought between {@code <think>} markers. */
    public boolean reasons() {
        return reasons;
    }

    public String servedName() {
        return servedName;
    }

    public EngineLoop loop() {
        return loop;
    }

    public int kvBlocks() {
        return cache.numBlocks();
    }

    public int contextLength() {
        return model.config().maxPositionEmbeddings();
    }

    /** Tokens the KV cache holds for one sequence at most (all usable blocks). */
    public long kvCapacityTokens() {
        return (long) (cache.numBlocks() - 1) * cache.blockSize();
    }

    @Override
    public void close() {
        try {
            loop.close();
        } finally {
            try {
                cache.close();
            } finally {
                model.close();
            }
        }
    }
}
