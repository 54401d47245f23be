package dev.infer.loadtest.report;

import dev.infer.loadtest.metrics.RequestRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Output tokens per second over each level's time, in up to 60 equal bins of at least 250 ms (shorter bins
 * only show the server's step rhythm as noise): every chunk's arrival counts the request's output tokens
 * divided by its chunks (normally one token per chunk).
 */
final class TokenTimeline {
    private static final int MAX_BINS = 60;
    private static final double MIN_BIN_S = 0.25;

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
        double width = Math.max(endS / MAX_BINS, MIN_BIN_S);
        int bins = Math.max(1, (int) Math.ceil(endS / width));
        double[] tokens = new double[bins];
        for (RequestRecord r : level.requests()) {
            double[] chunks = r.chunkMs();
            double perChunk = chunks.length == 0 ? 0 : (double) r.outputTokens() / chunks.length;
            for (double c : chunks) {
                int bin = (int) Math.min(bins - 1, (r.startMs() + c) / 1000.0 / width);
                tokens[bin] += perChunk;
            }
        }
        double[] x = new double[bins];
        double[] y = new double[bins];
        for (int b = 0; b < bins; b++) {
            x[b] = (b + 0.5) * width;
            y[b] = tokens[b] / width;
        }
        return new Charts.Series(level.label(), x, y);
    }
}
