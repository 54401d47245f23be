package dev.infer.loadtest.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Prompts from a JSONL file, one object a line: {@code {"prompt": "...", "max_tokens": 64}} or, for a chat,
 * {@code {"turns": ["first question", "follow-up"], "max_tokens": 64}}; {@code max_tokens} defaults to the
 * {@code --output-len} setting. Lines are shuffled with the seed, then sent in that order, cycling if the run
 * asks for more. Input lengths are counted with the tokenizer when one is given.
 */
public final class JsonlDataset implements Dataset {
    private final List<Conversation> items;
    private final int[] order;
    private final boolean multiTurn;

    public JsonlDataset(Path file, TokenText counter, LengthSpec output, long seed) {
        this.items = read(file, counter, output, seed);
        if (items.isEmpty()) {
            throw new IllegalArgumentException(file + ": no prompts");
        }
        this.order = shuffled(items.size(), seed);
        this.multiTurn = items.stream().anyMatch(c -> c.turns().size() > 1);
    }

    @Override
    public Conversation conversation(int index) {
        Conversation c = items.get(order[index % order.length]);
        return new Conversation(index, c.turns());
    }

    @Override
    public boolean multiTurn() {
        return multiTurn;
    }

    private static List<Conversation> read(Path file, TokenText counter, LengthSpec output, long seed) {
        ObjectMapper json = new ObjectMapper();
        SplittableRandom rng = Seeds.forItem(seed, 5, 0);
        List<Conversation> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                out.add(parse(json.readTree(line), counter, output.sample(rng), out.size()));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static Conversation parse(JsonNode node, TokenText counter, int defaultMax, int id) {
        int max = node.path("max_tokens").asInt(defaultMax);
        List<String> texts = new ArrayList<>();
        if (node.path("prompt").isTextual()) {
            texts.add(node.get("prompt").textValue());
        } else if (node.path("turns").isArray()) {
            node.get("turns").forEach(t -> texts.add(t.asText()));
        }
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("needs a \"prompt\" string or a \"turns\" array");
        }
        return new Conversation(id, texts.stream()
                .map(t -> new Turn(t, counter == null ? -1 : counter.count(t), max)).toList());
    }

    private static int[] shuffled(int n, long seed) {
        int[] order = java.util.stream.IntStream.range(0, n).toArray();
        SplittableRandom rng = Seeds.forItem(seed, 6, 0);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
