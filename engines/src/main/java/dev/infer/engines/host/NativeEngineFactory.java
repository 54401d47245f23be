package dev.infer.engines.host;

import dev.infer.engines.ComputeType;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.EngineOptions;
import dev.infer.engines.ModelInfo;
import dev.infer.engines.Quantization;
import dev.infer.engines.kv.HostAttention;
import dev.infer.kernels.AttentionKernels;
import dev.infer.kernels.KernelsLoader;
import dev.infer.kernels.LinearFormat;
import dev.infer.kernels.LinearKernels;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.weights.WeightSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the weight format from {@code --dtype} and {@code --quantization}, packs the weights, picks the kernels. */
public final class NativeEngineFactory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeEngineFactory.class);
    public static final String NAME = "native";

    private NativeEngineFactory() {
    }

    /** Loads the model; {@code weights} may be closed afterwards (the engine packs its own copy). */
    public static NativeEngine load(ModelConfig config, WeightSource weights, EngineOptions options) {
        LinearFormat format = format(options);
        long start = System.nanoTime();
        DecoderWeights packed = new NativeWeightLoader(weights, format).load(config);
        LinearKernels linear = null;
        AttentionKernels kernels = null;
        try {
            linear = KernelsLoader.bestLinear(options.effectiveThreads());
            kernels = KernelsLoader.best(options.effectiveThreads());
            LOG.info("packed {} layers as {} ({} MiB of weights) in {} ms", config.numLayers(), format,
                    packed.bytes() >> 20, (System.nanoTime() - start) / 1_000_000);
            ModelInfo info = new ModelInfo(config, options.computeType(), options.device(), NAME,
                    "linear " + linear.name() + ", attention " + kernels.name(), note(format));
            return new NativeEngine(info, packed, linear, kernels);
        } catch (RuntimeException e) {
            packed.close();
            if (linear != null) {
                linear.close();
            }
            if (kernels != null) {
                HostAttention.closeAfterFailure(kernels, e);
            }
            throw e;
        }
    }

    static LinearFormat format(EngineOptions options) {
        if (options.device().kind() != DeviceSpec.Kind.CPU) {
            throw new IllegalArgumentException("--engine native runs on the CPU only; run with --device cpu");
        }
        if (options.quantization() == Quantization.INT8) {
            return LinearFormat.Q8;
        }
        if (options.quantization() != Quantization.NONE) {
            throw new IllegalArgumentException("--engine native: --quantization " + options.quantization().label()
                    + " is not supported (int8 is; int4 runs on --engine onnxruntime)");
        }
        if (options.computeType() == ComputeType.FLOAT16) {
            throw new IllegalArgumentException("--engine native: float16 is not supported on CPU; use --dtype float32"
                    + " or bfloat16");
        }
        return options.computeType() == ComputeType.BFLOAT16 ? LinearFormat.BF16 : LinearFormat.F32;
    }

    private static String note(LinearFormat format) {
        return switch (format) {
            case F32 -> "float32";
            case BF16 -> "bfloat16 weights, fp32 activations and accumulation";
            case Q8 -> "int8 weights (blocks of 32, one fp32 scale each; embedding and LM head too), fp32 activations";
        };
    }
}
