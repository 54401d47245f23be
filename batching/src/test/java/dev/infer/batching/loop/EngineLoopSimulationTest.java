package dev.infer.batching.loop;

import dev.infer.batching.FinishReason;
import dev.infer.batching.SequenceGenerator;
import dev.infer.batching.sampling.SamplingParams;
import dev.infer.batching.scheduler.SchedulerConfig;
import dev.infer.batching.scheduler.SchedulingPolicy;
import dev.infer.engines.KvCache;
import dev.infer.models.tokenizer.TextTokenizer;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of random requests (shared prefixes, lengths, n, priorities, cancellations) through the real engine loop,
 * scheduler and KV manager over a tiny block pool, with the {@link ToyEngine}: every completion that is not cancelled
 * equals the same request run alone, cancelled ones end with abort, and at the end no block is used.
 */
class EngineLoopSimulationTest {
    private static TextTokenizer tokenizer;

    @BeforeAll
    static void load() {
        // Only used to stream text; the toy vocabulary's ids are valid tokens of this one.
        tokenizer = TextTokenizer.load(SharedModels.model("tinystories-656k"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private record Submitted(int[] prompt, SamplingParams params, boolean cancel) {
    }

    @ParameterizedTest(name = "seed {0}, {1} blocks, {2}")
    @CsvSource({"1, 20, FCFS", "2, 48, PRIORITY", "3, 12, PRIORITY"})
    void randomLoadGivesEveryRequestItsAloneOutput(long seed, int numBlocks, SchedulingPolicy policy) throws Exception {
        Random rnd = new Random(seed);
        ToyEngine engine = new ToyEngine();
        int blockSize = 4;
        int[][] prefixes = {tokens(rnd, 9), tokens(rnd, 13), tokens(rnd, 2)};
        int requests = 1200;
        List<Submitted> submitted = new ArrayList<>();
        Map<String, int[]> outputs = new ConcurrentHashMap<>();
        Map<String, FinishReason> reasons = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(requests);
        try (KvCache cache = engine.allocateKv(numBlocks, blockSize);
             EngineLoop loop = new EngineLoop(engine, cache, tokenizer, new int[]{0},
                     new SchedulerConfig(16, 8, policy, 100_000, 10_000_000), true)) {
            for (int i = 0; i < requests; i++) {
                int[] prompt = prompt(rnd, prefixes);
                int room = (numBlocks - 1) * blockSize - prompt.length;
                SamplingParams params = SamplingParams.builder().temperature(0).ignoreEos(true)
                        .maxTokens(1 + rnd.nextInt(Math.min(12, room))).n(1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 3 : 1))
                        .build();
                boolean cancel = rnd.nextInt(10) == 0;
                submitted.add(new Submitted(prompt, params, cancel));
                int index = i;
                int[] remaining = {params.n()};
                List<List<Integer>> tokens = new ArrayList<>();
                for (int c = 0; c < params.n(); c++) {
                    tokens.add(new ArrayList<>());
                }
                long id = loop.submit(new GenerationRequest(prompt, params, rnd.nextInt(3), null, 0), d -> {
                    if (d.sample() != null) {
                        tokens.get(d.index()).add(d.sample().tokenId());
                    }
                    if (d.isFinal()) {
                        String key = index + "/" + d.index();
                        outputs.put(key, tokens.get(d.index()).stream().mapToInt(Integer::intValue).toArray());
                        reasons.put(key, d.finishReason());
                        if (--remaining[0] == 0) {
                            done.countDown();
                        }
                    }
                });
                if (cancel) {
                    loop.cancel(id);
                }
                if (rnd.nextInt(50) == 0) {
                    Thread.sleep(1);
                }
            }
            assertThat(done.await(120, TimeUnit.SECONDS)).as("every request finishes").isTrue();
            for (int i = 0; i < 100 && loop.stats().kvCache().usedBlocks() > 0; i++) {
                Thread.sleep(10);
            }
            assertThat(loop.stats().kvCache().usedBlocks()).isZero();
            assertThat(loop.stats().kvCache().prefixHitTokens()).isPositive();
            if (numBlocks <= 20) {
                assertThat(loop.stats().preemptions()).isPositive();
            }
        }
        int compared = 0;
        for (int i = 0; i < requests; i++) {
            Submitted s = submitted.get(i);
            for (int c = 0; c < s.params().n(); c++) {
                String key = i + "/" + c;
                if (reasons.get(key) == FinishReason.ABORT) {
                    assertThat(s.cancel()).as("only cancelled requests abort (%s)", key).isTrue();
                    continue;
                }
                assertThat(reasons.get(key)).isEqualTo(FinishReason.LENGTH);
                assertThat(outputs.get(key)).as(key).containsExactly(alone(engine, s.prompt(), s.params().forChoice(c)));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(requests / 2);
    }

    private static int[] alone(ToyEngine engine, int[] prompt, SamplingParams params) {
        try (KvCache cache = engine.allocateKv(64, 4)) {
            return new SequenceGenerator(engine, cache, 16).generate(prompt, params, new int[0], t -> { }).tokenIds();
        }
    }

    private static int[] prompt(Random rnd, int[][] prefixes) {
        int[] prefix = rnd.nextBoolean() ? prefixes[rnd.nextInt(prefixes.length)] : new int[0];
        int[] p = new int[Math.max(1, prefix.length + rnd.nextInt(8))];
        for (int i = 0; i < p.length; i++) {
            p[i] = i < prefix.length ? prefix[i] : 3 + rnd.nextInt(ToyEngine.VOCAB - 3);
        }
        return p;
    }

    private static int[] tokens(Random rnd, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = 3 + rnd.nextInt(ToyEngine.VOCAB - 3);
        }
        return t;
    }
}
