package dev.infer.engines.djl;

import ai.djl.ndarray.NDArray;

/**
 * One decoder layer's weights as engine tensors. q/k/v and gate/up are fused at load time so each is one GEMM.
 *
 * @param qkvBias null unless the model has q/k/v biases (Qwen2)
 * @param qNorm   null unless the model normalizes q and k per head (Qwen3)
 */
record LayerWeights(NDArray inputNorm, NDArray qkv, NDArray qkvBias, NDArray qNorm, NDArray kNorm, NDArray output,
                    NDArray postAttentionNorm, NDArray gateUp, NDArray down) {
}
