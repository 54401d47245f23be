package dev.infer.kernels;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the fastest kernels this machine can run, once, at engine start-up, and says which: the native
 * (C, JNI) kernels when their library loads, else the pure-Java ones, with the reason in the log.
 */
public final class KernelsLoader {
    private static final Logger LOG = LoggerFactory.getLogger(KernelsLoader.class);

    private KernelsLoader() {
    }

    public static AttentionKernels best(int threads) {
        NativeLibrary.Status status = NativeLibrary.load();
        AttentionKernels kernels = status.loaded() ? new NativeAttentionKernels(threads)
                : new VectorAttentionKernels(threads);
        log("attention", kernels.name(), status);
        return kernels;
    }

    public static SamplingKernels bestSampling(int threads) {
        NativeLibrary.Status status = NativeLibrary.load();
        SamplingKernels kernels = status.loaded() ? new NativeSamplingKernels(threads)
                : new JavaSamplingKernels(threads);
        log("sampling", kernels.name(), status);
        return kernels;
    }

    private static void log(String what, String name, NativeLibrary.Status status) {
        if (status.loaded()) {
            LOG.info("{} kernels: {}", what, name);
        } else {
            LOG.info("{} kernels: {} (native kernels not used: {})", what, name, status.detail());
        }
    }
}
