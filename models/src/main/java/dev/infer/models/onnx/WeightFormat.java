package dev.infer.models.onnx;

/**
 * How the exported weights are stored: fp32, optionally rounded to bf16 precision first, and optionally with
 * the linear layers weight-only quantized to {@code quantBits} (4 or 8; 0 = not quantized) for MatMulNBits.
 */
public record WeightFormat(boolean roundToBf16, int quantBits) {
    public static final WeightFormat FLOAT32 = new WeightFormat(false, 0);

    public WeightFormat {
        if (quantBits != 0 && quantBits != 4 && quantBits != 8) {
            throw new IllegalArgumentException("weight-only quantization to " + quantBits + " bits: expected 4 or 8");
        }
    }

    public boolean quantized() {
        return quantBits > 0;
    }
}
