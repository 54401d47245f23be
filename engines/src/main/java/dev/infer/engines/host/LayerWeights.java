package dev.infer.engines.host;

import dev.infer.kernels.PackedMatrix;

import java.lang.foreign.MemorySegment;

/**
 * One decoder layer's weights for the native engine. q/k/v and gate/up are fused at load time so each is one
 * kernel call; norms stay fp32 on the heap (Java applies them).
 *
 * @param qkvBias null unless the model has q/k/v biases (Qwen2); fp32, off-heap, for the kernels
 * @param qNorm   null unless the model normalizes q and k per head (Qwen3)
 */
record LayerWeights(float[] inputNorm, PackedMatrix qkv, MemorySegment qkvBias, float[] qNorm, float[] kNorm,
                    PackedMatrix output, float[] postAttentionNorm, PackedMatrix gateUp, PackedMatrix down)
        implements AutoCloseable {
    long bytes() {
        return qkv.byteSize() + output.byteSize() + gateUp.byteSize() + down.byteSize();
    }

    @Override
    public void close() {
        qkv.close();
        output.close();
        gateUp.close();
        down.close();
    }
}
