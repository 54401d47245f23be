package dev.infer.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.GenerationResult;
import dev.infer.batching.SequenceGenerator;
import dev.infer.batching.sampling.SamplingParams;
import dev.infer.engines.KvCache;
import dev.infer.models.chat.ChatMessage;
import dev.infer.models.chat.ChatTemplate;
import dev.infer.models.tokenizer.GenerationConfig;
import dev.infer.models.tokenizer.IncrementalDetokenizer;
import dev.infer.server.model.LoadedModel;
import dev.infer.server.model.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code generate}: one prompt in, text out (streamed), or a JSON object with the token ids. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate a completion for one prompt and print it as it is produced.")
final class GenerateCommand implements Runnable {
    /** Largest prefill step; longer prompts run in chunks. */
    private static final int PREFILL_CHUNK = 2048;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--prompt", required = true, description = "The prompt text (raw, or the user message with --chat).")
    String prompt;

    @Option(names = "--chat", description = "Render the prompt as a user message with the model's chat template.")
    boolean chat;

    @Option(names = "--system", description = "A system message (with --chat).")
    String system;

    @Option(names = "--chat-template-kwarg", paramLabel = "KEY=VALUE",
            description = "A chat template variable, e.g. enable_thinking=false (repeatable; true/false/numbers are typed).")
    Map<String, String> templateKwargs = Map.of();

    @Option(names = "--max-tokens", defaultValue = "64", description = "Most tokens to generate. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--temperature",
            description = "Sampling temperature; 0 = greedy. Default: generation_config.json's, else 1.0.")
    Double temperature;

    @Option(names = "--top-p", description = "Nucleus sampling mass. Default: generation_config.json's, else 1.0.")
    Double topP;

    @Option(names = "--top-k", description = "Sample among the k most likely tokens; 0 = all. Default: generation_config.json's, else 0.")
    Integer topK;

    @Option(names = "--seed", description = "Seed for reproducible sampling.")
    Long seed;

    @Option(names = "--ignore-eos", description = "Keep generating past end-of-sequence tokens.")
    boolean ignoreEos;

    @Option(names = "--json", description = "Print one JSON object: prompt_token_ids, token_ids, text, finish_reason.")
    boolean json;

    @Override
    public void run() {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("--max-tokens must be > 0, got " + maxTokens);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LoadedModel model = ModelLoader.load(modelOptions.settings())) {
            if (model.randomWeights()) {
                err.println("note: " + model.name() + " runs on random weights; the text below is random.");
            }
            int[] promptIds = encodePrompt(model);
            SamplingParams params = samplingParams(model);
            int blocks = (promptIds.length + maxTokens + 15) / 16;
            try (KvCache cache = model.engine().allocateKv(blocks, 16)) {
                IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(model.tokenizer(), true, promptIds);
                StringBuilder text = new StringBuilder();
                GenerationResult result = new SequenceGenerator(model.engine(), cache, PREFILL_CHUNK)
                        .generate(promptIds, params, model.specialTokens().eosTokenIdArray(), id -> {
                            String delta = detokenizer.next(id);
                            text.append(delta);
                            if (!json) {
                                out.print(delta);
                                out.flush();
                            }
                        });
                String tail = detokenizer.flush();
                text.append(tail);
                if (json) {
                    out.println(toJson(model, result, text.toString()));
                } else {
                    out.println(tail);
                }
                out.flush();
                printStats(err, result);
            }
        }
    }

    private int[] encodePrompt(LoadedModel model) {
        if (!chat) {
            return model.tokenizer().encode(prompt);
        }
        ChatTemplate template = model.chatTemplate().orElseThrow(() -> new IllegalArgumentException(
                "--chat: " + model.name() + " has no chat template (chat_template.jinja or tokenizer_config.json)"));
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) {
            messages.add(ChatMessage.system(system));
        }
        messages.add(ChatMessage.user(prompt));
        String rendered = template.render(messages, true, typedKwargs());
        // The template writes BOS and other special tokens itself.
        return model.tokenizer().encode(rendered, false);
    }

    private Map<String, Object> typedKwargs() {
        Map<String, Object> typed = new java.util.LinkedHashMap<>();
        templateKwargs.forEach((k, v) -> typed.put(k, switch (v) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> v.matches("-?\\d+") ? (Object) Long.parseLong(v) : v;
        }));
        return typed;
    }

    private SamplingParams samplingParams(LoadedModel model) {
        GenerationConfig defaults = model.generationConfig();
        double t = temperature != null ? temperature : defaults.temperature().orElse(1.0);
        double p = topP != null ? topP : defaults.topP().orElse(1.0);
        int k = topK != null ? topK : defaults.topK().orElse(0);
        return SamplingParams.builder().temperature(t).topP(p).topK(k).seed(seed).maxTokens(maxTokens)
                .ignoreEos(ignoreEos).build();
    }

    private static String toJson(LoadedModel model, GenerationResult result, String text) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = mapper.createObjectNode();
        node.put("model", model.name());
        node.putPOJO("prompt_token_ids", result.promptTokenIds());
        node.putPOJO("token_ids", result.tokenIds());
        node.put("text", text);
        node.put("finish_reason", result.finishReason().apiName());
        try {
            return mapper.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static void printStats(PrintWriter err, GenerationResult r) {
        int prompt = r.promptTokenIds().length;
        int generated = r.tokenIds().length;
        double prefillS = r.prefillNanos() / 1e9;
        double decodeS = r.decodeNanos() / 1e9;
        err.printf("[%d prompt tokens in %.3f s (%.1f tok/s); %d generated, %.1f tok/s decode; finish: %s]%n",
                prompt, prefillS, prompt / Math.max(prefillS, 1e-9), generated,
                generated > 1 ? (generated - 1) / Math.max(decodeS, 1e-9) : 0.0, r.finishReason().apiName());
    }
}
