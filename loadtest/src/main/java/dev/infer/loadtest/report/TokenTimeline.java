package dev.infer.loadtest.report;

import dev.infer.loadtest.metrics.RequestRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Output tokens per second over each level's time, in 60 equal bins: every chunk's arrival counts the
 * request's output tokens divided by its chunks (normally one token per chunk).
 */
final class TokenTimeline {
    private static final int BINS = 60;

    private TokenTimeline() {
    }

    static String chart(ResultFile file) {
        List<Charts.Series> series = new ArrayList<>();
        for (LevelResult l : file.levels()) {
            series.add(series(l));
        }
        return Charts.png("Output tokens over time: " + file.label(), "seconds since the level started",
                "output tokens/s", series, false, false);
    }

    static Charts.Series series(LevelResult level) {
        double endS = level.requests().stream().mapToDouble(RequestRecord::endRunMs).max().orElse(0) / 1000.0;
        double width = Math.max(endS / BINS, 1e-3);
        double[] tokens = new double[BINS];
        for (RequestRecord r : level.requests()) {
            double[] chunks = r.chunkMs();
            double perChunk = chunks.length == 0 ? 0 : (double) r.outputTokens() / chunks.length;
            for (double c : chunks) {
                int bin = (int) Math.min(BINS - 1, (r.startMs() + c) / 1000.0 / width);
                tokens[bin] += perChunk;
            }
        }
        double[] x = new double[BINS];
        double[] y = new double[BINS];
        for (int b = 0; b < BINS; b++) {
            x[b] = (b + 0.5) * width;
            y[b] = tokens[b] / width;
        }
        return new Charts.Series(level.label(), x, y);
    }
}
