package dev.infer.engines.djl;

import ai.djl.ndarray.NDManager;
import dev.infer.engines.ComputeType;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.testing.SharedModels;
import dev.infer.models.weights.SafetensorsWeights;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DjlWeightLoaderTest {

    @Test
    void loadingInSmallSlicesGivesTheSameTensorsAsOneCopy() {
        Path dir = SharedModels.model("tinystories-656k");
        ModelConfig config = ModelConfigParser.read(dir);
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir); NDManager manager = NDManager.newBaseManager()) {
            DecoderWeights whole = new DjlWeightLoader(manager, ComputeType.FLOAT32, weights).load(config);
            // 16 KiB: the 2048 x 128 embedding goes over in 64 slices of 32 rows, the fused q/k/v in several.
            DecoderWeights sliced = new DjlWeightLoader(manager, ComputeType.FLOAT32, weights, 16 * 1024).load(config);
            assertThat(sliced.embedTokens().toFloatArray()).isEqualTo(whole.embedTokens().toFloatArray());
            assertThat(sliced.layers().get(1).qkv().toFloatArray()).isEqualTo(whole.layers().get(1).qkv().toFloatArray());
            assertThat(sliced.layers().get(0).down().getShape()).isEqualTo(whole.layers().get(0).down().getShape());
            float[] stored = weights.get("lm_head.weight").toFloatArray();
            assertThat(whole.embedTokens().toFloatArray()).isEqualTo(stored);
        }
    }
}
