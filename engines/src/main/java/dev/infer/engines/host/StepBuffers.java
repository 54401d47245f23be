package dev.infer.engines.host;

import dev.infer.models.config.ModelConfig;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The off-heap activations one step passes between the kernels and the Java ops, kept across steps and grown
 * to the largest step seen (the old ones are left to the garbage collector: the kernels' threads touch them, so
 * they live in automatic, shareable arenas). Slices are exactly the step's size, so every kernel's size check
 * sees the step, not the capacity.
 */
final class StepBuffers {
    private final ModelConfig c;
    private int tokenCapacity;
    private int rowCapacity;
    private MemorySegment hidden;
    private MemorySegment normed;
    private MemorySegment qkv;
    private MemorySegment q;
    private MemorySegment k;
    private MemorySegment v;
    private MemorySegment attention;
    private MemorySegment gateUp;
    private MemorySegment activation;
    private MemorySegment sublayerOut;
    private MemorySegment lastRows;
    private MemorySegment logits;

    StepBuffers(ModelConfig config) {
        this.c = config;
        // One row from the start, so a step without logits (a prefill chunk) still gets valid empty slices.
        growRows(1);
    }

    /** The views for a step of {@code tokens} tokens and {@code rows} logit rows. */
    Step forStep(int tokens, int rows) {
        if (tokens > tokenCapacity) {
            growTokens(Math.max(tokens, tokenCapacity * 2));
        }
        if (rows > rowCapacity) {
            growRows(Math.max(rows, rowCapacity * 2));
        }
        return new Step(tokens, rows, slice(hidden, tokens, c.hiddenSize()), slice(normed, tokens, c.hiddenSize()),
                slice(qkv, tokens, c.qSize() + 2 * c.kvSize()), slice(q, tokens, c.qSize()),
                slice(k, tokens, c.kvSize()), slice(v, tokens, c.kvSize()), slice(attention, tokens, c.qSize()),
                slice(gateUp, tokens, 2 * c.intermediateSize()), slice(activation, tokens, c.intermediateSize()),
                slice(sublayerOut, tokens, c.hiddenSize()), slice(lastRows, rows, c.hiddenSize()),
                slice(logits, rows, c.vocabSize()));
    }

    private void growTokens(int tokens) {
        tokenCapacity = tokens;
        hidden = floats(tokens, c.hiddenSize());
        normed = floats(tokens, c.hiddenSize());
        qkv = floats(tokens, c.qSize() + 2 * c.kvSize());
        q = floats(tokens, c.qSize());
        k = floats(tokens, c.kvSize());
        v = floats(tokens, c.kvSize());
        attention = floats(tokens, c.qSize());
        gateUp = floats(tokens, 2 * c.intermediateSize());
        activation = floats(tokens, c.intermediateSize());
        sublayerOut = floats(tokens, c.hiddenSize());
    }

    private void growRows(int rows) {
        rowCapacity = rows;
        lastRows = floats(rows, c.hiddenSize());
        logits = floats(rows, c.vocabSize());
    }

    private static MemorySegment floats(int rows, int width) {
        return Arena.ofAuto().allocate((long) rows * width * Float.BYTES, 64);
    }

    private static MemorySegment slice(MemorySegment s, int rows, int width) {
        return s.asSlice(0, (long) rows * width * Float.BYTES);
    }

    /** One step's activations, each {@code [tokens or rows][width]} fp32. */
    record Step(int tokens, int rows, MemorySegment hidden, MemorySegment normed, MemorySegment qkv, MemorySegment q,
                MemorySegment k, MemorySegment v, MemorySegment attention, MemorySegment gateUp,
                MemorySegment activation, MemorySegment sublayerOut, MemorySegment lastRows, MemorySegment logits) {
    }
}
