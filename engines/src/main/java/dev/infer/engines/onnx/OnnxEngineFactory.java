package dev.infer.engines.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.infer.engines.ComputeType;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.EngineOptions;
import dev.infer.engines.ModelInfo;
import dev.infer.engines.kv.HostAttention;
import dev.infer.engines.Quantization;
import dev.infer.kernels.AttentionKernels;
import dev.infer.kernels.KernelsLoader;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.onnx.DecoderModelFiles;
import dev.infer.models.onnx.OnnxModelCache;
import dev.infer.models.onnx.WeightFormat;
import dev.infer.models.weights.WeightSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Exports the checkpoint to ONNX segment graphs (or finds them in the on-disk cache), opens them in ONNX
 * Runtime with our thread count, and picks the attention kernels.
 */
public final class OnnxEngineFactory {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxEngineFactory.class);
    public static final String NAME = "onnxruntime";

    private OnnxEngineFactory() {
    }

    /** Loads the model; {@code weights} may be closed afterwards (ORT reads its own exported copy). */
    public static OnnxEngine load(ModelConfig config, WeightSource weights, EngineOptions options) {
        return load(config, weights, options, OnnxModelCache.defaultRoot());
    }

    public static OnnxEngine load(ModelConfig config, WeightSource weights, EngineOptions options, Path cacheRoot) {
        checkSupported(options);
        long start = System.nanoTime();
        DecoderModelFiles files = OnnxModelCache.prepare(cacheRoot, config, weights, new WeightFormat(
                options.computeType() == ComputeType.BFLOAT16, options.quantization().bits()));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        AttentionKernels kernels = KernelsLoader.best(options.effectiveThreads());
        try {
            DecoderSessions sessions = new DecoderSessions(env, files, options.effectiveThreads());
            LOG.info("ONNX Runtime {}: {} layers as {} sessions in {} ms", env.getVersion(), config.numLayers(),
                    2 * config.numLayers() + 2, (System.nanoTime() - start) / 1_000_000);
            String note = note(options);
            ModelInfo info = new ModelInfo(config, options.computeType(), options.device(), NAME, kernels.name(), note);
            return new OnnxEngine(env, info, sessions, kernels);
        } catch (OrtException | RuntimeException e) {
            HostAttention.closeAfterFailure(kernels, e);
            throw new IllegalStateException("ONNX Runtime could not open the exported model in " + files.dir(), e);
        }
    }

    /**
     * Loads a whole-model ONNX decoder in the Hugging Face {@code past_key_values} layout (e.g. an Optimum or
     * transformers.js export, or {@link dev.infer.models.onnx.PastKvDecoderGraph#export}); {@code config} is the
     * model's {@code config.json}, which gives the KV cache its shape.
     */
    public static PastKvEngine loadPastKv(Path model, ModelConfig config, EngineOptions options) {
        checkSupported(options);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        AttentionKernels kernels = KernelsLoader.best(options.effectiveThreads());
        try (OrtSession.SessionOptions sessionOptions = DecoderSessions.options(options.effectiveThreads())) {
            OrtSession session = env.createSession(model.toString(), sessionOptions);
            ModelInfo info = new ModelInfo(config, options.computeType(), options.device(), NAME + " (past_key_values)",
                    kernels.name(), "the model file's own precision");
            return new PastKvEngine(env, info, session, kernels);
        } catch (OrtException | RuntimeException e) {
            HostAttention.closeAfterFailure(kernels, e);
            throw new IllegalStateException("ONNX Runtime could not open " + model, e);
        }
    }

    private static String note(EngineOptions options) {
        String base = options.computeType() == ComputeType.BFLOAT16
                ? "bfloat16 weights computed in fp32 (ONNX Runtime's CPU GEMMs are fp32)" : "float32";
        return options.quantization() == Quantization.NONE ? base : base + "; linear layers " + options.quantization()
                .label() + " weight-only (MatMulNBits, int8 activations per block)";
    }

    private static void checkSupported(EngineOptions options) {
        if (options.device().kind() != DeviceSpec.Kind.CPU) {
            throw new IllegalArgumentException("--engine onnxruntime: " + options.device() + " needs the onnxruntime_gpu"
                    + " build and CUDA 12, which this build does not include; run with --device cpu");
        }
        if (options.computeType() == ComputeType.FLOAT16) {
            throw new IllegalArgumentException("--engine onnxruntime: float16 is not supported on CPU (ONNX Runtime has"
                    + " no fast fp16 GEMM there); use --dtype float32 or bfloat16");
        }
    }
}
