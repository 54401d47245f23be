package dev.infer.engines;

/**
 * How to run a model: precision, device, CPU threads for the engine's own work and for our kernels.
 *
 * @param threads 0 means one per available core
 */
public record EngineOptions(ComputeType computeType, DeviceSpec device, int threads) {
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
