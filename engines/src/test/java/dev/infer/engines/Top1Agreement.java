package dev.infer.engines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.models.testing.SharedModels;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How often a reduced-precision engine picks fp32's top-1 token: every reference prompt of tinystories-656k plus
 * its reference greedy continuation in one teacher-forced step, compared at every continuation position.
 */
public record Top1Agreement(int same, int total, float maxLogitDiff) {
    /** The cases of tinystories-656k's REFERENCE_GREEDY.json. */
    public static JsonNode tinyStoriesCases() throws IOException {
        Path dir = SharedModels.model("tinystories-656k");
        return new ObjectMapper().readTree(dir.resolve("REFERENCE_GREEDY.json").toFile()).get("cases");
    }

    public static Top1Agreement measure(Engine fp32, Engine reduced, JsonNode cases) {
        int same = 0;
        int total = 0;
        float maxDiff = 0;
        for (JsonNode c : cases) {
            int[] prompt = TinyStoriesReferenceTest.ints(c.get("input_ids"));
            int[] continuation = TinyStoriesReferenceTest.ints(c.get("greedy_ids"));
            Logits a = SequenceRunner.teacherForced(fp32, prompt, continuation);
            Logits b = SequenceRunner.teacherForced(reduced, prompt, continuation);
            for (int r = 0; r < a.rows(); r++) {
                same += a.argmax(r) == b.argmax(r) ? 1 : 0;
                total++;
            }
            for (int i = 0; i < a.data().length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(a.data()[i] - b.data()[i]));
            }
        }
        return new Top1Agreement(same, total, maxDiff);
    }

    public double fraction() {
        return (double) same / total;
    }

    @Override
    public String toString() {
        return String.format("top-1 agreement %d/%d = %.3f, max |logit diff| %.3f", same, total, fraction(), maxLogitDiff);
    }
}
