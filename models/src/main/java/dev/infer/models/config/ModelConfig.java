package dev.infer.models.config;

import java.util.List;

/**
 * The parts of a Hugging Face {@code config.json} that decide the shape and math of a Llama-family decoder.
 *
 * @param qkvBias        q/k/v projections have biases (Qwen2, or {@code attention_bias: true})
 * @param eosTokenIds    end-of-sequence ids from config.json (generation_config.json may add more)
 */
public record ModelConfig(
        Architecture architecture,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int vocabSize,
        int maxPositionEmbeddings,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean qkvBias,
        boolean tieWordEmbeddings,
        String torchDtype,
        Integer bosTokenId,
        List<Integer> eosTokenIds) {

    public ModelConfig {
        require(hiddenSize > 0, "hidden_size", hiddenSize);
        require(intermediateSize > 0, "intermediate_size", intermediateSize);
        require(numLayers > 0, "num_hidden_layers", numLayers);
        require(numHeads > 0, "num_attention_heads", numHeads);
        require(numKvHeads > 0 && numHeads % numKvHeads == 0, "num_key_value_heads (must divide num_attention_heads)",
                numKvHeads);
        require(headDim > 0, "head_dim", headDim);
        require(vocabSize > 0, "vocab_size", vocabSize);
        require(maxPositionEmbeddings > 0, "max_position_embeddings", maxPositionEmbeddings);
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    private static void require(boolean ok, String field, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("config.json: invalid " + field + ": " + value);
        }
    }

    public int qSize() {
        return numHeads * headDim;
    }

    public int kvSize() {
        return numKvHeads * headDim;
    }

    public boolean qkNorm() {
        return architecture.qkNorm();
    }

    /** Number of parameters the weights hold (embeddings counted once when tied). */
    public long parameterCount() {
        long h = hiddenSize;
        long attention = h * qSize() + 2 * h * kvSize() + (long) qSize() * h
                + (qkvBias ? qSize() + 2L * kvSize() : 0) + (qkNorm() ? 2L * headDim : 0);
        long mlp = 3 * h * intermediateSize;
        long perLayer = attention + mlp + 2 * h;
        long embeddings = (long) vocabSize * h * (tieWordEmbeddings ? 1 : 2);
        return perLayer * numLayers + embeddings + h;
    }
}
