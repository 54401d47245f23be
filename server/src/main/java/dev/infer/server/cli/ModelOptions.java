package dev.infer.server.cli;

import dev.infer.engines.DeviceSpec;
import dev.infer.engines.Quantization;
import dev.infer.server.model.LoadSettings;
import dev.infer.server.model.WeightsFormat;
import picocli.CommandLine.Option;

/** The options that choose and load a model, shared by every subcommand that runs one. */
final class ModelOptions {
    @Option(names = "--model", defaultValue = "demo", paramLabel = "DIR|ORG/NAME|demo",
            description = "A Hugging Face model directory, a Hugging Face repo id (downloaded once into $HF_HOME),"
                    + " or 'demo' (built in, random weights). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--engine", defaultValue = "djl", description = "Engine: djl (PyTorch), onnxruntime, or native (our own kernels: fp32, bf16 or"
                    + " int8 weights on CPU). Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda:N. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--dtype", defaultValue = "auto",
            description = "auto (the checkpoint's), float32, bfloat16 or float16. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--quantization", defaultValue = "none",
            description = "Weight-only quantization of the linear layers: none, int8 (onnxruntime, native) or int4"
                    + " (onnxruntime). "
                    + "Default: ${DEFAULT-VALUE}.")
    String quantization;

    @Option(names = "--load-format", defaultValue = "auto",
            description = "auto, safetensors or dummy (random weights of the right shapes). Default: ${DEFAULT-VALUE}.")
    WeightsFormat loadFormat;

    @Option(names = "--threads", defaultValue = "0",
            description = "CPU threads for the engine and kernels; 0 = all cores. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--dummy-seed", defaultValue = "0", description = "Seed of random weights. Default: ${DEFAULT-VALUE}.")
    long dummySeed;

    LoadSettings settings() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        }
        return new LoadSettings(model, engine, DeviceSpec.parse(device), dtype, loadFormat, threads, dummySeed,
                Quantization.parse(quantization));
    }
}
