package dev.infer.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The kernels' own worker threads: named daemon threads, as many as the engine says. Kernels run between the
 * engine's dense ops, never at the same time as PyTorch's pool, so the two share the cores without fighting;
 * a private pool also keeps kernels off the common pool (a single thread on small machines).
 */
final class KernelPool implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final String threadPrefix;
    private final ForkJoinPool pool;

    KernelPool(String name, int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, got " + threads);
        }
        this.threadPrefix = name + "-" + POOLS.incrementAndGet() + "-";
        this.pool = new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName(threadPrefix + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    String threadPrefix() {
        return threadPrefix;
    }

    int parallelism() {
        return pool.getParallelism();
    }

    /** Runs {@code body(i)} for every i in [0, tasks): inline when there is one task or one thread. */
    void forEach(int tasks, IntConsumer body) {
        if (tasks == 1 || pool.getParallelism() == 1) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        pool.submit(() -> IntStream.range(0, tasks).parallel().forEach(body)).join();
    }

    /** Runs {@code body(from, to)} over [0, items) cut into a few ranges per thread (fewer calls, some balance). */
    void forRanges(int items, RangeBody body) {
        int ranges = Math.min(items, pool.getParallelism() * 4);
        forEach(ranges, r -> body.run((int) ((long) items * r / ranges), (int) ((long) items * (r + 1) / ranges)));
    }

    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /** Stops the worker threads, waiting for any running kernel to finish. */
    @Override
    public void close() {
        pool.close();
    }
}
