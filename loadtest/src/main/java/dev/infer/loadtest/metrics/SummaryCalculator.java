package dev.infer.loadtest.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Computes a {@link RunSummary} from a run's request records (definitions on {@link RunSummary}). */
public final class SummaryCalculator {
    private SummaryCalculator() {
    }

    public static RunSummary summarize(List<RequestRecord> records, Slo slo) {
        List<RequestRecord> ok = records.stream().filter(RequestRecord::ok).toList();
        double durationS = records.stream().mapToDouble(RequestRecord::endRunMs).max().orElse(0) / 1000.0;
        long prompt = ok.stream().mapToLong(RequestRecord::promptTokens).sum();
        long output = ok.stream().mapToLong(RequestRecord::outputTokens).sum();
        int good = (int) ok.stream().filter(slo::met).count();
        return new RunSummary(records.size(), ok.size(), count(records, Outcome.ERROR),
                count(records, Outcome.CANCELLED), count(records, Outcome.TIMEOUT), durationS,
                perSecond(ok.size(), durationS), perSecond(output, durationS), perSecond(prompt + output, durationS),
                prompt, output, peakConcurrency(records), slo.isEmpty() ? Double.NaN : perSecond(good, durationS),
                good, Distribution.of(ok.stream().mapToDouble(RequestRecord::ttftMs).toArray()),
                Distribution.of(ok.stream().mapToDouble(RequestRecord::tpotMs).toArray()),
                Distribution.of(allItls(ok)),
                Distribution.of(ok.stream().mapToDouble(RequestRecord::endMs).toArray()),
                Distribution.of(ok.stream().filter(r -> r.queueMs() != null).mapToDouble(RequestRecord::queueMs)
                        .toArray()),
                errorsByStatus(records), ok.stream().mapToLong(RequestRecord::reasoningChunks).sum(),
                ok.stream().mapToLong(RequestRecord::answerChunks).sum(),
                (int) ok.stream().filter(r -> r.reasoningChunks() > 0).count());
    }

    /** The largest number of requests in flight at once; a request ending exactly when another starts does not overlap it. */
    public static int peakConcurrency(List<RequestRecord> records) {
        List<double[]> events = new ArrayList<>();
        for (RequestRecord r : records) {
            events.add(new double[] {r.startMs(), +1});
            events.add(new double[] {r.endRunMs(), -1});
        }
        // Ends sort before starts at the same instant.
        events.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        int now = 0;
        int peak = 0;
        for (double[] e : events) {
            now += (int) e[1];
            peak = Math.max(peak, now);
        }
        return peak;
    }

    private static double[] allItls(List<RequestRecord> ok) {
        return ok.stream().flatMapToDouble(r -> java.util.Arrays.stream(r.itlMs())).toArray();
    }

    private static Map<String, Integer> errorsByStatus(List<RequestRecord> records) {
        Map<String, Integer> errors = new TreeMap<>();
        for (RequestRecord r : records) {
            if (r.outcome() == Outcome.ERROR || r.outcome() == Outcome.TIMEOUT) {
                errors.merge(r.outcome() == Outcome.TIMEOUT ? "timeout" : r.status(), 1, Integer::sum);
            }
        }
        return errors;
    }

    private static int count(List<RequestRecord> records, Outcome o) {
        return (int) records.stream().filter(r -> r.outcome() == o).count();
    }

    private static double perSecond(double amount, double seconds) {
        return seconds > 0 ? amount / seconds : Double.NaN;
    }
}
