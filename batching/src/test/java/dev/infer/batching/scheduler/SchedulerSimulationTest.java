package dev.infer.batching.scheduler;

import dev.infer.batching.kv.KvCacheManager;
import dev.infer.engines.StepBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deterministic simulation: thousands of random requests (shared prefixes, lengths, priorities, cancellations)
 * through the scheduler and a tiny block pool, with a fake engine whose "KV memory" records, per slot, a
 * fingerprint of the token prefix written there. After every step: budgets hold, no slot is written twice, every
 * sequence reads back its own prefix at every computed position (prefix caching, copy-on-write and preemption are
 * all correct), and the KV manager's invariants hold. At the end no block is used.
 */
class SchedulerSimulationTest {

    @ParameterizedTest(name = "seed {0}, {1} blocks, policy {2}")
    @CsvSource({"1, 24, FCFS", "2, 64, PRIORITY", "3, 12, PRIORITY", "4, 200, FCFS", "5, 24, PRIORITY",
            "6, 16, PRIORITY", "7, 200, PRIORITY"})
    void invariantsHoldAfterEveryStep(long seed, int numBlocks, SchedulingPolicy policy) {
        Random rnd = new Random(seed);
        int blockSize = 4;
        Map<Integer, Long> memory = new HashMap<>();
        KvCacheManager kv = new KvCacheManager(numBlocks, blockSize, true, (src, dst) -> {
            for (int i = 0; i < src.length; i++) {
                for (int o = 0; o < blockSize; o++) {
                    Long v = memory.get(src[i] * blockSize + o);
                    if (v == null) {
                        memory.remove(dst[i] * blockSize + o);
                    } else {
                        memory.put(dst[i] * blockSize + o, v);
                    }
                }
            }
        });
        SchedulerConfig config = new SchedulerConfig(16, 6, policy, 10_000, 1_000_000);
        Scheduler scheduler = new Scheduler(config, kv);
        int[][] prefixes = {randomTokens(rnd, 9), randomTokens(rnd, 14), randomTokens(rnd, 3)};
        int maxTokensPerSeq = (numBlocks - 1) * blockSize;
        Map<Long, Integer> targetOutput = new HashMap<>();
        Map<Long, Sequence> live = new HashMap<>();
        long nextId = 0;
        int finished = 0;
        int cancelled = 0;
        int totalRequests = 1500;
        for (int step = 0; finished + cancelled < totalRequests; step++) {
            assertThat(step).as("the simulation ends").isLessThan(200_000);
            while (nextId < totalRequests && rnd.nextInt(3) == 0) {
                int[] prompt = prompt(rnd, prefixes, Math.min(30, maxTokensPerSeq / 2));
                int output = 1 + rnd.nextInt(Math.min(20, maxTokensPerSeq - prompt.length));
                Sequence seq = new Sequence(nextId, prompt, rnd.nextInt(3), nextId, null);
                targetOutput.put(nextId, output);
                live.put(nextId, seq);
                scheduler.add(seq);
                nextId++;
            }
            if (!live.isEmpty() && rnd.nextInt(25) == 0) {
                Long victim = new ArrayList<>(live.keySet()).get(rnd.nextInt(live.size()));
                scheduler.finish(victim, SequenceStatus.FINISHED_ABORTED);
                live.remove(victim);
                cancelled++;
                kv.checkInvariants();
            }
            ScheduledStep plan = scheduler.schedule();
            checkPlan(plan, config, kv, memory, blockSize);
            int[] sampled = new int[plan.entries().size()];
            Arrays.setAll(sampled, i -> rnd.nextInt(50));
            scheduler.onStepDone(plan, sampled);
            kv.checkInvariants();
            for (ScheduledStep.Entry e : plan.entries()) {
                Sequence seq = e.sequence();
                if (seq.status() == SequenceStatus.RUNNING && seq.numOutputTokens() >= targetOutput.get(seq.id())) {
                    scheduler.finish(seq.id(), SequenceStatus.FINISHED_STOPPED);
                    live.remove(seq.id());
                    finished++;
                }
            }
            if (live.isEmpty() && nextId < totalRequests) {
                continue;
            }
            assertThat(plan.isEmpty() && !live.isEmpty() && scheduler.numRunning() == 0)
                    .as("step %d: waiting requests but nothing scheduled (deadlock)", step).isFalse();
        }
        assertThat(scheduler.numRunning() + scheduler.numWaiting()).isZero();
        assertThat(kv.stats().usedBlocks()).isZero();
        assertThat(kv.usage()).isZero();
        assertThat(kv.stats().prefixHitTokens()).isPositive();
        if (numBlocks <= 24) {
            assertThat(scheduler.preemptions()).as("a tiny pool forces preemption").isPositive();
        }
        assertThat(scheduler.preemptions())
                .isEqualTo(scheduler.memoryPreemptions() + scheduler.admissionPreemptions());
        if (policy == SchedulingPolicy.PRIORITY) {
            // Random priorities with 6 seats or a small pool: higher-priority arrivals must displace some.
            assertThat(scheduler.admissionPreemptions()).as("admission preemptions").isPositive();
        } else {
            assertThat(scheduler.admissionPreemptions()).isZero();
        }
    }

    /** Budgets, one entry per sequence, distinct slots; then "runs" the step and checks every context reads back. */
    private static void checkPlan(ScheduledStep plan, SchedulerConfig config, KvCacheManager kv,
                                  Map<Integer, Long> memory, int blockSize) {
        assertThat(plan.numTokens()).isLessThanOrEqualTo(config.maxNumBatchedTokens());
        assertThat(plan.entries().size()).isLessThanOrEqualTo(config.maxNumSeqs());
        if (plan.isEmpty()) {
            return;
        }
        kv.flushPendingCopies();
        StepBatch batch = StepBatchBuilder.build(plan, kv);
        assertThat(batch.numTokens()).isEqualTo(plan.numTokens());
        Set<Long> ids = new HashSet<>();
        Set<Integer> slots = new HashSet<>();
        for (int slot : batch.slotMapping()) {
            assertThat(slots.add(slot)).as("slot %d written twice in one step", slot).isTrue();
        }
        for (ScheduledStep.Entry e : plan.entries()) {
            Sequence seq = e.sequence();
            assertThat(ids.add(seq.id())).isTrue();
            assertThat(seq.status()).isEqualTo(SequenceStatus.RUNNING);
            assertThat(e.start()).isEqualTo(seq.numComputed());
            long fingerprint = 17;
            for (int pos = 0; pos < e.start() + e.numNewTokens(); pos++) {
                fingerprint = fingerprint * 31 + seq.token(pos);
                int slot = kv.slot(seq.id(), pos);
                if (pos >= e.start()) {
                    memory.put(slot, fingerprint);
                } else {
                    assertThat(memory.get(slot)).as("sequence %d position %d reads its own K/V", seq.id(), pos)
                            .isEqualTo(fingerprint);
                }
            }
        }
    }

    private static int[] prompt(Random rnd, int[][] prefixes, int maxLen) {
        int[] prefix = rnd.nextBoolean() ? prefixes[rnd.nextInt(prefixes.length)] : new int[0];
        int len = Math.max(1, Math.min(maxLen, prefix.length + rnd.nextInt(12)));
        int[] p = new int[len];
        for (int i = 0; i < len; i++) {
            p[i] = i < prefix.length ? prefix[i] : rnd.nextInt(50);
        }
        return p;
    }

    private static int[] randomTokens(Random rnd, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rnd.nextInt(50);
        }
        return t;
    }
}
