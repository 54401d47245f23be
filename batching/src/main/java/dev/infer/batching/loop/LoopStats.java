package dev.infer.batching.loop;

import dev.infer.batching.kv.KvCacheStats;

/** A snapshot of the engine loop after its latest step, readable from any thread (metrics, health). */
public record LoopStats(int running, int waiting, long preemptions, KvCacheStats kvCache) {
    static final LoopStats EMPTY = new LoopStats(0, 0, 0, null);
}
