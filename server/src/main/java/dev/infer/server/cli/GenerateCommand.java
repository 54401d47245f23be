package dev.infer.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.loop.EngineLoop;
import dev.infer.batching.loop.GenerationRequest;
import dev.infer.batching.loop.RequestTimings;
import dev.infer.batching.loop.TokenDelta;
import dev.infer.batching.sampling.SamplingParams;
import dev.infer.batching.scheduler.SchedulerConfig;
import dev.infer.batching.scheduler.SchedulingPolicy;
import dev.infer.engines.KvCache;
import dev.infer.models.chat.ChatMessage;
import dev.infer.models.chat.ChatTemplate;
import dev.infer.models.tokenizer.GenerationConfig;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** {@code generate}: one prompt in, text out (streamed), or a JSON object with the token ids. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate a completion for one prompt and print it as it is produced.")
final class GenerateCommand implements Runnable {
    /** Largest step; longer prompts run in chunks. */
    private static final int PREFILL_CHUNK = 2048;
    private static final int BLOCK_SIZE = 16;

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

    @Option(names = "--n", defaultValue = "1", description = "Completions to generate. Default: ${DEFAULT-VALUE}.")
    int n;

    @Option(names = "--stop", paramLabel = "TEXT", description = "A stop string (repeatable): generation ends before it.")
    List<String> stop = List.of();

    @Option(names = "--json", description = "Print one JSON object: prompt_token_ids, token_ids, text, finish_reason.")
    boolean json;

    @Override
    public void run() {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("--max-tokens must be > 0, got " + maxTokens);
        }
        if (n <= 0) {
            throw new IllegalArgumentException("--n must be > 0, got " + n);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LoadedModel model = ModelLoader.load(modelOptions.settings())) {
            if (model.randomWeights()) {
                err.println("note: " + model.name() + " runs on random weights; the text below is random.");
            }
            int[] promptIds = encodePrompt(model);
            SamplingParams params = samplingParams(model);
            int blocksPerChoice = (promptIds.length + maxTokens + BLOCK_SIZE - 1) / BLOCK_SIZE;
            SchedulerConfig limits = new SchedulerConfig(PREFILL_CHUNK, Math.max(1, n), SchedulingPolicy.FCFS, n,
                    (long) n * promptIds.length);
            try (KvCache cache = model.engine().allocateKv(1 + n * blocksPerChoice, BLOCK_SIZE);
                 EngineLoop loop = new EngineLoop(model.engine(), cache, model.tokenizer(),
                         model.specialTokens().eosTokenIdArray(), limits, true)) {
                BlockingQueue<TokenDelta> deltas = new LinkedBlockingQueue<>();
                loop.submit(GenerationRequest.of(promptIds, params), deltas::add);
                List<Choice> choices = collect(deltas, out);
                if (json) {
                    out.println(toJson(model, promptIds, choices));
                } else if (n == 1) {
                    out.println();
                }
                out.flush();
                choices.forEach(c -> printStats(err, promptIds.length, c));
            }
        }
    }

    /** One completion as it accumulates. */
    private static final class Choice {
        final List<Integer> tokens = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        TokenDelta last;
    }

    /** Takes deltas until every choice has finished; with n = 1 and no --json, streams the text as it comes. */
    private List<Choice> collect(BlockingQueue<TokenDelta> deltas, PrintWriter out) {
        List<Choice> choices = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            choices.add(new Choice());
        }
        int open = n;
        while (open > 0) {
            TokenDelta d;
            try {
                d = deltas.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while generating", e);
            }
            Choice c = choices.get(d.index());
            if (d.sample() != null) {
                c.tokens.add(d.sample().tokenId());
            }
            c.text.append(d.text());
            if (!json && n == 1) {
                out.print(d.text());
                out.flush();
            }
            if (d.isFinal()) {
                c.last = d;
                open--;
                if (d.error() != null) {
                    throw new IllegalStateException("generation failed: " + d.error());
                }
            }
        }
        if (!json && n > 1) {
            for (int i = 0; i < n; i++) {
                out.println("--- choice " + i + " ---");
                out.println(choices.get(i).text);
            }
        }
        return choices;
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
                .ignoreEos(ignoreEos).stop(stop).n(n).build();
    }

    private String toJson(LoadedModel model, int[] promptIds, List<Choice> choices) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = mapper.createObjectNode();
        node.put("model", model.name());
        node.putPOJO("prompt_token_ids", promptIds);
        if (n == 1) {
            fill(node, choices.getFirst());
        } else {
            ArrayNode array = node.putArray("choices");
            for (int i = 0; i < choices.size(); i++) {
                fill(array.addObject().put("index", i), choices.get(i));
            }
        }
        try {
            return mapper.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static void fill(ObjectNode node, Choice c) {
        node.putPOJO("token_ids", c.tokens);
        node.put("text", c.text.toString());
        node.put("finish_reason", c.last.finishReason().apiName());
        if (c.last.stopReason() != null) {
            node.putPOJO("stop_reason", c.last.stopReason());
        }
    }

    private static void printStats(PrintWriter err, int promptTokens, Choice c) {
        RequestTimings t = c.last.timings();
        double ttft = t.timeToFirstTokenNanos() / 1e9;
        double decode = (t.finishedNanos() - t.firstTokenNanos()) / 1e9;
        int generated = c.tokens.size();
        err.printf("[%d prompt tokens, first token after %.3f s (%.1f tok/s); %d generated, %.1f tok/s decode;"
                        + " finish: %s]%n", promptTokens, ttft, promptTokens / Math.max(ttft, 1e-9), generated,
                generated > 1 ? (generated - 1) / Math.max(decode, 1e-9) : 0.0, c.last.finishReason().apiName());
    }
}
