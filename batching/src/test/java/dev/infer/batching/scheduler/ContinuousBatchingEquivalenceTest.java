package dev.infer.batching.scheduler;

import dev.infer.batching.GenerationResult;
import dev.infer.batching.SequenceGenerator;
import dev.infer.batching.kv.KvCacheManager;
import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.engines.djl.DjlEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Continuous batching must not change greedy outputs: 32 concurrent requests of different lengths through the
 * scheduler, the KV-cache manager and the real engine on tinystories-656k give exactly the tokens each request
 * gives alone, with chunked prefill, prefix-cache hits and (with a small pool) preemption by recompute.
 */
class ContinuousBatchingEquivalenceTest {
    private static DjlEngine engine;

    @BeforeAll
    static void load() {
        engine = dev.infer.batching.TinyStories.engine();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private record Request(int[] prompt, int outputTokens) {
    }

    private static List<Request> requests(long seed) {
        Random rnd = new Random(seed);
        int[] sharedPrefix = new int[40];
        sharedPrefix[0] = 1;
        for (int i = 1; i < sharedPrefix.length; i++) {
            sharedPrefix[i] = 3 + rnd.nextInt(2000);
        }
        List<Request> out = new ArrayList<>();
        for (int r = 0; r < 32; r++) {
            int prefix = r % 3 == 0 ? sharedPrefix.length : 1;
            int[] prompt = new int[prefix + 1 + rnd.nextInt(60)];
            System.arraycopy(sharedPrefix, 0, prompt, 0, prefix);
            for (int i = prefix; i < prompt.length; i++) {
                prompt[i] = 3 + rnd.nextInt(2000);
            }
            out.add(new Request(prompt, 1 + rnd.nextInt(40)));
        }
        return out;
    }

    private static int[] alone(Request r) {
        try (KvCache cache = engine.allocateKv(16, 16)) {
            GenerationResult result = new SequenceGenerator(engine, cache, 2048)
                    .generate(r.prompt(), dev.infer.batching.sampling.SamplingParams.greedy(r.outputTokens(), java.util.Set.of()),
                            t -> { });
            return result.tokenIds();
        }
    }

    @ParameterizedTest(name = "{0} blocks, {1} tokens per step")
    @CsvSource({"300, 64", "28, 48"})
    void batchedGreedyOutputsEqualEachRequestAlone(int numBlocks, int maxBatchedTokens) {
        List<Request> requests = requests(numBlocks);
        try (KvCache cache = engine.allocateKv(numBlocks, 16)) {
            KvCacheManager kv = new KvCacheManager(numBlocks, 16, true, cache::copyBlocks);
            Scheduler scheduler = new Scheduler(new SchedulerConfig(maxBatchedTokens, 256, SchedulingPolicy.FCFS,
                    1000, 1_000_000), kv);
            Map<Long, Sequence> live = new HashMap<>();
            for (int i = 0; i < requests.size(); i++) {
                Sequence seq = new Sequence(i, requests.get(i).prompt(), 0, i, null);
                live.put((long) i, seq);
                scheduler.add(seq);
            }
            Map<Long, int[]> outputs = new HashMap<>();
            for (int steps = 0; !live.isEmpty(); steps++) {
                assertThat(steps).as("steps").isLessThan(5000);
                ScheduledStep step = scheduler.schedule();
                assertThat(step.isEmpty()).as("a step must make progress").isFalse();
                kv.flushPendingCopies();
                Logits logits = engine.forward(StepBatchBuilder.build(step, kv), cache);
                int[] sampled = new int[step.entries().size()];
                int row = 0;
                for (int i = 0; i < sampled.length; i++) {
                    if (step.entries().get(i).samples()) {
                        sampled[i] = logits.argmax(row++);
                    }
                }
                scheduler.onStepDone(step, sampled);
                kv.checkInvariants();
                for (ScheduledStep.Entry e : step.entries()) {
                    Sequence seq = e.sequence();
                    int want = requests.get((int) seq.id()).outputTokens();
                    if (seq.status() == SequenceStatus.RUNNING && seq.numOutputTokens() == want) {
                        int[] all = seq.tokens();
                        outputs.put(seq.id(), java.util.Arrays.copyOfRange(all, seq.numPromptTokens(), all.length));
                        scheduler.finish(seq.id(), SequenceStatus.FINISHED_LENGTH);
                        live.remove(seq.id());
                    }
                }
            }
            for (int i = 0; i < requests.size(); i++) {
                assertThat(outputs.get((long) i)).as("request %d", i).containsExactly(alone(requests.get(i)));
            }
            assertThat(kv.stats().usedBlocks()).isZero();
            assertThat(kv.stats().prefixHitTokens()).as("shared prefixes hit the cache").isPositive();
            if (numBlocks < 100) {
                assertThat(scheduler.preemptions()).as("the small pool forces preemption").isPositive();
            }
            System.out.printf("%d blocks: %d preemptions, prefix hit rate %.2f%n", numBlocks,
                    scheduler.preemptions(), kv.stats().prefixHitRate());
        }
    }
}
