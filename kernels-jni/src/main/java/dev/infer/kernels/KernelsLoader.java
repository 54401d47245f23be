package dev.infer.kernels;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the fastest kernels this machine can run, once, at engine start-up, and says which: the native
 * (C, JNI) kernels when their library loads, else the pure-Java ones, with the reason in the log.
 * {@code -Dinference.kernels=java} forces the Java kernels (to compare, or to rule the native ones out).
 */
public final class KernelsLoader {
    private static final Logger LOG = LoggerFactory.getLogger(KernelsLoader.class);
    static final String PROPERTY = "inference.kernels";

    private KernelsLoader() {
    }

    public static AttentionKernels best(int threads) {
        NativeLibrary.Status status = nativeStatus();
        AttentionKernels kernels = status.loaded() ? new NativeAttentionKernels(threads)
                : new VectorAttentionKernels(threads);
        log("attention", kernels.name(), status);
        return kernels;
    }

    public static SamplingKernels bestSampling(int threads) {
        NativeLibrary.Status status = nativeStatus();
        SamplingKernels kernels = status.loaded() ? new NativeSamplingKernels(threads)
                : new JavaSamplingKernels(threads);
        log("sampling", kernels.name(), status);
        return kernels;
    }

    public static LinearKernels bestLinear(int threads) {
        NativeLibrary.Status status = nativeStatus();
        LinearKernels kernels = status.loaded() ? new NativeLinearKernels(threads) : new JavaLinearKernels(threads);
        log("linear", kernels.name(), status);
        return kernels;
    }

    private static NativeLibrary.Status nativeStatus() {
        String choice = System.getProperty(PROPERTY, "auto");
        return switch (choice) {
            case "auto" -> NativeLibrary.load();
            case "java" -> new NativeLibrary.Status(false, "-D" + PROPERTY + "=java");
            default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be auto or java, got " + choice);
        };
    }

    private static void log(String what, String name, NativeLibrary.Status status) {
        if (status.loaded()) {
            LOG.info("{} kernels: {}", what, name);
        } else {
            LOG.info("{} kernels: {} (native kernels not used: {})", what, name, status.detail());
        }
    }
}
