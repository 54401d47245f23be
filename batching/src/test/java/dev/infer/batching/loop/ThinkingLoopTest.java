package dev.infer.batching.loop;

import dev.infer.batching.FinishReason;
import dev.infer.batching.sampling.SamplingParams;
import dev.infer.batching.scheduler.SchedulerConfig;
import dev.infer.batching.scheduler.SchedulingPolicy;
import dev.infer.batching.thinking.ThinkingConfig;
import dev.infer.batching.thinking.ThinkingEnd;
import dev.infer.batching.thinking.ThinkingLoadPolicy;
import dev.infer.batching.thinking.ThinkingParams;
import dev.infer.batching.thinking.ThinkingReport;
import dev.infer.engines.Engine;
import dev.infer.engines.KvCache;
import dev.infer.models.testing.SharedModels;
import dev.infer.models.tokenizer.ReasoningMarkers;
import dev.infer.models.tokenizer.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static dev.infer.batching.loop.ScriptedThinkingEngine.END;
import static dev.infer.batching.loop.ScriptedThinkingEngine.START;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thinking budgets in the engine loop, token by token, with a scripted toy reasoning model: forced ends after
 * exactly the budget, natural ends, s1 extensions, the end-thinking command, load scaling, and models or requests
 * that do not think.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThinkingLoopTest {
    private static final int[] EOS = {0};
    private static final int[] TRANSITION = {40, 41};
    private static final int[] WAIT = {42};
    /** A prompt whose template opened the thinking block (R1 distills). */
    private static final int[] INSIDE = {5, 6, 7, START, 9};
    /** A prompt that leaves the opening to the model (Qwen3). */
    private static final int[] OPEN = {5, 6, 7, 8, 9};
    /** A prompt that opened and closed it (Qwen3 with enable_thinking=false). */
    private static final int[] CLOSED = {5, START, 9, END, 9};
    private static final int ANSWER = 6;
    private static TextTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = TextTokenizer.load(SharedModels.model("tinystories-656k")); // streams the toy ids' text
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /** A policy whose scale the test sets. */
    private static final class SetScale implements ThinkingLoadPolicy {
        volatile double scale = 1;

        @Override
        public double scale() {
            return scale;
        }

        @Override
        public void onStep(long nowNanos, int waiting) {
        }

        @Override
        public void onFirstToken(long timeToFirstTokenNanos) {
        }
    }

    private record Run(int[] tokens, String content, String reasoning, TokenDelta last, int usedBlocks) {
        ThinkingReport report() {
            return last.thinking();
        }
    }

    private static ThinkingConfig config(int maxExtensions, ThinkingLoadPolicy policy) {
        return new ThinkingConfig(Optional.of(new ReasoningMarkers(START, END)), TRANSITION, WAIT, maxExtensions,
                ThinkingParams.UNBOUNDED, policy);
    }

    private static Run run(Engine engine, ThinkingConfig config, int[] prompt, ThinkingParams thinking,
                           Consumer<TokenDelta> onDelta) throws Exception {
        List<TokenDelta> deltas = new CopyOnWriteArrayList<>();
        CompletableFuture<TokenDelta> done = new CompletableFuture<>();
        SamplingParams params = SamplingParams.builder().temperature(0).ignoreEos(true).maxTokens(ANSWER).build();
        try (KvCache cache = engine.allocateKv(64, 4);
             EngineLoop loop = new EngineLoop(engine, cache, tokenizer, EOS,
                     new SchedulerConfig(64, 8, SchedulingPolicy.FCFS, 100, 100_000), true, config)) {
            loop.submit(new GenerationRequest(prompt, params, 0, null, 0, thinking), d -> {
                deltas.add(d);
                if (onDelta != null) {
                    onDelta.accept(d);
                }
                if (d.isFinal()) {
                    done.complete(d);
                }
            });
            TokenDelta last = done.get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 200 && (loop.stats().kvCache() == null || loop.stats().kvCache().usedBlocks() > 0); i++) {
                Thread.sleep(5);
            }
            int[] tokens = deltas.stream().filter(d -> d.sample() != null).mapToInt(d -> d.sample().tokenId()).toArray();
            StringBuilder content = new StringBuilder();
            StringBuilder reasoning = new StringBuilder();
            deltas.forEach(d -> {
                content.append(d.text());
                reasoning.append(d.reasoningText());
            });
            return new Run(tokens, content.toString(), reasoning.toString(), last, loop.stats().kvCache().usedBlocks());
        }
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    @ParameterizedTest(name = "budget {0}")
    @ValueSource(ints = {0, 1, 5, 17})
    void theBudgetEndsThinkingAfterExactlyThatManyTokens(int budget) throws Exception {
        Run r = run(new ScriptedThinkingEngine(INSIDE.length, 1000, false), config(3, ThinkingLoadPolicy.fixed()),
                INSIDE, ThinkingParams.budget(budget), null);

        int[] thought = Arrays.copyOf(r.tokens(), budget);
        assertThat(thought).doesNotContain(START, END, EOS[0]);
        assertThat(Arrays.copyOfRange(r.tokens(), budget, budget + 3)).containsExactly(concat(TRANSITION, new int[]{END}));
        int[] answer = Arrays.copyOfRange(r.tokens(), budget + 3, r.tokens().length);
        assertThat(answer).hasSize(ANSWER).doesNotContain(START, END);
        assertThat(r.report()).isEqualTo(new ThinkingReport(budget + 3, budget, ThinkingEnd.BUDGET, 0));
        assertThat(r.last().completionTokens()).isEqualTo(budget + 3 + ANSWER);
        assertThat(r.last().finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.content()).isNotEmpty();
        assertThat(r.reasoning()).endsWith(tokenizer.decode(TRANSITION, true));
        assertThat(r.usedBlocks()).isZero();
    }

    @Test
    void aModelThatEndsBeforeTheBudgetEndsNaturallyWithoutTransition() throws Exception {
        Run r = run(new ScriptedThinkingEngine(INSIDE.length, 4, false), config(3, ThinkingLoadPolicy.fixed()),
                INSIDE, ThinkingParams.budget(17), null);

        assertThat(r.tokens()[4]).isEqualTo(END);
        assertThat(Arrays.copyOf(r.tokens(), 4)).doesNotContain(START, END, TRANSITION[0], TRANSITION[1], WAIT[0]);
        assertThat(r.report()).isEqualTo(new ThinkingReport(5, 4, ThinkingEnd.NATURAL, 0));
        assertThat(r.tokens()).hasSize(5 + ANSWER);
    }

    @Test
    void belowTheMinimumTheEndIsReplacedByTheContinuationAtMostMaxExtensionsTimes() throws Exception {
        Run limited = run(new ScriptedThinkingEngine(INSIDE.length, 2, false), config(3, ThinkingLoadPolicy.fixed()),
                INSIDE, new ThinkingParams(17, 8), null);
        // Two tokens, then the model tries to end at 2, 3 and 4 thinking tokens: three "Wait"s, then it may end.
        assertThat(Arrays.copyOfRange(limited.tokens(), 2, 6)).containsExactly(WAIT[0], WAIT[0], WAIT[0], END);
        assertThat(limited.report()).isEqualTo(new ThinkingReport(6, 5, ThinkingEnd.NATURAL, 3));

        Run enough = run(new ScriptedThinkingEngine(INSIDE.length, 2, false), config(10, ThinkingLoadPolicy.fixed()),
                INSIDE, new ThinkingParams(17, 5), null);
        assertThat(Arrays.copyOfRange(enough.tokens(), 2, 6)).containsExactly(WAIT[0], WAIT[0], WAIT[0], END);
        assertThat(enough.report()).isEqualTo(new ThinkingReport(6, 5, ThinkingEnd.NATURAL, 3));
        assertThat(enough.reasoning()).contains(tokenizer.decode(WAIT, true));
    }

    @Test
    void theMinimumNeverLetsThinkingPassTheBudget() throws Exception {
        Run r = run(new ScriptedThinkingEngine(INSIDE.length, 1, false), config(10, ThinkingLoadPolicy.fixed()),
                INSIDE, new ThinkingParams(3, 3), null);
        // The model wants to end from its first token on; continuations fill up to the minimum, which is the budget.
        assertThat(Arrays.copyOf(r.tokens(), 6)).containsExactly(r.tokens()[0], WAIT[0], WAIT[0], TRANSITION[0],
                TRANSITION[1], END);
        assertThat(r.report()).isEqualTo(new ThinkingReport(6, 3, ThinkingEnd.BUDGET, 2));
    }

    @Test
    void theEndThinkingCommandForcesTheEndAtTheNextStep() throws Exception {
        ScriptedThinkingEngine engine = new ScriptedThinkingEngine(INSIDE.length, 1000, false);
        List<TokenDelta> deltas = new CopyOnWriteArrayList<>();
        CompletableFuture<TokenDelta> done = new CompletableFuture<>();
        SamplingParams params = SamplingParams.builder().temperature(0).ignoreEos(true).maxTokens(ANSWER).build();
        try (KvCache cache = engine.allocateKv(64, 4);
             EngineLoop loop = new EngineLoop(engine, cache, tokenizer, EOS,
                     new SchedulerConfig(64, 8, SchedulingPolicy.FCFS, 100, 100_000), true,
                     config(3, ThinkingLoadPolicy.fixed()))) {
            CompletableFuture<Long> id = new CompletableFuture<>();
            id.complete(loop.submit(new GenerationRequest(INSIDE, params, 0, null, 0, ThinkingParams.DEFAULT), d -> {
                deltas.add(d);
                if (deltas.size() == 7) {
                    assertThat(loop.endThinking(id.join())).isTrue(); // on the loop's thread, after step 7
                }
                if (d.isFinal()) {
                    done.complete(d);
                }
            }));
            TokenDelta last = done.get(30, TimeUnit.SECONDS);
            assertThat(last.thinking()).isEqualTo(new ThinkingReport(10, 7, ThinkingEnd.COMMAND, 0));
            assertThat(deltas.get(7).sample().tokenId()).isEqualTo(TRANSITION[0]);
            // the final delta reaches the listener just before the loop retires the request
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (loop.inFlight() > 0 && System.nanoTime() < until) {
                Thread.sleep(1);
            }
            assertThat(loop.endThinking(id.join())).as("a finished request is unknown").isFalse();
        }
    }

    @Test
    void aLowerLoadScaleShrinksARunningBudgetTowardItsMinimumButNotBelow() throws Exception {
        SetScale policy = new SetScale();
        Run r = run(new ScriptedThinkingEngine(INSIDE.length, 1000, false), config(3, policy), INSIDE,
                new ThinkingParams(40, 10), d -> {
                    if (d.completionTokens() == 4) {
                        policy.scale = 0.5; // budget 10 + 30 x 0.5 = 25
                    }
                    if (d.completionTokens() == 20) {
                        policy.scale = 0; // 10, already passed: ends now, at 20
                    }
                });
        assertThat(r.report()).isEqualTo(new ThinkingReport(23, 20, ThinkingEnd.BUDGET, 0));

        policy.scale = 0;
        Run atMinimum = run(new ScriptedThinkingEngine(INSIDE.length, 1000, false), config(3, policy), INSIDE,
                new ThinkingParams(40, 10), null);
        assertThat(atMinimum.report().thinkingTokens()).isEqualTo(10);
    }

    /** Records what the loop feeds a policy. */
    private static final class Recording implements ThinkingLoadPolicy {
        volatile int maxWaiting;
        final List<Long> firstTokens = new CopyOnWriteArrayList<>();

        @Override
        public double scale() {
            return 1;
        }

        @Override
        public void onStep(long nowNanos, int waiting) {
            maxWaiting = Math.max(maxWaiting, waiting);
        }

        @Override
        public void onFirstToken(long timeToFirstTokenNanos) {
            firstTokens.add(timeToFirstTokenNanos);
        }
    }

    @Test
    void theLoopFeedsThePolicyItsQueueAndEveryFirstToken() throws Exception {
        Recording policy = new Recording();
        ScriptedThinkingEngine engine = new ScriptedThinkingEngine(INSIDE.length, 1000, false);
        SamplingParams params = SamplingParams.builder().temperature(0).ignoreEos(true).maxTokens(ANSWER).build();
        List<CompletableFuture<TokenDelta>> done = new CopyOnWriteArrayList<>();
        try (KvCache cache = engine.allocateKv(64, 4);
             EngineLoop loop = new EngineLoop(engine, cache, tokenizer, EOS,
                     new SchedulerConfig(64, 1, SchedulingPolicy.FCFS, 100, 100_000), true, config(3, policy))) {
            for (int i = 0; i < 4; i++) {
                CompletableFuture<TokenDelta> f = new CompletableFuture<>();
                done.add(f);
                loop.submit(new GenerationRequest(INSIDE, params, 0, null, 0, ThinkingParams.budget(3)), d -> {
                    if (d.isFinal()) {
                        f.complete(d);
                    }
                });
            }
            for (CompletableFuture<TokenDelta> f : done) {
                assertThat(f.get(30, TimeUnit.SECONDS).thinking().end()).isEqualTo(ThinkingEnd.BUDGET);
            }
        }
        assertThat(policy.maxWaiting).as("one seat: the others wait").isGreaterThanOrEqualTo(1);
        assertThat(policy.firstTokens).hasSize(4).allMatch(ns -> ns > 0);
    }

    @Test
    void aModelThatOpensTheBlockItselfThinksUnderTheSameBudget() throws Exception {
        Run r = run(new ScriptedThinkingEngine(OPEN.length, 1000, true), config(3, ThinkingLoadPolicy.fixed()), OPEN,
                ThinkingParams.budget(5), null);
        assertThat(r.tokens()[0]).isEqualTo(START);
        assertThat(Arrays.copyOfRange(r.tokens(), 6, 9)).containsExactly(concat(TRANSITION, new int[]{END}));
        assertThat(r.report()).isEqualTo(new ThinkingReport(9, 5, ThinkingEnd.BUDGET, 0));
        assertThat(r.reasoning()).doesNotContain("<think>");
    }

    @Test
    void aClosedPromptYieldsNoThinkingEvenFromAModelThatWantsIt() throws Exception {
        Run r = run(new ScriptedThinkingEngine(CLOSED.length, 0, true), config(3, ThinkingLoadPolicy.fixed()), CLOSED,
                ThinkingParams.budget(5), null);
        assertThat(r.tokens()).hasSize(ANSWER).doesNotContain(START, END);
        assertThat(r.report()).isEqualTo(new ThinkingReport(0, 0, ThinkingEnd.NONE, 0));
        assertThat(r.reasoning()).isEmpty();
    }

    @Test
    void requestsAndModelsWithoutThinkingAreUntouched() throws Exception {
        ScriptedThinkingEngine engine = new ScriptedThinkingEngine(INSIDE.length, 2, false);
        Run plain = run(engine, ThinkingConfig.disabled(), INSIDE, ThinkingParams.budget(1), null);
        Run raw = run(engine, config(3, ThinkingLoadPolicy.fixed()), INSIDE, null, null);
        int[] expected = IntStream.of(plain.tokens()).toArray();
        assertThat(expected).hasSize(ANSWER).contains(END);
        assertThat(raw.tokens()).containsExactly(expected);
        assertThat(plain.last().thinking()).isNull();
        assertThat(raw.last().thinking()).isNull();
        assertThat(plain.reasoning()).isEmpty();
        assertThat(raw.reasoning()).isEmpty();
    }
}
