package dev.infer.engines;

/**
 * How to run a model: precision, device, CPU threads for the engine's own work and for our kernels, and
 * weight-only quantization of the linear layers (engines that cannot quantize reject anything but NONE).
 *
 * @param threads 0 means one per available core
 */
public record EngineOptions(ComputeType computeType, DeviceSpec device, int threads, Quantization quantization) {
    public EngineOptions(ComputeType computeType, DeviceSpec device, int threads) {
        this(computeType, device, threads, Quantization.NONE);
    }

    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
