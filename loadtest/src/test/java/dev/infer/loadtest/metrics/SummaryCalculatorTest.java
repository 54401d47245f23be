package dev.infer.loadtest.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A five-request timeline whose every figure is worked out by hand in the comments. */
class SummaryCalculatorTest {
    // run-time intervals: r0 [0,300] r1 [100,500] r2 [200,250] r3 [600,700] r4 [900,1000]
    private static final List<RequestRecord> TIMELINE = List.of(
            new RequestRecord(0, 0, 0, 0, new double[] {100, 200, 300}, 300, 10, 3, 1, Outcome.OK, "200", null, 5.0),
            new RequestRecord(1, 1, 0, 100, new double[] {150, 250}, 400, 10, 2, 0, Outcome.OK, "200", null, 15.0),
            new RequestRecord(2, 2, 0, 200, new double[0], 50, 0, 0, 0, Outcome.ERROR, "503", "busy", null),
            new RequestRecord(3, 3, 0, 600, new double[] {50}, 100, 10, 1, 0, Outcome.CANCELLED, "cancelled", null,
                    null),
            new RequestRecord(4, 4, 0, 900, new double[0], 100, 10, 0, 0, Outcome.TIMEOUT, "timeout", "late", null));

    private final RunSummary s = SummaryCalculator.summarize(TIMELINE, Slo.parse("ttft:120ms"));

    @Test
    void countsOutcomes() {
        assertThat(s.requests()).isEqualTo(5);
        assertThat(s.completed()).isEqualTo(2);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.cancelled()).isEqualTo(1);
        assertThat(s.timedOut()).isEqualTo(1);
        assertThat(s.errorsByStatus()).isEqualTo(Map.of("503", 1, "timeout", 1));
    }

    @Test
    void throughputsDivideCompletedWorkByTheTimeToTheLastEnd() {
        assertThat(s.durationS()).isCloseTo(1.0, within(1e-12)); // r4 ends at 1000 ms
        assertThat(s.requestThroughput()).isCloseTo(2.0, within(1e-12));
        assertThat(s.promptTokens()).isEqualTo(20);
        assertThat(s.outputTokens()).isEqualTo(5);
        assertThat(s.outputThroughput()).isCloseTo(5.0, within(1e-12));
        assertThat(s.totalThroughput()).isCloseTo(25.0, within(1e-12));
    }

    @Test
    void latenciesCoverCompletedRequestsOnly() {
        assertThat(s.ttftMs().mean()).isCloseTo(125, within(1e-12)); // 100, 150
        assertThat(s.tpotMs().mean()).isCloseTo(175, within(1e-12)); // (300-100)/2 = 100, (400-150)/1 = 250
        assertThat(s.itlMs().count()).isEqualTo(3); // 100, 100, 100
        assertThat(s.itlMs().mean()).isCloseTo(100, within(1e-12));
        assertThat(s.e2eMs().median()).isCloseTo(350, within(1e-12)); // 300, 400
        assertThat(s.queueMs().median()).isCloseTo(10, within(1e-12)); // 5, 15
        assertThat(s.queueReported()).isTrue();
    }

    @Test
    void peakConcurrencyIsTheMostOverlappingRequests() {
        assertThat(s.peakConcurrency()).isEqualTo(3); // r0, r1, r2 during [200, 250]
    }

    @Test
    void goodputCountsRequestsMeetingTheSlo() {
        assertThat(s.goodRequests()).isEqualTo(1); // only r0 has TTFT <= 120
        assertThat(s.goodput()).isCloseTo(1.0, within(1e-12));
        assertThat(SummaryCalculator.summarize(TIMELINE, Slo.NONE).goodput()).isNaN();
    }

    @Test
    void thinkingAndAnswerChunksAreSplit() {
        assertThat(s.reasoningChunks()).isEqualTo(1);
        assertThat(s.answerChunks()).isEqualTo(4); // r0: 3 - 1, r1: 2
        assertThat(s.requestsWithReasoning()).isEqualTo(1);
    }

    @Test
    void backToBackRequestsDoNotOverlap() {
        List<RequestRecord> serial = List.of(RequestRecordTest.ok(0, 0, 300, 1, 300),
                RequestRecordTest.ok(1, 300, 300, 1, 300));
        assertThat(SummaryCalculator.peakConcurrency(serial)).isEqualTo(1);
    }

    @Test
    void noQueueTimeMeansNotReported() {
        RunSummary plain = SummaryCalculator.summarize(List.of(RequestRecordTest.ok(0, 0, 300, 1, 300)), Slo.NONE);
        assertThat(plain.queueReported()).isFalse();
        assertThat(plain.queueMs().count()).isZero();
    }
}
