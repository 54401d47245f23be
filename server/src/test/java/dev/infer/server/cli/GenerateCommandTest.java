package dev.infer.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code generate} command end to end: real model files, real engine, captured output. */
class GenerateCommandTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void jsonOutputHasTheReferenceGreedyIdsOnTinyStories() throws IOException {
        Path dir = SharedModels.model("tinystories-656k");
        JsonNode reference = new ObjectMapper().readTree(dir.resolve("REFERENCE_GREEDY.json").toFile());
        JsonNode c = null;
        for (JsonNode each : reference.get("cases")) {
            if (each.get("prompt").asText().equals("Once upon a time")) {
                c = each;
            }
        }
        assertThat(c).as("reference case 'Once upon a time'").isNotNull();
        int maxTokens = c.get("greedy_ids").size();
        Run r = run("generate", "--model", dir.toString(), "--prompt", "Once upon a time", "--max-tokens",
                Integer.toString(maxTokens), "--temperature", "0", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("prompt_token_ids")).isEqualTo(c.get("input_ids"));
        assertThat(json.get("token_ids")).isEqualTo(c.get("greedy_ids"));
        assertThat(json.get("finish_reason").asText()).isEqualTo("length");
        assertThat(json.get("text").asText()).isNotBlank().doesNotContain("\uFFFD");
    }

    @Test
    void onnxRuntimeWithInt8WeightsGenerates() throws IOException {
        Run r = run("generate", "--model", SharedModels.model("tinystories-656k").toString(), "--engine", "onnxruntime",
                "--quantization", "int8", "--prompt", "Once upon a time", "--max-tokens", "6", "--temperature", "0",
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.toString()).contains("\"finish_reason\":\"length\"");
    }

    @Test
    void plainOutputStreamsTheText() {
        Path dir = SharedModels.model("tinystories-656k");
        Run r = run("generate", "--model", dir.toString(), "--prompt", "Once upon a time", "--max-tokens", "12",
                "--temperature", "0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith(", a little girl named Lily");
        assertThat(r.err()).contains("6 prompt tokens").contains("12 generated");
    }

    @Test
    void stopStringsAndSeveralCompletions() throws IOException {
        Path dir = SharedModels.model("tinystories-656k");
        Run stopped = run("generate", "--model", dir.toString(), "--prompt", "Once upon a time", "--max-tokens", "40",
                "--temperature", "0", "--stop", "Lily", "--json");
        assertThat(stopped.exitCode()).as(stopped.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(stopped.out());
        assertThat(json.get("text").asText()).isEqualTo(", a little girl named ");
        assertThat(json.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(json.get("stop_reason").asText()).isEqualTo("Lily");

        Run three = run("generate", "--model", dir.toString(), "--prompt", "Once upon a time", "--max-tokens", "10",
                "--temperature", "0.9", "--seed", "5", "--n", "3", "--json");
        assertThat(three.exitCode()).as(three.err()).isZero();
        JsonNode choices = new ObjectMapper().readTree(three.out()).get("choices");
        assertThat(choices).hasSize(3);
        assertThat(choices.get(0).get("token_ids")).isNotEqualTo(choices.get(1).get("token_ids"));
        Run again = run("generate", "--model", dir.toString(), "--prompt", "Once upon a time", "--max-tokens", "10",
                "--temperature", "0.9", "--seed", "5", "--n", "3", "--json");
        assertThat(new ObjectMapper().readTree(again.out()).get("choices")).isEqualTo(choices);
    }

    @Test
    void demoNeedsNoFilesAndSaysItsTextIsRandom() {
        Run r = run("generate", "--prompt", "Hello", "--max-tokens", "5", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("random");
        Run chat = run("generate", "--chat", "--system", "Be brief.", "--prompt", "Hello", "--max-tokens", "3");
        assertThat(chat.exitCode()).as(chat.err()).isZero();
    }

    @Test
    void badInputIsOneClearErrorLine(@TempDir Path empty) throws IOException {
        Path tiny = SharedModels.model("tinystories-656k");
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[]{"--model", tiny.toString(), "--prompt", "x", "--max-tokens", "0"});
        cases.add(new String[]{"--model", empty.toString(), "--prompt", "x"});
        cases.add(new String[]{"--model", tiny.toString(), "--prompt", "x", "--device", "cuda:0"});
        cases.add(new String[]{"--model", tiny.toString(), "--prompt", "x", "--engine", "onnxruntime", "--dtype", "float16"});
        cases.add(new String[]{"--model", tiny.toString(), "--prompt", "x", "--chat"});
        cases.add(new String[]{"--model", tiny.toString(), "--prompt", "x", "--max-tokens", "600"});
        cases.add(new String[]{"--model", tiny.toString(), "--prompt", "x", "--dtype", "int3"});
        cases.add(new String[]{"--model", tiny.toString(), "--prompt", "x", "--quantization", "int8"});
        cases.add(new String[]{"--model", tiny.toString(), "--prompt", "x", "--quantization", "int2"});
        String[] expected = {"--max-tokens", "config.json", "cuda:0", "onnxruntime", "chat template",
                "context length of 512", "int3", "--engine djl", "int2"};
        for (int i = 0; i < cases.size(); i++) {
            String[] args = new String[cases.get(i).length + 1];
            args[0] = "generate";
            System.arraycopy(cases.get(i), 0, args, 1, cases.get(i).length);
            Run r = run(args);
            assertThat(r.exitCode()).as("case %d: %s", i, r.err()).isEqualTo(1);
            assertThat(r.err()).as("case %d", i).contains("error: ").contains(expected[i]).doesNotContain("\tat ");
        }
        Files.writeString(empty.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
        Run unknown = run("generate", "--model", empty.toString(), "--prompt", "x");
        assertThat(unknown.err()).contains("model_type").contains("gpt2");
    }
}
