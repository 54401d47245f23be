package dev.infer.models.hub;

import dev.infer.models.testing.SharedModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared fixtures: the real tinystories-656k files as repo content, and settings pointing at a fake hub. */
final class HubTestSupport {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final List<String> TINYSTORIES_FILES = List.of("config.json", "generation_config.json",
            "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors");

    private HubTestSupport() {
    }

    /** The model's files plus things a hub repo has that serving must not download. */
    static Map<String, byte[]> tinystoriesRepo() throws IOException {
        Path model = SharedModels.model("tinystories-656k");
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(".gitattributes", "*.safetensors filter=lfs\n".getBytes());
        files.put("README.md", "# tinystories\n".getBytes());
        for (String f : TINYSTORIES_FILES) {
            files.put(f, Files.readAllBytes(model.resolve(f)));
        }
        files.put("REFERENCE_GREEDY.json", Files.readAllBytes(model.resolve("REFERENCE_GREEDY.json")));
        files.put("pytorch_model.bin", new byte[4096]);
        files.put("onnx/model.onnx", new byte[2048]);
        files.put("model.gguf", new byte[1024]);
        return files;
    }

    static Map<String, String> env(FakeHub hub, Path home) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home.toString());
        env.put("HF_HOME", home.resolve("hf").toString());
        env.put("HF_ENDPOINT", hub.endpoint().toString());
        return env;
    }

    /** Fast retries so failure tests finish quickly; short timeouts so nothing can hang a test. */
    static HubSettings settings(Map<String, String> env) {
        return HubSettings.fromEnv(env).withRetries(3, Duration.ofMillis(20))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    static ModelLocator locator(HubSettings settings, Path home) {
        return new ModelLocator(settings, home.resolve("demo-root"), ProgressListener.silent());
    }
}
