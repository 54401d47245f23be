package dev.infer.batching.loop;

import dev.infer.batching.thinking.ThinkingConfig;
import dev.infer.batching.thinking.ThinkingState;
import dev.infer.engines.KvCache;

/**
 * What one sequence may hold (the model's context and the KV cache's usable blocks), whether a request fits in it,
 * and how much of it a reply's thinking may take.
 */
final class SequenceRoom {
    private final int context;
    private final long capacity;
    private final ThinkingConfig thinking;
    private final int[] eosTokenIds;

    SequenceRoom(int context, KvCache cache, ThinkingConfig thinking, int[] eosTokenIds) {
        this.context = context;
        this.capacity = (long) (cache.numBlocks() - 1) * cache.blockSize();
        this.thinking = thinking;
        this.eosTokenIds = eosTokenIds.clone();
    }

    /** Tokens one sequence may hold. */
    int tokenLimit() {
        return (int) Math.min(context, capacity);
    }

    /** Fails with a message naming the limit when the prompt and max_tokens cannot fit. */
    void checkFits(GenerationRequest request) {
        if (request.params().bestOf() > request.params().n()) {
            throw new IllegalArgumentException("best_of > n is not supported (vLLM v1 dropped it too); use n");
        }
        int total = request.promptTokenIds().length + request.params().maxTokens();
        if (total > context) {
            throw new IllegalArgumentException("prompt (" + request.promptTokenIds().length + " tokens) + max_tokens ("
                    + request.params().maxTokens() + ") exceeds the model's context length of " + context);
        }
        if (total > capacity) {
            throw new IllegalArgumentException("prompt + max_tokens (" + total + " tokens) exceeds the KV cache's "
                    + capacity + " tokens");
        }
    }

    /**
     * The thinking state of a reply that asks for one on a reasoning model, else null. Its room is what the limit
     * leaves after the prompt, max_tokens (the answer's own), the forced end and a start marker the model may write:
     * thinking never takes the answer's tokens.
     */
    ThinkingState thinkingState(GenerationRequest request) {
        if (request.thinking() == null || thinking.markers().isEmpty()) {
            return null;
        }
        int room = tokenLimit() - request.promptTokenIds().length - request.params().maxTokens()
                - thinking.forcedEndLength() - 1;
        return new ThinkingState(thinking, thinking.markers().get(), request.thinking(), request.promptTokenIds(),
                eosTokenIds, room);
    }
}
