package dev.infer.models.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import dev.infer.models.ModelFormatException;
import dev.infer.models.tokenizer.TokenizerConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Hugging Face chat template, rendered as transformers' {@code apply_chat_template(..., tokenize=False)}
 * would: variables {@code messages}, {@code add_generation_prompt}, the special-token strings
 * ({@code bos_token}, {@code eos_token}, ...) and any extra keyword arguments ({@code tools},
 * {@code enable_thinking}, ...). Rendering runs on Jinjava with the adjustments in {@link HfJinjava},
 * {@link TemplateSourceRewriter} and {@link PyForTag}. Instances are immutable and thread-safe.
 *
 * <p>Encode the rendered prompt with {@code addSpecialTokens=false}, as transformers does: templates that need
 * a BOS print {@code bos_token} themselves.
 */
public final class ChatTemplate {
    public static final String TEMPLATE_FILE = "chat_template.jinja";

    private final String name;
    private final String source;
    private final String prepared;
    private final Map<String, String> specialTokens;
    private final Jinjava jinjava;

    private ChatTemplate(String name, String source, Map<String, String> specialTokens, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        TemplateSourceRewriter.Prepared rewritten = TemplateSourceRewriter.prepare(source);
        this.prepared = rewritten.source();
        this.specialTokens = Map.copyOf(specialTokens);
        this.jinjava = HfJinjava.create(clock);
        validate(rewritten);
    }

    /**
     * The model directory's template: {@code chat_template.jinja} if present (newer transformers save it
     * there), else {@code tokenizer_config.json}'s {@code chat_template} ("default" when it is a list).
     * Empty for base models without one.
     */
    public static Optional<ChatTemplate> find(Path modelDir) {
        TokenizerConfig config = TokenizerConfig.load(modelDir);
        Path file = modelDir.resolve(TEMPLATE_FILE);
        if (Files.isRegularFile(file)) {
            return Optional.of(fromFile(file, config.templateVariables()));
        }
        return config.chatTemplate(TokenizerConfig.DEFAULT_TEMPLATE).map(src -> new ChatTemplate(
                modelDir.resolve(TokenizerConfig.FILE_NAME) + " (chat_template)", src, config.templateVariables(),
                Clock.systemDefaultZone()));
    }

    /** Like {@link #find(Path)}, but a model without a template is an error. */
    public static ChatTemplate fromModelDir(Path modelDir) {
        return find(modelDir).orElseThrow(() -> new ModelFormatException(modelDir + ": no chat template (neither "
                + TEMPLATE_FILE + " nor chat_template in " + TokenizerConfig.FILE_NAME + ")"));
    }

    /**
     * A template file given explicitly (e.g. a DeepSeek-R1 template for a model directory without one).
     *
     * @param specialTokens template variables such as {@code bos_token} → {@code <｜begin▁of▁sentence｜>};
     *                      see {@link TokenizerConfig#templateVariables()}
     */
    public static ChatTemplate fromFile(Path templateFile, Map<String, String> specialTokens) {
        try {
            return new ChatTemplate(templateFile.toString(), Files.readString(templateFile), specialTokens,
                    Clock.systemDefaultZone());
        } catch (IOException e) {
            throw new ModelFormatException(templateFile + ": cannot read chat template: " + e.getMessage(), e);
        }
    }

    /** A template from its source text; {@code name} appears in error messages. */
    public static ChatTemplate of(String name, String source, Map<String, String> specialTokens) {
        return new ChatTemplate(name, source, specialTokens, Clock.systemDefaultZone());
    }

    /** The same template with {@code strftime_now} reading this clock (and its zone). */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(name, source, specialTokens, clock);
    }

    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /**
     * @param kwargs extra template variables, e.g. {@code enable_thinking=false} or {@code tools} (a list of
     *               OpenAI-style tool definitions as maps or Jackson nodes); null values are left undefined
     * @throws ChatTemplateException when the template fails or rejects the conversation
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> kwargs) {
        return renderMaps(messages.stream().map(ChatMessage::toTemplateMap).toList(), addGenerationPrompt, kwargs);
    }

    /** As {@link #render(List, boolean, Map)}, with messages already given as dicts (e.g. from request JSON). */
    public String renderMaps(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt,
                             Map<String, ?> kwargs) {
        Map<String, Object> context = new HashMap<>(specialTokens);
        kwargs.forEach((key, value) -> {
            if (value != null) {
                context.put(key, TemplateValues.plain(value));
            }
        });
        context.put("messages", TemplateValues.plain(messages));
        context.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result = jinjava.renderForResult(prepared, context);
        failOnErrors(result.getErrors());
        return result.getOutput();
    }

    public String name() {
        return name;
    }

    /** The template text as written by the model's authors. */
    public String source() {
        return source;
    }

    public Map<String, String> specialTokens() {
        return specialTokens;
    }

    // Block structure (unclosed or unknown tags) and the filters and tests used are checked once here (Jinjava
    // would render an unknown filter as nothing); expression errors show at render.
    private void validate(TemplateSourceRewriter.Prepared rewritten) {
        for (String filter : rewritten.filters()) {
            if (jinjava.getGlobalContext().getFilter(filter) == null) {
                throw new ChatTemplateException(
                        "chat template " + name + " uses the unsupported filter '" + filter + "'");
            }
        }
        for (String test : rewritten.tests()) {
            if (jinjava.getGlobalContext().getExpTest(test) == null) {
                throw new ChatTemplateException("chat template " + name + " uses the unsupported test '" + test + "'");
            }
        }
        JinjavaInterpreter interpreter = jinjava.newInterpreter();
        try (var current = JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
            current.value().parse(prepared);
        }
        failOnErrors(interpreter.getErrors());
    }

    // Jinjava reports problems as a list and renders on; transformers raises. Any fatal or syntax error fails.
    private void failOnErrors(List<TemplateError> errors) {
        List<String> messages = new ArrayList<>();
        for (TemplateError error : errors) {
            boolean fatal = error.getSeverity() == TemplateError.ErrorType.FATAL
                    || error.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR;
            if (!fatal) {
                continue;
            }
            for (Throwable t = error.getException(); t != null; t = t.getCause()) {
                if (t instanceof TemplateFunctions.RaisedException raised) {
                    throw new ChatTemplateException("chat template rejected the request: " + raised.getMessage());
                }
            }
            messages.add(describe(error));
        }
        if (!messages.isEmpty()) {
            throw new ChatTemplateException("chat template " + name + " failed: " + String.join("; ", messages));
        }
    }

    private static String describe(TemplateError error) {
        String message = error.getMessage();
        Throwable root = error.getException();
        while (root != null && root.getCause() != null) {
            root = root.getCause();
        }
        if (root != null && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += " (" + root.getMessage() + ")";
        }
        return (error.getLineno() > 0 ? "line " + error.getLineno() + ": " : "") + message;
    }
}
