package dev.infer.models.onnx;

import java.nio.file.Path;

/** The ONNX segment graphs of one decoder in a folder, next to their shared {@code weights.bin}. */
public record DecoderModelFiles(Path dir, int numLayers) {
    static final String WEIGHTS = "weights.bin";

    public Path embedding() {
        return dir.resolve("embedding.onnx");
    }

    public Path attentionInput(int layer) {
        return dir.resolve("layer" + layer + "_attention_input.onnx");
    }

    public Path attentionOutput(int layer) {
        return dir.resolve("layer" + layer + "_attention_output.onnx");
    }

    public Path head() {
        return dir.resolve("head.onnx");
    }

    public Path weights() {
        return dir.resolve(WEIGHTS);
    }
}
