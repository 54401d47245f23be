package dev.infer.models.demo;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.models.config.Architecture;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.weights.DType;
import dev.infer.models.weights.DummyWeights;
import dev.infer.models.weights.ModelWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DemoModelTest {
    private static final Map<String, String> NO_TRUNCATION = Map.of("truncation", "false", "addSpecialTokens", "false");

    @TempDir
    Path root;

    @Test
    void writesAParsableLlamaConfig() throws IOException {
        Path dir = DemoModel.ensure(root);
        assertThat(dir).isEqualTo(root.resolve("demo-v1").toAbsolutePath());
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder(
                "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                "dummy_weights.json", "README.md");
        ModelConfig c = ModelConfigParser.read(dir);
        assertThat(c.architecture()).isEqualTo(Architecture.LLAMA);
        assertThat(c.hiddenSize()).isEqualTo(256);
        assertThat(c.numLayers()).isEqualTo(4);
        assertThat(c.numHeads()).isEqualTo(8);
        assertThat(c.numKvHeads()).isEqualTo(4);
        assertThat(c.intermediateSize()).isEqualTo(688);
        assertThat(c.vocabSize()).isEqualTo(259);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(2048);
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.bosTokenId()).isEqualTo(1);
        assertThat(c.eosTokenIds()).containsExactly(2);
    }

    @Test
    void tokenizerConfigGenerationConfigAndReadme() throws IOException {
        Path dir = DemoModel.ensure(root);
        ObjectMapper json = new ObjectMapper();
        JsonNode tc = json.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertThat(tc.path("bos_token").asText()).isEqualTo("<s>");
        assertThat(tc.path("eos_token").asText()).isEqualTo("</s>");
        assertThat(tc.path("add_bos_token").asBoolean()).isTrue();
        assertThat(tc.path("chat_template").asText()).isEqualTo(DemoModelFiles.CHAT_TEMPLATE)
                .contains("{% for m in messages %}").contains("add_generation_prompt");
        JsonNode gc = json.readTree(dir.resolve("generation_config.json").toFile());
        assertThat(gc.path("eos_token_id").asInt()).isEqualTo(2);
        String readme = Files.readString(dir.resolve("README.md"));
        assertThat(readme).contains("random").contains("DummyWeights").contains(Long.toString(DemoModel.WEIGHT_SEED));
    }

    @Test
    void tokenizerRoundTripsAnyUtf8() throws IOException {
        Path dir = DemoModel.ensure(root);
        List<String> texts = new ArrayList<>(List.of("Hello, world!", "  two  spaces\tand a tab\n",
                "héllo wörld ✓ — “quotes”", "中文字符 and 日本語", "emoji 🚀🦙👩‍👩‍👧 flags 🇫🇷", "\u0001\u007f"));
        Random random = new Random(5);
        for (int i = 0; i < 50; i++) {
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < 1 + random.nextInt(40); j++) {
                int cp;
                do {
                    cp = random.nextInt(5) == 0 ? 0x1F300 + random.nextInt(0x500) : 1 + random.nextInt(0xFFFF);
                } while (Character.isSurrogate((char) cp) || !Character.isDefined(cp));
                sb.appendCodePoint(cp);
            }
            texts.add(sb.toString());
        }
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"), NO_TRUNCATION)) {
            for (String text : texts) {
                Encoding e = tok.encode(text);
                long[] ids = e.getIds();
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                assertThat(ids).as(text).hasSize(utf8.length);
                for (int i = 0; i < ids.length; i++) {
                    assertThat(ids[i]).as(text).isEqualTo(3 + (utf8[i] & 0xFF));
                }
                assertThat(tok.decode(ids)).as(text).isEqualTo(text);
            }
            String longText = "The quick brown fox 🦊 ".repeat(200);
            assertThat(tok.encode(longText).getIds()).hasSize(longText.getBytes(StandardCharsets.UTF_8).length);
        }
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                Map.of("truncation", "false", "addSpecialTokens", "true"))) {
            long[] ids = tok.encode("hi").getIds();
            assertThat(ids).containsExactly(1, 3 + 'h', 3 + 'i');
            assertThat(tok.decode(new long[]{3 + 'h', 3 + 'i', 2}, false)).isEqualTo("hi</s>");
            // As in every Hugging Face tokenizer, special-token text in the input becomes the special token.
            assertThat(tok.encode("a</s>").getIds()).containsExactly(1, 3 + 'a', 2);
        }
    }

    @Test
    void secondCallReusesTheDirectory() throws IOException {
        Path first = DemoModel.ensure(root);
        FileTime written = Files.getLastModifiedTime(first.resolve("config.json"));
        Files.setLastModifiedTime(first.resolve("config.json"), FileTime.fromMillis(written.toMillis() - 60_000));
        FileTime marked = Files.getLastModifiedTime(first.resolve("config.json"));
        Path second = DemoModel.ensure(root);
        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second.resolve("config.json"))).isEqualTo(marked);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void damagedDirectoryIsReplaced() throws IOException {
        Path dir = DemoModel.ensure(root);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\"");
        Files.delete(dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("extra.txt"), "left by someone");
        assertThat(DemoModel.ensure(root)).isEqualTo(dir);
        assertThat(ModelConfigParser.read(dir).vocabSize()).isEqualTo(259);
        assertThat(dir.resolve("tokenizer.json")).exists();
        assertThat(dir.resolve("extra.txt")).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void concurrentCallsAgree() throws Exception {
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit((Callable<Path>) () -> {
                    start.await();
                    return DemoModel.ensure(root);
                }));
            }
            start.countDown();
            Set<Path> paths = new HashSet<>();
            for (Future<Path> f : results) {
                paths.add(f.get());
            }
            assertThat(paths).hasSize(1);
            Path dir = paths.iterator().next();
            assertThat(ModelConfigParser.read(dir).hiddenSize()).isEqualTo(256);
            assertThat(leftovers()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void weightsAreGeneratedFromTheFixedSeed() {
        Path dir = DemoModel.ensure(root);
        assertThat(DemoModel.isDemo(dir)).isTrue();
        assertThat(DemoModel.isDemo(root)).isFalse();
        ModelConfig config = ModelConfigParser.read(dir);
        try (DummyWeights a = DemoModel.weights(dir, DType.F32); DummyWeights b = DemoModel.weights(dir, DType.F32)) {
            assertThat(a.seed()).isEqualTo(DemoModel.WEIGHT_SEED);
            ModelWeights.of(a).validate(config);
            String name = "model.layers.3.mlp.down_proj.weight";
            assertThat(a.get(name).data().mismatch(b.get(name).data())).isEqualTo(-1);
            assertThat(ModelWeights.of(a).lmHead().shape()).containsExactly(259, 256);
        }
    }

    @Test
    void defaultRootFollowsXdgThenHome() {
        assertThat(DemoModel.defaultRoot(Map.of("XDG_CACHE_HOME", "/x/cache", "HOME", "/home/u")))
                .isEqualTo(Path.of("/x/cache/inference-server"));
        assertThat(DemoModel.defaultRoot(Map.of("HOME", "/home/u")))
                .isEqualTo(Path.of("/home/u/.cache/inference-server"));
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> !p.getFileName().toString().equals("demo-v1")).toList();
        }
    }
}
