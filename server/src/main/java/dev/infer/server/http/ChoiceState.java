package dev.infer.server.http;

import dev.infer.batching.loop.TokenDelta;
import dev.infer.batching.sampling.SampleResult;

import java.util.ArrayList;
import java.util.List;

/** One completion (of n) as its deltas arrive. */
final class ChoiceState {
    final int index;
    final StringBuilder text = new StringBuilder();
    final StringBuilder reasoning = new StringBuilder();
    final List<SampleResult> samples = new ArrayList<>();
    TokenDelta last;

    ChoiceState(int index) {
        this.index = index;
    }

    void add(TokenDelta d) {
        if (d.sample() != null) {
            samples.add(d.sample());
        }
        text.append(d.text());
        reasoning.append(d.reasoningText());
        if (d.isFinal()) {
            last = d;
        }
    }

    int[] tokenIds() {
        return samples.stream().mapToInt(SampleResult::tokenId).toArray();
    }
}
