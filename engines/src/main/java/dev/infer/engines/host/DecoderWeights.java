package dev.infer.engines.host;

import dev.infer.kernels.PackedMatrix;

import java.lang.foreign.Arena;
import java.util.List;

/**
 * All of a decoder's weights for the native engine. With tied embeddings, {@code lmHead} is the embedding
 * matrix itself (one copy, read by the LM head's GEMM and by the token lookup). {@code arena} holds the small
 * off-heap vectors (biases).
 */
record DecoderWeights(PackedMatrix embedding, List<LayerWeights> layers, float[] finalNorm, PackedMatrix lmHead,
                      Arena arena) implements AutoCloseable {
    long bytes() {
        long total = embedding.byteSize() + (lmHead == embedding ? 0 : lmHead.byteSize());
        for (LayerWeights l : layers) {
            total += l.bytes();
        }
        return total;
    }

    @Override
    public void close() {
        layers.forEach(LayerWeights::close);
        if (lmHead != embedding) {
            lmHead.close();
        }
        embedding.close();
        arena.close();
    }
}
