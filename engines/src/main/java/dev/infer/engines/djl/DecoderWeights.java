package dev.infer.engines.djl;

import ai.djl.ndarray.NDArray;

import java.util.List;

/** All weights of a Llama-family decoder as engine tensors. {@code lmHead} may be the embedding (tied). */
record DecoderWeights(NDArray embedTokens, List<LayerWeights> layers, NDArray finalNorm, NDArray lmHead) {
}
