package dev.infer.batching.bench;

import dev.infer.batching.kv.KvCacheManager;
import dev.infer.batching.scheduler.ScheduledStep;
import dev.infer.batching.scheduler.Scheduler;
import dev.infer.batching.scheduler.SchedulerConfig;
import dev.infer.batching.scheduler.SchedulingPolicy;
import dev.infer.batching.scheduler.Sequence;
import dev.infer.batching.scheduler.SequenceStatus;
import dev.infer.batching.scheduler.StepBatchBuilder;
import dev.infer.engines.StepBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * CPU cost of planning one decode step: {@code schedule()}, {@code flushPendingCopies()},
 * {@code StepBatchBuilder.build} and {@code onStepDone} with fake sampled tokens, for {@value #RUNNING} running
 * decode sequences at a context of ~512-600 tokens (block size {@value #BLOCK_SIZE}, prefix caching on) while
 * {@value #WAITING} requests wait behind {@code maxNumSeqs = }{@value #RUNNING}.
 *
 * <p>Steady state with bounded state: sequence {@code id} stops after {@code 32 + id % 64} output tokens
 * (so ~4 finish per step), and each finished one is replaced by a new request at the back of the queue. The
 * freed seats admit the queue's head in the next step: its prompt is one of {@value #PREFIXES} shared 512-token
 * system prompts plus one own token, so the prefix cache covers 512 tokens and admission computes 1 token, and
 * the step stays (almost) pure decode. Contexts stay within 513..609 tokens and the queue at {@value #WAITING}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class SchedulerBenchmark {
    static final int RUNNING = 256;
    static final int WAITING = 10_000;
    static final int PROMPT = 512;
    static final int BLOCK_SIZE = 16;
    static final int PREFIXES = 8;

    /** PRIORITY keeps every priority equal here, so it measures only its sorted running list, not preemption. */
    @Param({"FCFS", "PRIORITY"})
    public SchedulingPolicy policy;

    private Scheduler scheduler;
    private KvCacheManager kv;
    private int[][] prefixes;
    private int[] sampled;
    private long nextId;
    /** Whether the last step computed at most one token per sequence plus one block: set-up's end condition. */
    private boolean lastStepDecodesOnly;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        prefixes = new int[PREFIXES][];
        for (int p = 0; p < PREFIXES; p++) {
            prefixes[p] = random.ints(PROMPT, 0, 32_000).toArray();
        }
        sampled = random.ints(RUNNING + 64, 0, 32_000).toArray();
        // Room for every running sequence's private blocks up to 609 tokens, plus the shared prefixes.
        kv = new KvCacheManager(RUNNING * 40 + PREFIXES * 33 + 1, BLOCK_SIZE, true, (src, dst) -> { });
        scheduler = new Scheduler(new SchedulerConfig(2048, RUNNING, policy, 2 * WAITING, 100_000_000L), kv);
        for (int i = 0; i < RUNNING + WAITING; i++) {
            scheduler.add(newRequest());
        }
        // Prefill until all seats decode (each step also decodes; it is the same loop the benchmark runs).
        for (int i = 0; i < 10_000 && !allDecoding(); i++) {
            step();
        }
        if (scheduler.numRunning() != RUNNING || scheduler.numWaiting() != WAITING) {
            throw new IllegalStateException("not in steady state: running " + scheduler.numRunning()
                    + ", waiting " + scheduler.numWaiting());
        }
    }

    private boolean allDecoding() {
        return scheduler.numRunning() == RUNNING && scheduler.numWaiting() == WAITING && lastStepDecodesOnly;
    }

    private Sequence newRequest() {
        long id = nextId++;
        int[] prefix = prefixes[(int) (id % PREFIXES)];
        int[] prompt = Arrays.copyOf(prefix, PROMPT + 1);
        prompt[PROMPT] = (int) (id % 32_000);
        return new Sequence(id, prompt, 0, id, null);
    }

    @Benchmark
    public StepBatch step() {
        ScheduledStep plan = scheduler.schedule();
        kv.flushPendingCopies();
        StepBatch batch = StepBatchBuilder.build(plan, kv);
        scheduler.onStepDone(plan, sampled);
        lastStepDecodesOnly = plan.numTokens() <= plan.entries().size() + 16;
        for (ScheduledStep.Entry e : plan.entries()) {
            Sequence seq = e.sequence();
            if (seq.numOutputTokens() >= 32 + seq.id() % 64) {
                scheduler.finish(seq.id(), SequenceStatus.FINISHED_STOPPED);
                scheduler.add(newRequest());
            }
        }
        return batch;
    }
}
