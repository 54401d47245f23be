package dev.infer.server.model;

import dev.infer.engines.DeviceSpec;

/**
 * Everything needed to turn a {@code --model} argument into a running engine.
 *
 * @param model      a local directory, a Hugging Face repo id ({@code ORG/NAME[@REVISION]}) or {@code demo}
 * @param engine     engine name ({@code djl})
 * @param dtype      {@code auto}, {@code float32}, {@code bfloat16} or {@code float16}
 * @param threads    CPU threads for the engine and kernels; 0 = all cores
 * @param dummySeed  seed of random weights, when they are used
 */
public record LoadSettings(String model, String engine, DeviceSpec device, String dtype, WeightsFormat format,
                           int threads, long dummySeed) {
}
