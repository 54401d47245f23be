package dev.infer.batching.scheduler;

import dev.infer.batching.kv.KvCacheManager;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Priority preemption on admission: a high-priority arrival displaces the lowest-priority, latest running one. */
class PriorityPreemptionTest {
    private static final int BLOCK = 4;

    @Test
    void highPriorityArrivalPreemptsLowestPriorityLatestRunning() {
        // 8 usable blocks; two low-priority sequences of 15 prompt tokens take 4 blocks each once decoding.
        KvCacheManager kv = new KvCacheManager(9, BLOCK, false, (src, dst) -> { });
        Scheduler scheduler = new Scheduler(new SchedulerConfig(64, 8, SchedulingPolicy.PRIORITY, 100, 10_000), kv);
        Sequence older = new Sequence(1, tokens(15, 1), 5, 1, null);
        Sequence newer = new Sequence(2, tokens(15, 2), 5, 2, null);
        scheduler.add(older);
        scheduler.add(newer);
        step(scheduler); // prefill both (15 tokens = 4 blocks each): the pool is full
        assertThat(kv.numFreeBlocks()).isZero();
        assertThat(scheduler.numRunning()).isEqualTo(2);

        Sequence urgent = new Sequence(3, tokens(6, 3), 0, 3, null);
        scheduler.add(urgent);
        ScheduledStep plan = step(scheduler);

        assertThat(plan.entries()).extracting(ScheduledStep.Entry::sequence).containsExactly(urgent, older);
        assertThat(plan.preempted()).containsExactly(newer);
        assertThat(newer.status()).isEqualTo(SequenceStatus.PREEMPTED);
        assertThat(newer.numPreemptions()).isOne();
        assertThat(scheduler.admissionPreemptions()).isOne();
        assertThat(scheduler.memoryPreemptions()).isZero();
        assertThat(scheduler.preemptions()).isOne();

        // Run everything out; the victim is recomputed and completes.
        int guard = 0;
        while (scheduler.numRunning() + scheduler.numWaiting() > 0) {
            assertThat(guard++).isLessThan(100);
            ScheduledStep p = step(scheduler);
            for (ScheduledStep.Entry e : p.entries()) {
                Sequence s = e.sequence();
                if (s.status() == SequenceStatus.RUNNING && s.numOutputTokens() >= 3) {
                    scheduler.finish(s.id(), SequenceStatus.FINISHED_STOPPED);
                }
            }
            kv.checkInvariants();
        }
        assertThat(newer.status()).isEqualTo(SequenceStatus.FINISHED_STOPPED);
        assertThat(newer.numOutputTokens()).isEqualTo(3);
        assertThat(kv.stats().usedBlocks()).isZero();
    }

    @Test
    void equalPriorityNeverPreemptsAndFullSeatsArePreemptedForOnlyByHigherPriority() {
        KvCacheManager kv = new KvCacheManager(100, BLOCK, false, (src, dst) -> { });
        Scheduler scheduler = new Scheduler(new SchedulerConfig(64, 2, SchedulingPolicy.PRIORITY, 100, 10_000), kv);
        Sequence a = new Sequence(1, tokens(4, 1), 1, 1, null);
        Sequence b = new Sequence(2, tokens(4, 2), 2, 2, null);
        scheduler.add(a);
        scheduler.add(b);
        step(scheduler);
        Sequence peer = new Sequence(3, tokens(4, 3), 1, 3, null);
        scheduler.add(peer);
        ScheduledStep plan = step(scheduler);
        // peer outranks b (priority 1 < 2): b loses its seat; a (equal priority, earlier) is untouched.
        assertThat(plan.preempted()).containsExactly(b);
        assertThat(plan.entries()).extracting(ScheduledStep.Entry::sequence).containsExactly(a, peer);
        Sequence same = new Sequence(4, tokens(4, 4), 1, 4, null);
        scheduler.add(same);
        plan = step(scheduler);
        assertThat(plan.preempted()).isEmpty();
        assertThat(plan.entries()).extracting(ScheduledStep.Entry::sequence).containsExactly(a, peer);
        assertThat(scheduler.admissionPreemptions()).isOne();
    }

    @Test
    void fcfsNeverPreemptsForAdmission() {
        KvCacheManager kv = new KvCacheManager(9, BLOCK, false, (src, dst) -> { });
        Scheduler scheduler = new Scheduler(new SchedulerConfig(64, 8, SchedulingPolicy.FCFS, 100, 10_000), kv);
        scheduler.add(new Sequence(1, tokens(15, 1), 5, 1, null));
        scheduler.add(new Sequence(2, tokens(15, 2), 5, 2, null));
        step(scheduler);
        scheduler.add(new Sequence(3, tokens(6, 3), 0, 3, null));
        ScheduledStep plan = step(scheduler);
        assertThat(plan.preempted()).isEmpty();
        assertThat(plan.entries()).hasSize(2);
        assertThat(scheduler.numWaiting()).isOne();
        assertThat(scheduler.admissionPreemptions()).isZero();
    }

    private static ScheduledStep step(Scheduler scheduler) {
        ScheduledStep plan = scheduler.schedule();
        int[] sampled = new int[plan.entries().size()];
        Arrays.fill(sampled, 7);
        scheduler.onStepDone(plan, sampled);
        return plan;
    }

    private static int[] tokens(int n, int seed) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = seed * 100 + i;
        }
        return t;
    }
}
