package dev.infer.engines;

import dev.infer.models.config.ModelConfig;

/** What an engine loaded and how it runs it; for logs, limits and the KV-cache manager. */
public record ModelInfo(ModelConfig config, ComputeType computeType, DeviceSpec device, String engineName,
                        String kernelsName, String precisionNote) {
}
