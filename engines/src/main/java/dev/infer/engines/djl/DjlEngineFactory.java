package dev.infer.engines.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.EngineOptions;
import dev.infer.engines.ModelInfo;
import dev.infer.engines.kv.HostAttention;
import dev.infer.engines.Quantization;
import dev.infer.kernels.AttentionKernels;
import dev.infer.kernels.KernelsLoader;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.weights.WeightSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts PyTorch (offline, with our thread count), checks the device, and loads the weights. */
public final class DjlEngineFactory {
    private static final Logger LOG = LoggerFactory.getLogger(DjlEngineFactory.class);
    public static final String NAME = "djl";

    private DjlEngineFactory() {
    }

    /** Loads the model; {@code weights} may be closed afterwards (the engine holds its own copies). */
    public static DjlEngine load(ModelConfig config, WeightSource weights, EngineOptions options) {
        if (options.quantization() != Quantization.NONE) {
            throw new IllegalArgumentException("--engine djl: weight-only quantization (" + options.quantization().label()
                    + ") is not supported; use --engine onnxruntime");
        }
        configurePyTorch(options.effectiveThreads());
        Device device = checkDevice(options.device());
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        AttentionKernels kernels = KernelsLoader.best(options.effectiveThreads());
        try {
            long start = System.nanoTime();
            DecoderWeights loaded = new DjlWeightLoader(manager, options.computeType(), weights).load(config);
            LOG.info("loaded {} layers ({} parameters) as {} in {} ms", config.numLayers(), config.parameterCount(),
                    options.computeType().label(), (System.nanoTime() - start) / 1_000_000);
            String note = switch (options.computeType()) {
                case BFLOAT16 -> "bfloat16 weights computed in fp32 (DJL 0.36 PyTorch cannot create bf16 tensors)";
                case FLOAT16 -> "float16 weights and activations, fp32 norms and attention";
                case FLOAT32 -> "float32";
            };
            ModelInfo info = new ModelInfo(config, options.computeType(), options.device(), NAME, kernels.name(), note);
            return new DjlEngine(manager, info, loaded, kernels);
        } catch (RuntimeException e) {
            manager.close();
            HostAttention.closeAfterFailure(kernels, e);
            throw e;
        }
    }

    private static void configurePyTorch(int threads) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        // Read by DJL when the PyTorch engine first starts; later calls cannot change them.
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads",
                Integer.toString(threads)));
        System.setProperty("ai.djl.pytorch.num_interop_threads",
                System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
    }

    private static Device checkDevice(DeviceSpec spec) {
        if (spec.kind() == DeviceSpec.Kind.CPU) {
            return Device.cpu();
        }
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        if (spec.index() >= gpus) {
            throw new IllegalStateException(spec + " requested, but PyTorch sees " + gpus + " CUDA GPU(s) here"
                    + (gpus == 0 ? " (no GPU or driver on this machine, or a CPU-only libtorch)" : "")
                    + "; run with --device cpu");
        }
        throw new IllegalStateException(spec + ": this build runs attention in host-memory kernels; CUDA execution"
                + " with the DJL engine is not available yet; run with --device cpu");
    }
}
