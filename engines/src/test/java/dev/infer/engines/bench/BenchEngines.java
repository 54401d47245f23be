package dev.infer.engines.bench;

import dev.infer.engines.ComputeType;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.Engine;
import dev.infer.engines.EngineOptions;
import dev.infer.engines.EngineRegistry;
import dev.infer.engines.Quantization;
import dev.infer.engines.StepBatch;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.weights.DType;
import dev.infer.models.weights.DummyWeights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/** What the engine benchmarks share: the model, loading an engine on dummy weights, building steps, RSS. */
final class BenchEngines {
    /** The value of the {@code model} parameter that means "the default model" (see {@link #modelDir}). */
    static final String DEFAULT_MODEL = "default";
    static final String DEFAULT_MODEL_NAME = "qwen2.5-0.5b-shape";
    /** CPU threads for the engine (PyTorch or ONNX Runtime) and for the attention kernels (2 cores here). */
    static final int THREADS = 2;
    static final int BLOCK_SIZE = 16;
    /** Seed of the dummy weights and of the random prompts, so every run sees the same numbers. */
    static final long SEED = 42;

    private BenchEngines() {
    }

    /**
     * {@code default} is {@code qwen2.5-0.5b-shape} under {@code -Dinference.models.dir} (else
     * {@code /work/shared/models}); anything else is a model directory, or a name under that folder.
     */
    static Path modelDir(String model) {
        Path root = Path.of(System.getProperty("inference.models.dir", "/work/shared/models"));
        Path dir = DEFAULT_MODEL.equals(model) ? root.resolve(DEFAULT_MODEL_NAME) : root.resolve(model);
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IllegalStateException("no config.json in " + dir.toAbsolutePath()
                    + " (set -p model=DIR or -Dinference.models.dir=...)");
        }
        return dir;
    }

    /** Loads the named engine on CPU with dummy weights stored in the dtype that matches {@code type}. */
    static Engine load(String engineName, ModelConfig config, ComputeType type, Quantization quantization) {
        DType stored = switch (type) {
            case FLOAT32 -> DType.F32;
            case BFLOAT16 -> DType.BF16;
            case FLOAT16 -> DType.F16;
        };
        long start = System.nanoTime();
        // Both engines keep their own copy (PyTorch tensors; ONNX Runtime's exported, cached fp32 file), so the
        // dummy weights can go right away.
        try (DummyWeights weights = DummyWeights.generate(config, stored, SEED)) {
            Engine engine = EngineRegistry.load(engineName, config, weights,
                    new EngineOptions(type, DeviceSpec.CPU, THREADS, quantization));
            System.out.printf("[bench] %s: %s loaded as %s (%s; kernels %s) in %d ms; %s%n", engineName,
                    config.architecture().modelType(),
                    type.label(), engine.info().precisionNote(), engine.info().kernelsName(),
                    (System.nanoTime() - start) / 1_000_000, rss());
            return engine;
        }
    }

    static ModelConfig config(String model) {
        return ModelConfigParser.read(modelDir(model));
    }

    /** Uniform random token ids in {@code [0, vocabSize)}. */
    static int[] randomTokens(SplittableRandom random, int count, int vocabSize) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = random.nextInt(vocabSize);
        }
        return out;
    }

    /** Blocks {@code [from, from + count)}, one sequence's own run of the cache. */
    static int[] blocks(int from, int count) {
        int[] table = new int[count];
        for (int i = 0; i < count; i++) {
            table[i] = from + i;
        }
        return table;
    }

    static int blocksFor(int tokens) {
        return (tokens + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    /** A sequence for {@link #step}: its block table, tokens already cached, and this step's new tokens. */
    record Seq(int[] blockTable, int cached, int[] newTokens) {
    }

    /**
     * One ragged step over {@code seqs} (as the scheduler builds it: slot = block * blockSize + offset), with
     * logits for each sequence's last new token, or for none when {@code logits} is false.
     */
    static StepBatch step(List<Seq> seqs, boolean logits) {
        int total = seqs.stream().mapToInt(s -> s.newTokens().length).sum();
        int[] tokens = new int[total];
        int[] positions = new int[total];
        int[] slots = new int[total];
        int[] queryStart = new int[seqs.size() + 1];
        int[] contextLens = new int[seqs.size()];
        int[][] tables = new int[seqs.size()][];
        int[] logitRows = new int[logits ? seqs.size() : 0];
        int t = 0;
        for (int s = 0; s < seqs.size(); s++) {
            Seq seq = seqs.get(s);
            for (int j = 0; j < seq.newTokens().length; j++, t++) {
                int pos = seq.cached() + j;
                tokens[t] = seq.newTokens()[j];
                positions[t] = pos;
                slots[t] = seq.blockTable()[pos / BLOCK_SIZE] * BLOCK_SIZE + pos % BLOCK_SIZE;
            }
            queryStart[s + 1] = t;
            contextLens[s] = seq.cached() + seq.newTokens().length;
            tables[s] = seq.blockTable();
            if (logits) {
                logitRows[s] = t - 1;
            }
        }
        return new StepBatch(tokens, positions, queryStart, contextLens, tables, slots, logitRows);
    }

    /**
     * This process's resident set, Java heap in use and the machine's 1-minute load average, for the log after each
     * iteration: RSS that keeps growing from iteration to iteration would point at per-step PyTorch tensors or
     * native buffers that are never freed, and a load above the core count means other processes shared the CPUs.
     */
    static String rss() {
        String rss = "VmRSS ?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    rss = String.format("RSS %d MiB", kb / 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it unknown
        }
        String load = "?";
        try {
            load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it unknown
        }
        Runtime rt = Runtime.getRuntime();
        return rss + String.format(", heap used %d MiB, load %s", (rt.totalMemory() - rt.freeMemory()) >> 20, load);
    }
}
