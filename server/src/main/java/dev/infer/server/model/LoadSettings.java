package dev.infer.server.model;

import dev.infer.engines.DeviceSpec;
import dev.infer.engines.Quantization;

/**
 * Everything needed to turn a {@code --model} argument into a running engine.
 *
 * @param model      a local directory, a Hugging Face repo id ({@code ORG/NAME[@REVISION]}) or {@code demo}
 * @param engine     engine name ({@code djl})
 * @param dtype      {@code auto}, {@code float32}, {@code bfloat16} or {@code float16}
 * @param threads    CPU threads for the engine and kernels; 0 = all cores
 * @param dummySeed  seed of random weights, when they are used
 * @param quantization weight-only quantization of the linear layers ({@code none}, {@code int8}, {@code int4})
 */
public record LoadSettings(String model, String engine, DeviceSpec device, String dtype, WeightsFormat format,
                           int threads, long dummySeed, Quantization quantization) {
    public LoadSettings(String model, String engine, DeviceSpec device, String dtype, WeightsFormat format,
                        int threads, long dummySeed) {
        this(model, engine, device, dtype, format, threads, dummySeed, Quantization.NONE);
    }
}
