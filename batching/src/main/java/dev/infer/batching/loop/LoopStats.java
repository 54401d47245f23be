package dev.infer.batching.loop;

import dev.infer.batching.kv.KvCacheStats;

/**
 * A snapshot of the engine loop after its latest step, readable from any thread (metrics, health).
 *
 * @param thinkingBudgetScale the load policy's scale of thinking budgets, 1 when they are not reduced
 */
public record LoopStats(int running, int waiting, long preemptions, KvCacheStats kvCache, double thinkingBudgetScale) {
    static final LoopStats EMPTY = new LoopStats(0, 0, 0, null, 1);
}
