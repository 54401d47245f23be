package dev.infer.kernels;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the fastest attention kernels this machine can run, once, at engine start-up, and says which.
 * Today that is the Vector API implementation; native (JNI) kernels will be preferred here when they load.
 */
public final class KernelsLoader {
    private static final Logger LOG = LoggerFactory.getLogger(KernelsLoader.class);

    private KernelsLoader() {
    }

    public static AttentionKernels best(int threads) {
        AttentionKernels kernels = new VectorAttentionKernels(threads);
        LOG.info("attention kernels: {}", kernels.name());
        return kernels;
    }
}
