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
 * {@code maxNumSeqs} allow. Under {@link SchedulingPolicy#PRIORITY} a waiting sequence that outranks running
 * ones is admitted ahead of them in the same pass and may preempt strictly lower-priority ones that are not yet
 * planned (see {@link #schedule()}). Plans are immutable {@link ScheduledStep}s; {@link #onStepDone} applies
 * results. Not thread-safe: the engine loop's thread owns it.
 */
public final class Scheduler {
    private final SchedulerConfig config;
    private final KvCacheManager kv;
    private final PriorityQueue<Sequence> waiting;
    private final RunningSet running;
    private final Map<Long, Sequence> byId = new HashMap<>();
    private final Comparator<Sequence> order;
    private final boolean priority;
    private long queuedPromptTokens;
    private long memoryPreemptions;
    private long admissionPreemptions;

    public Scheduler(SchedulerConfig config, KvCacheManager kv) {
        this.config = config;
        this.kv = kv;
        this.order = config.policy() == SchedulingPolicy.PRIORITY
                ? Comparator.comparingInt(Sequence::priority).thenComparingLong(Sequence::arrival)
                : Comparator.comparingLong(Sequence::arrival);
        this.waiting = new PriorityQueue<>(order);
        this.priority = config.policy() == SchedulingPolicy.PRIORITY;
        this.running = new RunningSet(order, priority);
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

    /**
     * Plans the next step; empty when nothing can run.
     *
     * <p>One pass over the running sequences (admission order under FCFS, best-first under PRIORITY) gives each
     * its next tokens within the budget, preempting the lowest-ranked unplanned sequence when blocks run out
     * ("for memory"). Under PRIORITY, whenever the head of the waiting queue outranks the next running sequence
     * of the pass, it is admitted right there, before that sequence is planned; if it lacks blocks or a seat
     * ({@code maxNumSeqs}) it may preempt running sequences of strictly lower priority that are not yet planned
     * ("for admission"), lowest-priority then latest-arrival first, one at a time. Equal priority never preempts,
     * so no two sequences can push each other out in turn. After the pass, the remaining budget admits more
     * waiting sequences, never preempting (every running one is planned by then unless the budget is gone) and
     * only when nothing was preempted this step: with the pool that tight, admitting would only thrash, and a
     * sequence preempted in this step must not come straight back into it.
     */
    public ScheduledStep schedule() {
        int budget = config.maxNumBatchedTokens();
        List<ScheduledStep.Entry> entries = new ArrayList<>();
        List<Sequence> preempted = new ArrayList<>();
        int count = running.size();
        Sequence[] pass = running.beginStep();
        boolean admitting = true;
        for (int i = 0; i < count && budget > 0; i++) {
            Sequence seq = pass[i];
            while (priority && admitting && budget > 0 && !waiting.isEmpty()
                    && order.compare(waiting.peek(), seq) < 0) {
                int used = admitHead(budget, entries, preempted, true);
                admitting = used > 0;
                budget -= Math.max(used, 0);
            }
            int n = Math.min(seq.numTokens() - seq.numComputed(), budget);
            if (seq.status() != SequenceStatus.RUNNING || n <= 0) {
                continue;
            }
            if (allocateOrPreempt(seq, n, preempted)) {
                entries.add(entry(seq, n));
                running.markPlanned(seq);
                budget -= n;
            }
        }
        if (preempted.isEmpty()) {
            int used;
            while (budget > 0 && (used = admitHead(budget, entries, preempted, false)) > 0) {
                budget -= used;
            }
        }
        return new ScheduledStep(entries, preempted, config.maxNumBatchedTokens() - budget);
    }

    /** Allocates, preempting lower-ranked unplanned sequences until it fits; false if {@code seq} itself went. */
    private boolean allocateOrPreempt(Sequence seq, int n, List<Sequence> preempted) {
        while (!kv.allocateSlots(seq.id(), n, seq.numComputed())) {
            Sequence victim = running.lowestUnplanned();
            preempt(victim);
            memoryPreemptions++;
            preempted.add(victim);
            if (victim == seq) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tries to admit the head of the waiting queue with at most {@code budget} tokens; returns the tokens it got,
     * or 0 when it cannot run now (queue empty, no seat, too few blocks). With {@code mayPreempt} it first frees
     * seats and then blocks by preempting unplanned running sequences of strictly lower priority.
     */
    private int admitHead(int budget, List<ScheduledStep.Entry> entries, List<Sequence> preempted,
                          boolean mayPreempt) {
        Sequence seq = waiting.peek();
        if (seq == null) {
            return 0;
        }
        while (running.size() >= config.maxNumSeqs()) {
            if (!mayPreempt || !preemptFor(seq, preempted)) {
                return 0;
            }
        }
        while (true) {
            // Re-query after each preemption: the victim's freed blocks may now be prefix hits for seq.
            int cached = kv.findCachedPrefix(seq.id(), seq.tokens(), seq.cacheKey());
            int n = Math.min(seq.numTokens() - cached, budget);
            if (kv.allocateSlots(seq.id(), n, cached)) {
                waiting.poll();
                queuedPromptTokens -= seq.numTokens();
                seq.setNumComputed(cached);
                seq.setStatus(SequenceStatus.RUNNING);
                running.add(seq);
                running.markPlanned(seq);
                entries.add(entry(seq, n));
                return n;
            }
            kv.free(seq.id());
            if (!mayPreempt || !preemptFor(seq, preempted)) {
                return 0;
            }
        }
    }

    /** Preempts the lowest unplanned running sequence if its priority is strictly lower than {@code seq}'s. */
    private boolean preemptFor(Sequence seq, List<Sequence> preempted) {
        Sequence victim = running.lowestUnplanned();
        if (victim == null || victim.priority() <= seq.priority()) {
            return false;
        }
        preempt(victim);
        admissionPreemptions++;
        preempted.add(victim);
        return true;
    }

    private void preempt(Sequence seq) {
        running.remove(seq);
        kv.free(seq.id());
        seq.setNumComputed(0);
        seq.setStatus(SequenceStatus.PREEMPTED);
        seq.countPreemption();
        enqueue(seq);
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
        // Only queued sequences are searched in the queue: PriorityQueue.remove is a linear scan, and finishing a
        // running sequence while 10k requests wait would otherwise cost ~10k comparisons each time.
        boolean queued = seq.status() == SequenceStatus.WAITING || seq.status() == SequenceStatus.PREEMPTED;
        if (queued && waiting.remove(seq)) {
            queuedPromptTokens -= seq.numTokens();
        } else {
            running.remove(seq);
        }
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

    /** All preemptions so far: {@link #memoryPreemptions()} + {@link #admissionPreemptions()}. */
    public long preemptions() {
        return memoryPreemptions + admissionPreemptions;
    }

    /** Preemptions because a running sequence's next tokens found no free blocks. */
    public long memoryPreemptions() {
        return memoryPreemptions;
    }

    /** Preemptions (PRIORITY only) that made room or a seat for a waiting sequence of strictly higher priority. */
    public long admissionPreemptions() {
        return admissionPreemptions;
    }

    public KvCacheManager kvCache() {
        return kv;
    }
}
