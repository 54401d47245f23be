package dev.infer.batching.loop;

import dev.infer.batching.FinishReason;
import dev.infer.batching.SequenceGenerator;
import dev.infer.batching.TinyStories;
import dev.infer.batching.sampling.SamplingParams;
import dev.infer.batching.scheduler.OverloadedException;
import dev.infer.batching.scheduler.SchedulerConfig;
import dev.infer.batching.scheduler.SchedulingPolicy;
import dev.infer.engines.Engine;
import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.engines.ModelInfo;
import dev.infer.engines.StepBatch;
import dev.infer.engines.djl.DjlEngine;
import dev.infer.models.tokenizer.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine loop with the real engine on tinystories-656k: concurrency, sampling, stops, cancellation, failures. */
class EngineLoopTest {
    private static final int[] EOS = {2};
    private static DjlEngine engine;
    private static TextTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = TextTokenizer.load(TinyStories.directory());
        engine = TinyStories.engine();
    }

    @AfterAll
    static void close() {
        engine.close();
        tokenizer.close();
    }

    /** Collects one request's deltas; completes when the final one arrives. */
    private static class Collector implements GenerationListener {
        final List<TokenDelta> deltas = new CopyOnWriteArrayList<>();
        final CompletableFuture<TokenDelta> done = new CompletableFuture<>();

        @Override
        public void onDelta(TokenDelta d) {
            deltas.add(d);
            if (d.isFinal()) {
                done.complete(d);
            }
        }

        TokenDelta await() throws Exception {
            return done.get(120, TimeUnit.SECONDS);
        }

        int[] tokens() {
            return deltas.stream().filter(d -> d.sample() != null).mapToInt(d -> d.sample().tokenId()).toArray();
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            deltas.forEach(d -> sb.append(d.text()));
            return sb.toString();
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Stats are a snapshot published after each loop iteration, so they may trail the final delta briefly. */
    private static void awaitNoBlocksUsed(EngineLoop loop) throws InterruptedException {
        for (int i = 0; i < 200 && (loop.stats().kvCache() == null || loop.stats().kvCache().usedBlocks() > 0); i++) {
            Thread.sleep(10);
        }
        assertThat(loop.stats().kvCache().usedBlocks()).isZero();
        assertThat(loop.stats().running() + loop.stats().waiting()).isZero();
    }

    private static SchedulerConfig config(int queueLimit) {
        return new SchedulerConfig(96, 256, SchedulingPolicy.FCFS, queueLimit, 1_000_000);
    }

    private static int[] alone(int[] prompt, SamplingParams params) {
        try (KvCache cache = engine.allocateKv(40, 16)) {
            return new SequenceGenerator(engine, cache, 2048).generate(prompt, params, EOS, t -> { }).tokenIds();
        }
    }

    @Test
    void concurrentRequestsFromManyThreadsGetTheirAloneOutputs() throws Exception {
        Random rnd = new Random(11);
        List<int[]> prompts = new ArrayList<>();
        List<SamplingParams> params = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            int[] p = new int[2 + rnd.nextInt(50)];
            p[0] = 1;
            for (int j = 1; j < p.length; j++) {
                p[j] = 3 + rnd.nextInt(2000);
            }
            prompts.add(p);
            // Every fourth request samples with a seed: it must not depend on what else is batched.
            params.add(i % 4 == 3
                    ? SamplingParams.builder().temperature(0.8).topP(0.9).seed(100L + i).maxTokens(5 + i).build()
                    : SamplingParams.builder().temperature(0).maxTokens(5 + i).build());
        }
        List<Collector> collectors = new ArrayList<>();
        try (KvCache cache = engine.allocateKv(120, 16);
             EngineLoop loop = new EngineLoop(engine, cache, tokenizer, EOS, config(1000), true)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                Collector c = new Collector();
                collectors.add(c);
                int index = i;
                clients.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        loop.submit(GenerationRequest.of(prompts.get(index), params.get(index)), c);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            start.countDown();
            for (Thread t : clients) {
                t.join(10_000);
            }
            for (Collector c : collectors) {
                c.await();
            }
            awaitNoBlocksUsed(loop);
        }
        for (int i = 0; i < 32; i++) {
            Collector c = collectors.get(i);
            int[] expected = alone(prompts.get(i), params.get(i));
            assertThat(c.tokens()).as("request %d", i).containsExactly(expected);
            // The streamed text continues the prompt's (a SentencePiece word keeps its leading space).
            String prompt = tokenizer.decode(prompts.get(i), true);
            String whole = tokenizer.decode(concat(prompts.get(i), expected), true);
            assertThat(c.text()).as("request %d text", i).isEqualTo(whole.substring(prompt.length()));
            TokenDelta last = c.deltas.getLast();
            assertThat(last.finishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
            assertThat(last.completionTokens()).isEqualTo(expected.length);
            assertThat(last.timings().timeToFirstTokenNanos()).isPositive();
        }
    }

    @Test
    void nCompletionsRunAsSequencesSharingThePromptsBlocks() throws Exception {
        int[] prompt = new int[40];
        prompt[0] = 1;
        for (int i = 1; i < prompt.length; i++) {
            prompt[i] = 10 + i * 7;
        }
        SamplingParams params = SamplingParams.builder().temperature(1.0).seed(7L).maxTokens(12).n(3).build();
        List<List<TokenDelta>> byChoice = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
                new CopyOnWriteArrayList<>());
        CountDownLatch finished = new CountDownLatch(3);
        try (KvCache cache = engine.allocateKv(40, 16);
             EngineLoop loop = new EngineLoop(engine, cache, tokenizer, EOS, config(100), true)) {
            long id = loop.submit(GenerationRequest.of(prompt, params), d -> {
                byChoice.get(d.index()).add(d);
                if (d.isFinal()) {
                    finished.countDown();
                }
            });
            assertThat(finished.await(120, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 3; i++) {
                int[] tokens = byChoice.get(i).stream().filter(d -> d.sample() != null)
                        .mapToInt(d -> d.sample().tokenId()).toArray();
                assertThat(tokens).as("choice %d", i).containsExactly(alone(prompt, params.forChoice(i)));
                assertThat(byChoice.get(i)).allMatch(d -> d.requestId() == id);
            }
            awaitNoBlocksUsed(loop);
            assertThat(loop.stats().kvCache().prefixHitTokens()).as("choices share the prompt's blocks").isPositive();
        }
    }

    @Test
    void stopStringsEndTheTextBeforeTheStopAcrossTokens() throws Exception {
        int[] prompt = tokenizer.encode("Once upon a time");
        int[] greedy = alone(prompt, SamplingParams.builder().temperature(0).maxTokens(30).build());
        String full = tokenizer.decode(greedy, true);
        String stop = full.substring(12, 19);
        try (KvCache cache = engine.allocateKv(40, 16);
             EngineLoop loop = new EngineLoop(engine, cache, tokenizer, EOS, config(100), true)) {
            Collector c = new Collector();
            loop.submit(GenerationRequest.of(prompt, SamplingParams.builder().temperature(0).maxTokens(30)
                    .stop(List.of(stop)).build()), c);
            TokenDelta last = c.await();
            assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(last.stopReason()).isEqualTo(stop);
            assertThat(c.text()).isEqualTo(full.substring(0, full.indexOf(stop)));
        }
    }

    @Test
    void cancellationAndDeadlinesAbortAndFreeTheBlocks() throws Exception {
        try (KvCache cache = engine.allocateKv(40, 16);
             EngineLoop loop = new EngineLoop(engine, cache, tokenizer, EOS, config(100), true)) {
            CountDownLatch firstToken = new CountDownLatch(1);
            Collector c = new Collector() {
                @Override
                public void onDelta(TokenDelta d) {
                    super.onDelta(d);
                    firstToken.countDown();
                }
            };
            SamplingParams longRun = SamplingParams.builder().temperature(0).maxTokens(400).ignoreEos(true).build();
            long id = loop.submit(GenerationRequest.of(new int[]{1, 80}, longRun), c);
            assertThat(firstToken.await(60, TimeUnit.SECONDS)).isTrue();
            loop.cancel(id);
            assertThat(c.await().finishReason()).isEqualTo(FinishReason.ABORT);
            assertThat(c.tokens().length).isLessThan(400);

            Collector late = new Collector();
            loop.submit(new GenerationRequest(new int[]{1, 80}, longRun, 0, null, System.nanoTime() + 50_000_000L), late);
            TokenDelta end = late.await();
            assertThat(end.finishReason()).isEqualTo(FinishReason.ABORT);
            assertThat(end.error()).contains("deadline");
            awaitNoBlocksUsed(loop);
        }
    }

    @Test
    void aFullQueueFailsFastAndImpossibleRequestsAreRejected() {
        try (KvCache cache = engine.allocateKv(8, 16);
             EngineLoop loop = new EngineLoop(engine, cache, tokenizer, EOS, config(2), true)) {
            SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(50).build();
            assertThatThrownBy(() -> loop.submit(GenerationRequest.of(new int[]{1}, SamplingParams.builder()
                    .maxTokens(600).build()), new Collector())).hasMessageContaining("context length of 512");
            assertThatThrownBy(() -> loop.submit(GenerationRequest.of(new int[]{1}, SamplingParams.builder()
                    .maxTokens(200).build()), new Collector())).hasMessageContaining("KV cache");
            AtomicInteger accepted = new AtomicInteger();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    loop.submit(GenerationRequest.of(new int[]{1, 5, 6}, p), new Collector());
                    accepted.incrementAndGet();
                }
            }).isInstanceOf(OverloadedException.class);
            assertThat(accepted.get()).isGreaterThanOrEqualTo(2).isLessThan(50);
        }
    }

    @Test
    void aFailingStepFailsOnlyItsRequestsAndTheLoopKeepsServing() throws Exception {
        AtomicInteger failNext = new AtomicInteger();
        Engine flaky = new Engine() {
            @Override
            public ModelInfo info() {
                return engine.info();
            }

            @Override
            public long kvBytesPerBlock(int blockSize) {
                return engine.kvBytesPerBlock(blockSize);
            }

            @Override
            public KvCache allocateKv(int numBlocks, int blockSize) {
                return engine.allocateKv(numBlocks, blockSize);
            }

            @Override
            public Logits forward(StepBatch batch, KvCache cache) {
                if (failNext.getAndSet(0) == 1) {
                    throw new IllegalStateException("injected device failure");
                }
                return engine.forward(batch, cache);
            }

            @Override
            public void close() {
            }
        };
        try (KvCache cache = engine.allocateKv(40, 16);
             EngineLoop loop = new EngineLoop(flaky, cache, tokenizer, EOS, config(100), true)) {
            SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(8).build();
            failNext.set(1);
            Collector failed = new Collector();
            loop.submit(GenerationRequest.of(new int[]{1, 80, 147}, p), failed);
            TokenDelta end = failed.await();
            assertThat(end.finishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(end.error()).contains("injected device failure");
            Collector ok = new Collector();
            loop.submit(GenerationRequest.of(new int[]{1, 80, 147}, p), ok);
            assertThat(ok.await().finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(ok.tokens()).containsExactly(alone(new int[]{1, 80, 147}, p));
            assertThat(loop.isAlive()).isTrue();
        }
    }

    @Test
    void closeAbortsWhatIsInFlightAndStopsTheThread() throws Exception {
        Collector c = new Collector();
        EngineLoop loop;
        try (KvCache cache = engine.allocateKv(40, 16)) {
            loop = new EngineLoop(engine, cache, tokenizer, EOS, config(100), true);
            loop.submit(GenerationRequest.of(new int[]{1, 80},
                    SamplingParams.builder().temperature(0).maxTokens(400).ignoreEos(true).build()), c);
            loop.close();
        }
        assertThat(c.await().finishReason()).isEqualTo(FinishReason.ABORT);
        assertThat(loop.isAlive()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("engine-loop")))
                .noneMatch(Thread::isAlive);
        assertThatThrownBy(() -> loop.submit(GenerationRequest.of(new int[]{1},
                SamplingParams.builder().build()), new Collector())).hasMessageContaining("shutting down");
    }
}
