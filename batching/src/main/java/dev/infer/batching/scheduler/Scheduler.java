package dev.infer.batching.scheduler;

import dev.infer.batching.kv.KvCacheManager;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Iteration-level scheduling over a paged KV cache (after vLLM v1): each step first advances running sequences
 * (decodes and unfinished prefill chunks) within the token budget, preempting by recompute when blocks run out,
 * then admits waiting sequences (reusing cached prefix blocks, chunking long prompts) while budget, blocks and
 * {@code maxNumSeqs} allow. Plans are immutable {@link ScheduledStep}s; {@link #onStepDone} applies results.
 * Not thread-safe: the engine loop's thread owns it.
 */
public final class Scheduler {
    private final SchedulerConfig config;
    private final KvCacheManager kv;
    private final PriorityQueue<Sequence> waiting;
    private final List<Sequence> running = new ArrayList<>();
    private final Map<Long, Sequence> byId = new HashMap<>();
    private final Comparator<Sequence> order;
    private long queuedPromptTokens;
    private long preemptions;

    public Scheduler(SchedulerConfig config, KvCacheManager kv) {
        this.config = config;
        this.kv = kv;
        this.order = config.policy() == SchedulingPolicy.PRIORITY
                ? Comparator.comparingInt(Sequence::priority).thenComparingLong(Sequence::arrival)
                : Comparator.comparingLong(Sequence::arrival);
        this.waiting = new PriorityQueue<>(order);
    }

    /** Queues a new sequence, or fails fast when the queue limits are reached. */
    public void add(Sequence seq) {
        if (byId.containsKey(seq.id())) {
            throw new IllegalArgumentException("sequence " + seq.id() + " is already scheduled");
        }
        if (waiting.size() >= config.maxQueuedRequests()
                || queuedPromptTokens + seq.numPromptTokens() > config.maxQueuedPromptTokens()) {
            throw new OverloadedException("server overloaded: " + waiting.size() + " requests and "
                    + queuedPromptTokens + " prompt tokens waiting");
        }
        byId.put(seq.id(), seq);
        enqueue(seq);
    }

    private void enqueue(Sequence seq) {
        waiting.add(seq);
        queuedPromptTokens += seq.numTokens();
    }

    /** Plans the next step; empty when nothing can run. */
    public ScheduledStep schedule() {
        int budget = config.maxNumBatchedTokens();
        List<ScheduledStep.Entry> entries = new ArrayList<>();
        List<Sequence> preempted = new ArrayList<>();
        List<Sequence> planned = new ArrayList<>();
        for (Sequence seq : List.copyOf(running)) {
            if (budget == 0) {
                break;
            }
            int n = Math.min(seq.numTokens() - seq.numComputed(), budget);
            if (seq.status() != SequenceStatus.RUNNING || n <= 0) {
                continue;
            }
            if (allocateOrPreempt(seq, n, planned, preempted)) {
                entries.add(entry(seq, n));
                planned.add(seq);
                budget -= n;
            }
        }
        // Admitting while running sequences are being pushed out would only thrash.
        if (preempted.isEmpty()) {
            budget = admit(entries, budget);
        }
        return new ScheduledStep(entries, preempted, config.maxNumBatchedTokens() - budget);
    }

    /** Allocates, preempting lower-ranked unplanned sequences until it fits; false if {@code seq} itself went. */
    private boolean allocateOrPreempt(Sequence seq, int n, List<Sequence> planned, List<Sequence> preempted) {
        while (!kv.allocateSlots(seq.id(), n, seq.numComputed())) {
            Sequence victim = lowestRunning(planned);
            preempt(victim);
            preempted.add(victim);
            if (victim == seq) {
                return false;
            }
        }
        return true;
    }

    /** The victim: the last running sequence by the policy's order that is not already planned. */
    private Sequence lowestRunning(List<Sequence> planned) {
        Sequence victim = null;
        for (Sequence s : running) {
            if (!planned.contains(s) && (victim == null || order.compare(s, victim) > 0)) {
                victim = s;
            }
        }
        return victim;
    }

    private void preempt(Sequence seq) {
        running.remove(seq);
        kv.free(seq.id());
        seq.setNumComputed(0);
        seq.setStatus(SequenceStatus.PREEMPTED);
        seq.countPreemption();
        preemptions++;
        enqueue(seq);
    }

    private int admit(List<ScheduledStep.Entry> entries, int budget) {
        while (budget > 0 && !waiting.isEmpty() && running.size() < config.maxNumSeqs()) {
            Sequence seq = waiting.peek();
            int cached = kv.findCachedPrefix(seq.id(), seq.tokens(), seq.cacheKey());
            int n = Math.min(seq.numTokens() - cached, budget);
            if (!kv.allocateSlots(seq.id(), n, cached)) {
                kv.free(seq.id());
                break;
            }
            waiting.poll();
            queuedPromptTokens -= seq.numTokens();
            seq.setNumComputed(cached);
            seq.setStatus(SequenceStatus.RUNNING);
            running.add(seq);
            entries.add(entry(seq, n));
            budget -= n;
        }
        return budget;
    }

    private static ScheduledStep.Entry entry(Sequence seq, int n) {
        return new ScheduledStep.Entry(seq, seq.numComputed(), n, seq.numComputed() + n == seq.numTokens());
    }

    /**
     * Applies a step's results: computed tokens advance, full blocks become cacheable, and each sampling entry
     * appends its token ({@code sampled[i]} for {@code entries().get(i)}; ignored for non-sampling entries).
     */
    public void onStepDone(ScheduledStep step, int[] sampled) {
        for (int i = 0; i < step.entries().size(); i++) {
            ScheduledStep.Entry e = step.entries().get(i);
            Sequence seq = e.sequence();
            if (seq.status() != SequenceStatus.RUNNING) {
                continue;
            }
            seq.setNumComputed(e.start() + e.numNewTokens());
            kv.cacheFullBlocks(seq.id(), seq.tokenBuffer(), seq.numComputed());
            if (e.samples()) {
                seq.append(sampled[i]);
            }
        }
    }

    /** Ends a sequence (stopped, length, aborted, error) and frees its blocks now; unknown ids are ignored. */
    public void finish(long id, SequenceStatus status) {
        if (!status.isFinished()) {
            throw new IllegalArgumentException("not a finished status: " + status);
        }
        Sequence seq = byId.remove(id);
        if (seq == null) {
            return;
        }
        if (waiting.remove(seq)) {
            queuedPromptTokens -= seq.numTokens();
        }
        running.remove(seq);
        if (kv.contains(id)) {
            kv.free(id);
        }
        seq.setStatus(status);
    }

    public int numWaiting() {
        return waiting.size();
    }

    public int numRunning() {
        return running.size();
    }

    public long preemptions() {
        return preemptions;
    }

    public KvCacheManager kvCache() {
        return kv;
    }
}
