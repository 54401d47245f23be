package dev.infer.batching.loop;

import dev.infer.batching.FinishReason;
import dev.infer.batching.kv.KvCacheManager;
import dev.infer.batching.sampling.Finish;
import dev.infer.batching.sampling.SampleResult;
import dev.infer.batching.sampling.SamplingWorkspace;
import dev.infer.batching.scheduler.OverloadedException;
import dev.infer.batching.scheduler.ScheduledStep;
import dev.infer.batching.scheduler.Scheduler;
import dev.infer.batching.scheduler.SchedulerConfig;
import dev.infer.batching.scheduler.SequenceStatus;
import dev.infer.batching.scheduler.StepBatchBuilder;
import dev.infer.batching.thinking.ThinkingConfig;
import dev.infer.engines.Engine;
import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.models.tokenizer.TextTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread that owns all batching state and drives the engine: {@code schedule → execute → update}, step after
 * step. Other threads only enqueue commands ({@link #submit}, {@link #cancel}, {@link #endThinking}); results flow
 * back through each request's {@link GenerationListener}. A step that fails fails only the requests in it; the loop
 * keeps serving. Thinking budgets (reasoning models) are enforced here, token by token: see {@link ThinkingState}.
 */
public final class EngineLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);
    private static final long IDLE_POLL_MILLIS = 20;

    private sealed interface Command permits Submit, Cancel, EndThinking {
    }

    private record Submit(List<ActiveRequest> completions) implements Command {
    }

    private record Cancel(long id) implements Command {
    }

    private record EndThinking(long id) implements Command {
    }

    private final Engine engine;
    private final KvCache cache;
    private final KvCacheManager kv;
    private final Scheduler scheduler;
    private final TextTokenizer tokenizer;
    private final int[] eosTokenIds;
    private final SchedulerConfig limits;
    private final ThinkingConfig thinking;
    private final SequenceRoom room;
    /** Ids of requests submitted and not finished, readable from any thread (end-thinking answers 404 otherwise). */
    private final Set<Long> live = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Command> commands = new LinkedBlockingQueue<>();
    private final Map<Long, ActiveRequest> active = new HashMap<>();
    /** Submit id → its completions still running (n > 1 runs n sequences). */
    private final Map<Long, List<ActiveRequest>> byRequest = new HashMap<>();
    /**
     * Completions 2..n of a request wait here until the first has computed the prompt: its full blocks are then in
     * the prefix cache and the others reuse them instead of computing the same prompt n times in one step.
     */
    private final Map<Long, List<ActiveRequest>> waitingForLeader = new HashMap<>();
    private final SamplingWorkspace workspace = new SamplingWorkspace();
    private final AtomicLong nextRequestId = new AtomicLong();
    private final AtomicLong nextSequenceId = new AtomicLong();
    /** Requests submitted but not yet scheduled, and their prompt tokens: the admission gate's view. */
    private final AtomicInteger queuedRequests = new AtomicInteger();
    private final AtomicLong queuedPromptTokens = new AtomicLong();
    /** Completions submitted and not yet finished (queued commands included): what a draining server waits for. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Thread thread;
    /** Guards the switch to closing, so no command is queued after the final drain. */
    private final Object lifecycle = new Object();
    private volatile boolean closing;
    private volatile LoopStats stats = LoopStats.EMPTY;
    private volatile StepObserver stepObserver = StepObserver.NONE;

    /**
     * Starts the loop thread. The loop uses, but does not close, the engine and the cache.
     *
     * @param limits step budget, sequences per step, policy and queue limits (submit fails fast beyond these)
     */
    public EngineLoop(Engine engine, KvCache cache, TextTokenizer tokenizer, int[] eosTokenIds, SchedulerConfig limits,
                      boolean prefixCaching) {
        this(engine, cache, tokenizer, eosTokenIds, limits, prefixCaching, ThinkingConfig.disabled());
    }

    /** As above, with thinking budgets for a reasoning model ({@link ThinkingConfig#disabled()} for none). */
    public EngineLoop(Engine engine, KvCache cache, TextTokenizer tokenizer, int[] eosTokenIds, SchedulerConfig limits,
                      boolean prefixCaching, ThinkingConfig thinking) {
        this.thinking = thinking;
        this.engine = engine;
        this.cache = cache;
        this.tokenizer = tokenizer;
        this.eosTokenIds = eosTokenIds.clone();
        this.limits = limits;
        this.room = new SequenceRoom(engine.info().config().maxPositionEmbeddings(), cache, thinking, eosTokenIds);
        this.kv = new KvCacheManager(cache.numBlocks(), cache.blockSize(), prefixCaching, cache::copyBlocks);
        // The loop's gate enforces the queue limits at submit time; preempted sequences must always fit back.
        this.scheduler = new Scheduler(new SchedulerConfig(limits.maxNumBatchedTokens(), limits.maxNumSeqs(),
                limits.policy(), Integer.MAX_VALUE, Long.MAX_VALUE), kv);
        this.thread = Thread.ofPlatform().name("engine-loop").daemon(true).start(this::run);
    }

    /**
     * Queues a request and returns its id. Fails fast with {@link OverloadedException} when the queue is full and
     * with {@link IllegalArgumentException} when the request can never fit the model or the KV cache.
     */
    public long submit(GenerationRequest request, GenerationListener listener) {
        room.checkFits(request);
        int n = request.params().n();
        long promptTokens = (long) n * request.promptTokenIds().length;
        if (queuedRequests.addAndGet(n) > limits.maxQueuedRequests()
                | queuedPromptTokens.addAndGet(promptTokens) > limits.maxQueuedPromptTokens()) {
            queuedRequests.addAndGet(-n);
            queuedPromptTokens.addAndGet(-promptTokens);
            throw new OverloadedException("server overloaded: the queue holds its limit of " + limits.maxQueuedRequests()
                    + " requests or " + limits.maxQueuedPromptTokens() + " prompt tokens; retry later");
        }
        long requestId = nextRequestId.incrementAndGet();
        List<ActiveRequest> completions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            GenerationRequest choice = request.forChoice(i);
            completions.add(new ActiveRequest(nextSequenceId.incrementAndGet(), requestId, i, choice, listener,
                    tokenizer, eosTokenIds, workspace, room.thinkingState(choice), room.tokenLimit()));
        }
        synchronized (lifecycle) {
            if (closing) {
                completions.forEach(this::leaveQueue);
                throw new IllegalStateException("the engine loop is shutting down");
            }
            live.add(requestId);
            inFlight.addAndGet(n);
            commands.add(new Submit(completions));
        }
        return requestId;
    }

    /** Cancels a request at the next step (its blocks are freed, its listener gets an abort); unknown ids are ignored. */
    public void cancel(long requestId) {
        commands.add(new Cancel(requestId));
    }

    /**
     * Ends the thinking of a running request at its next step: the transition text and the end marker are forced,
     * then the answer follows. False when no such request is in flight; a reply that is not thinking ignores it.
     */
    public boolean endThinking(long requestId) {
        if (!live.contains(requestId)) {
            return false;
        }
        commands.add(new EndThinking(requestId));
        return true;
    }

    public boolean isAlive() {
        return thread.isAlive() && !closing;
    }

    /** Completions submitted and not finished yet, from any thread. */
    public int inFlight() {
        return inFlight.get();
    }

    public LoopStats stats() {
        return stats;
    }

    private void run() {
        while (!closing) {
            try {
                iterate();
            } catch (RuntimeException | AssertionError e) {
                // A bug, not a bad request: fail what is in flight rather than die and strand every client.
                LOG.error("engine loop step failed; failing {} in-flight requests", active.size(), e);
                failAll(FinishReason.ERROR, "internal error: " + e);
            }
        }
    }

    private void iterate() {
        drainCommands(active.isEmpty());
        abortExpired();
        thinking.policy().onStep(System.nanoTime(), scheduler.numWaiting());
        ScheduledStep step = scheduler.schedule();
        if (step.isEmpty()) {
            publishStats();
            return;
        }
        long now = System.nanoTime();
        for (ScheduledStep.Entry e : step.entries()) {
            ActiveRequest r = active.get(e.sequence().id());
            if (r.markScheduled(now)) {
                leaveQueue(r);
            }
        }
        execute(step);
        publishStats();
    }

    /** Sets the one observer told about each step (replacing any earlier one). */
    public void observeSteps(StepObserver observer) {
        stepObserver = observer == null ? StepObserver.NONE : observer;
    }

    private void execute(ScheduledStep step) {
        long started = System.nanoTime();
        kv.flushPendingCopies();
        Logits logits;
        try {
            logits = engine.forward(StepBatchBuilder.build(step, kv), cache);
        } catch (RuntimeException e) {
            LOG.warn("engine step of {} sequences failed: {}", step.entries().size(), e.toString());
            for (ScheduledStep.Entry entry : step.entries()) {
                finish(active.get(entry.sequence().id()), FinishReason.ERROR, "engine error: " + e.getMessage());
            }
            return;
        }
        List<ScheduledStep.Entry> entries = step.entries();
        int[] sampled = new int[entries.size()];
        SampleResult[] results = new SampleResult[entries.size()];
        int row = 0;
        double scale = thinking.policy().scale();
        for (int i = 0; i < entries.size(); i++) {
            if (!entries.get(i).samples()) {
                continue;
            }
            ActiveRequest r = active.get(entries.get(i).sequence().id());
            try {
                results[i] = r.sample(logits.data(), row * logits.vocabSize(), logits.vocabSize(), scale);
                sampled[i] = results[i].tokenId();
            } catch (RuntimeException e) {
                finish(r, FinishReason.ERROR, "sampling failed: " + e.getMessage());
            }
            row++;
        }
        scheduler.onStepDone(step, sampled);
        // before the deltas go out, so whoever sees a token also sees the step that made it
        stepObserver.onStep(step.numTokens(), entries.size(), System.nanoTime() - started);
        for (int i = 0; i < entries.size(); i++) {
            ActiveRequest r = active.get(entries.get(i).sequence().id());
            if (results[i] != null && r != null) {
                deliver(r, results[i]);
            }
        }
    }

    private void deliver(ActiveRequest r, SampleResult result) {
        releaseFollowers(r.requestId);
        boolean first = !r.hasFirstToken();
        Finish finish;
        try {
            finish = r.accept(result);
            if (first) {
                thinking.policy().onFirstToken(r.timeToFirstTokenNanos());
            }
        } catch (RuntimeException listenerFailed) {
            finish(r, FinishReason.ABORT, null);
            return;
        }
        if (finish != null) {
            close(r, finish.reason() == FinishReason.LENGTH ? SequenceStatus.FINISHED_LENGTH
                    : SequenceStatus.FINISHED_STOPPED);
        }
    }

    private void drainCommands(boolean blockIfIdle) {
        Command c = null;
        if (blockIfIdle) {
            try {
                c = commands.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closing = true;
            }
        }
        for (c = c != null ? c : commands.poll(); c != null; c = commands.poll()) {
            switch (c) {
                case Submit s -> {
                    List<ActiveRequest> all = s.completions();
                    long requestId = all.getFirst().requestId;
                    byRequest.put(requestId, new ArrayList<>(all));
                    all.forEach(r -> active.put(r.id, r));
                    scheduler.add(all.getFirst().sequence);
                    if (all.size() > 1) {
                        waitingForLeader.put(requestId, new ArrayList<>(all.subList(1, all.size())));
                    }
                }
                case Cancel x -> {
                    for (ActiveRequest r : List.copyOf(byRequest.getOrDefault(x.id(), List.of()))) {
                        finish(r, FinishReason.ABORT, null);
                    }
                }
                case EndThinking e -> byRequest.getOrDefault(e.id(), List.of()).forEach(ActiveRequest::endThinking);
            }
        }
    }

    private void abortExpired() {
        long now = System.nanoTime();
        for (ActiveRequest r : List.copyOf(active.values())) {
            if (r.pastDeadline(now)) {
                finish(r, FinishReason.ABORT, "deadline exceeded");
            }
        }
    }

    /** Ends a request without a new token: tells its listener, frees its blocks. */
    private void finish(ActiveRequest r, FinishReason reason, String error) {
        try {
            r.end(reason, error);
        } catch (RuntimeException listenerFailed) {
            LOG.debug("listener of request {} failed while finishing", r.id, listenerFailed);
        }
        close(r, switch (reason) {
            case ABORT -> SequenceStatus.FINISHED_ABORTED;
            case ERROR -> SequenceStatus.FINISHED_ERROR;
            case LENGTH -> SequenceStatus.FINISHED_LENGTH;
            case STOP -> SequenceStatus.FINISHED_STOPPED;
        });
    }

    private void close(ActiveRequest r, SequenceStatus status) {
        if (active.remove(r.id) == null) {
            return;
        }
        List<ActiveRequest> siblings = byRequest.get(r.requestId);
        siblings.remove(r);
        if (siblings.isEmpty()) {
            byRequest.remove(r.requestId);
            live.remove(r.requestId);
        }
        inFlight.decrementAndGet(); // last: a caller that sees inFlight() drop also sees the request gone
        List<ActiveRequest> followers = waitingForLeader.get(r.requestId);
        if (followers != null && !followers.remove(r)) {
            releaseFollowers(r.requestId); // the leader ended early: the others go on their own
        }
        if (!r.wasScheduled()) {
            leaveQueue(r);
        }
        scheduler.finish(r.id, status);
    }

    private void releaseFollowers(long requestId) {
        List<ActiveRequest> followers = waitingForLeader.remove(requestId);
        if (followers != null) {
            followers.forEach(f -> scheduler.add(f.sequence));
        }
    }

    /** A completion leaves the admission gate's count (first scheduled, or ended while queued). */
    private void leaveQueue(ActiveRequest r) {
        queuedRequests.decrementAndGet();
        queuedPromptTokens.addAndGet(-r.request.promptTokenIds().length);
    }

    private void failAll(FinishReason reason, String error) {
        for (ActiveRequest r : new ArrayList<>(active.values())) {
            finish(r, reason, error);
        }
    }

    private void publishStats() {
        stats = new LoopStats(scheduler.numRunning(), scheduler.numWaiting(), scheduler.preemptions(), kv.stats(),
                thinking.policy().scale());
    }

    /** Stops the loop: in-flight and queued requests end with ABORT, their blocks are freed, the thread exits. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            closing = true;
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.error("engine loop did not stop within 30 s; leaving it to exit on its own");
            return;
        }
        // The loop thread is gone: what it left is ours to end.
        drainCommands(false);
        failAll(FinishReason.ABORT, "the engine loop shut down");
        publishStats();
    }
}
