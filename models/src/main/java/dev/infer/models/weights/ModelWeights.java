package dev.infer.models.weights;

import dev.infer.models.ModelFormatException;
import dev.infer.models.config.ModelConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model's weights as an engine needs them: resolves tied embeddings and checks a checkpoint against its
 * config before anything is loaded.
 *
 * <p>Tied embeddings are stored either way: {@code transformers} saves {@code model.embed_tokens.weight}, but
 * some exporters (tinystories-656k) keep only {@code lm_head.weight}. Either one serves as both.
 * {@link #validate(ModelConfig)} additionally rejects a checkpoint that ties embeddings yet stores two
 * different matrices, so the lenient lookups here never pick the wrong one for a validated checkpoint.
 */
public final class ModelWeights {
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d{1,9})\\..*");
    /** Tensors that change the math when present; stored but unexpected, an engine would silently skip them. */
    private static final Pattern MATH_CHANGING = Pattern.compile(".*\\.(bias|q_norm\\.weight|k_norm\\.weight)");
    private static final int MAX_LISTED = 20;

    private final WeightSource source;

    private ModelWeights(WeightSource source) {
        this.source = source;
    }

    public static ModelWeights of(WeightSource source) {
        return new ModelWeights(source);
    }

    public WeightSource source() {
        return source;
    }

    public Tensor get(String name) {
        return source.get(name);
    }

    /** A tensor of decoder layer {@code layer}, e.g. {@code layer(3, "self_attn.q_proj.weight")}. */
    public Tensor layer(int layer, String suffix) {
        return source.get(CheckpointLayout.layerPrefix(layer) + suffix);
    }

    /** The token embedding table [vocab, hidden]: {@code model.embed_tokens.weight}, else {@code lm_head.weight}. */
    public Tensor embedTokens() {
        if (source.contains(CheckpointLayout.EMBED_TOKENS)) {
            return source.get(CheckpointLayout.EMBED_TOKENS);
        }
        if (source.contains(CheckpointLayout.LM_HEAD)) {
            return source.get(CheckpointLayout.LM_HEAD);
        }
        throw neither("token embedding");
    }

    /** The output projection [vocab, hidden]: {@code lm_head.weight}, else the (tied) embedding. */
    public Tensor lmHead() {
        if (source.contains(CheckpointLayout.LM_HEAD)) {
            return source.get(CheckpointLayout.LM_HEAD);
        }
        if (source.contains(CheckpointLayout.EMBED_TOKENS)) {
            return source.get(CheckpointLayout.EMBED_TOKENS);
        }
        throw neither("output projection (lm_head)");
    }

    /** True when {@link #lmHead()} and {@link #embedTokens()} are one stored tensor (engines may share memory). */
    public boolean sharesEmbedding() {
        return !(source.contains(CheckpointLayout.EMBED_TOKENS) && source.contains(CheckpointLayout.LM_HEAD));
    }

    private ModelFormatException neither(String what) {
        return new ModelFormatException("weights hold no " + what + ": looked for " + CheckpointLayout.EMBED_TOKENS
                + " and " + CheckpointLayout.LM_HEAD + " (found " + source.names().size() + " other tensors)");
    }

    /**
     * Checks every tensor {@code config} implies exists with its shape and a supported dtype, that an untied
     * config has its own {@code lm_head.weight}, and that nothing is stored that the config would make an engine
     * ignore (biases, q/k norms, extra layers). Throws one {@link ModelFormatException} listing every problem.
     */
    public void validate(ModelConfig config) {
        List<String> problems = new ArrayList<>();
        for (TensorSpec spec : CheckpointLayout.expected(config)) {
            if (spec.role() == TensorSpec.Role.EMBEDDING) {
                checkEmbedding(spec, problems);
            } else if (spec.role() == TensorSpec.Role.LM_HEAD && !source.contains(spec.name())) {
                problems.add(spec.name() + ": missing (config.json has tie_word_embeddings=false, so the output "
                        + "projection must be stored), expected shape " + Arrays.toString(spec.shape()));
            } else {
                check(spec.name(), spec, problems);
            }
        }
        if (config.tieWordEmbeddings()) {
            checkTiedCopiesAgree(problems);
        }
        problems.addAll(unexpected(config));
        if (!problems.isEmpty()) {
            StringBuilder msg = new StringBuilder("weights do not match config.json (" + config.architecture()
                    .modelType() + ", " + config.numLayers() + " layers): " + problems.size() + " problem(s)");
            problems.stream().limit(MAX_LISTED).forEach(p -> msg.append("\n  ").append(p));
            if (problems.size() > MAX_LISTED) {
                msg.append("\n  ... and ").append(problems.size() - MAX_LISTED).append(" more");
            }
            throw new ModelFormatException(msg.toString());
        }
    }

    private void checkEmbedding(TensorSpec spec, List<String> problems) {
        if (source.contains(CheckpointLayout.EMBED_TOKENS)) {
            check(CheckpointLayout.EMBED_TOKENS, spec, problems);
        } else if (source.contains(CheckpointLayout.LM_HEAD)) {
            check(CheckpointLayout.LM_HEAD, spec, problems);
        } else {
            problems.add(CheckpointLayout.EMBED_TOKENS + ": missing (and no " + CheckpointLayout.LM_HEAD
                    + " to use instead), expected shape " + Arrays.toString(spec.shape()));
        }
    }

    private void check(String storedName, TensorSpec spec, List<String> problems) {
        if (!source.contains(storedName)) {
            problems.add(storedName + ": missing, expected shape " + Arrays.toString(spec.shape()));
            return;
        }
        Tensor t;
        try {
            t = source.get(storedName);
        } catch (ModelFormatException e) {
            problems.add(storedName + ": unreadable: " + e.getMessage());
            return;
        }
        if (!spec.hasShape(t.shape())) {
            problems.add(storedName + ": expected shape " + Arrays.toString(spec.shape()) + ", found "
                    + Arrays.toString(t.shape()));
        }
    }

    /** Tied config but both matrices stored: they must hold the same values, or "which one" would matter. */
    private void checkTiedCopiesAgree(List<String> problems) {
        if (!source.contains(CheckpointLayout.EMBED_TOKENS) || !source.contains(CheckpointLayout.LM_HEAD)) {
            return;
        }
        try {
            Tensor embed = source.get(CheckpointLayout.EMBED_TOKENS);
            Tensor head = source.get(CheckpointLayout.LM_HEAD);
            if (embed.dtype() != head.dtype() || !Arrays.equals(embed.shape(), head.shape())
                    || embed.data().mismatch(head.data()) != -1) {
                problems.add(CheckpointLayout.LM_HEAD + ": differs from " + CheckpointLayout.EMBED_TOKENS
                        + " although config.json has tie_word_embeddings=true");
            }
        } catch (ModelFormatException e) {
            // Already reported by the per-tensor checks.
        }
    }

    private List<String> unexpected(ModelConfig config) {
        Set<String> expected = new HashSet<>();
        CheckpointLayout.expected(config).forEach(s -> expected.add(s.name()));
        List<String> problems = new ArrayList<>();
        for (String name : source.names()) {
            if (expected.contains(name)) {
                continue;
            }
            Matcher m = LAYER.matcher(name);
            if (m.matches() && Integer.parseInt(m.group(1)) >= config.numLayers()) {
                problems.add(name + ": stored, but config.json has only " + config.numLayers() + " layers");
            } else if (m.matches() && MATH_CHANGING.matcher(name).matches()) {
                problems.add(name + ": stored, but config.json does not enable it (attention_bias / model_type)");
            }
        }
        return problems;
    }
}
