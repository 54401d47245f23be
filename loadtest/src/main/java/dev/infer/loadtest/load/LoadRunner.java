package dev.infer.loadtest.load;

import dev.infer.loadtest.client.TargetClient;
import dev.infer.loadtest.dataset.Conversation;
import dev.infer.loadtest.dataset.Dataset;
import dev.infer.loadtest.metrics.RequestRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs load levels against one target: a warm-up, then either N closed-loop clients (each sends its next
 * conversation when the last one ends) or open-loop arrivals at a rate (Poisson or gamma, optionally capped at a
 * number in flight). Every client is a virtual thread blocked on its request, so thousands cost little.
 */
public final class LoadRunner {
    // Warm-up prompts come from far away in the dataset so the measured prompts stay the same with or without it.
    private static final int WARMUP_OFFSET = 1 << 30;

    private final TargetClient client;
    private final Dataset dataset;
    private final RunSettings settings;
    private final Progress progress;

    public LoadRunner(TargetClient client, Dataset dataset, RunSettings settings, Progress progress) {
        this.client = client;
        this.dataset = dataset;
        this.settings = settings;
        this.progress = progress;
    }

    public LevelRun run(LoadLevel level) throws InterruptedException {
        warmUp(level);
        progress.levelStarted(level, settings);
        List<RequestRecord> records = Collections.synchronizedList(new ArrayList<>());
        LevelClock clock = new LevelClock(settings.maxDuration(), settings.maxRequests());
        Instant started = Instant.now();
        ConversationDriver driver = new ConversationDriver(client, clock, settings, r -> {
            records.add(r);
            progress.requestDone(r);
        });
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            if (level.kind() == LoadLevel.Kind.CONCURRENCY) {
                closedLoop(level.clients(), clock, driver, clients, 0);
            } else {
                openLoop(level, clock, driver, clients);
            }
        }
        progress.levelDone(level);
        List<RequestRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingInt(RequestRecord::index));
        return new LevelRun(level, started, sorted);
    }

    private void warmUp(LoadLevel level) {
        if (settings.warmup() == 0) {
            return;
        }
        LevelClock clock = new LevelClock(settings.maxDuration(), settings.warmup());
        ConversationDriver driver = new ConversationDriver(client, clock, settings, r -> { });
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            closedLoop(Math.min(level.clients() > 0 ? level.clients() : 1, settings.warmup()), clock, driver, clients,
                    WARMUP_OFFSET);
        }
    }

    private void closedLoop(int n, LevelClock clock, ConversationDriver driver, ExecutorService clients, int offset) {
        AtomicInteger next = new AtomicInteger(offset);
        for (int c = 0; c < n; c++) {
            clients.submit(() -> {
                while (!clock.exhausted()) {
                    driver.drive(dataset.conversation(next.getAndIncrement()));
                }
            });
        }
    }

    private void openLoop(LoadLevel level, LevelClock clock, ConversationDriver driver, ExecutorService clients)
            throws InterruptedException {
        ArrivalSchedule arrivals = new ArrivalSchedule(level.value(), level.burstiness(), settings.seed());
        Semaphore inFlight = new Semaphore(level.maxConcurrency() > 0 ? level.maxConcurrency() : Integer.MAX_VALUE);
        for (int i = 0; settings.maxRequests() == 0 || i < settings.maxRequests(); i++) {
            clock.sleepUntil(arrivals.nextMs());
            if (clock.exhausted()
                    || !inFlight.tryAcquire(clock.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
            Conversation conversation = dataset.conversation(i);
            clients.submit(() -> {
                try {
                    driver.drive(conversation);
                } finally {
                    inFlight.release();
                }
            });
        }
    }
}
