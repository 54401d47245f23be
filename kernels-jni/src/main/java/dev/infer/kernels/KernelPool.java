package dev.infer.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The kernels' own threads: {@code threads - 1} named daemon workers plus the calling thread, which takes tasks
 * too. Kernels run between the engine's dense ops, never at the same time as PyTorch's or ONNX Runtime's pools,
 * so they share the cores without fighting; a private pool also keeps kernels off the common pool.
 *
 * <p>Why not a {@code ForkJoinPool}: a decode step makes ~100 kernel calls of 0.1-1 ms each, and handing one to
 * a parked pool thread and joining it cost ~20 µs per call (measured here, 2 tasks of 0.5 µs), with the
 * workers parked 35% of a native int8 decode step (async-profiler, wall clock). Here the caller runs tasks
 * instead of waiting for a wake-up, and a pool made with a spin time ({@link #SPIN_NANOS} for the linear
 * kernels, whose calls follow each other within microseconds) keeps its workers spinning that long before they
 * park, so the next call of the same step finds them awake. The other pools park at once: attention is called
 * once per layer (milliseconds apart at decode), so its worker would park anyway after spinning, and while it
 * spun it would take a core from the linear kernels or from ONNX Runtime's and PyTorch's own threads.
 *
 * <p>One call at a time owns the workers. A call that finds them busy (another thread's, or a kernel calling a
 * kernel) runs its tasks inline, so callers never wait for each other and never deadlock.
 */
final class KernelPool implements AutoCloseable {
    /** How long an idle linear-kernel worker spins before parking: longer than the Java work between two calls. */
    static final long SPIN_NANOS = 50_000;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final String threadPrefix;
    private final int parallelism;
    private final long spinNanos;
    private final Worker[] workers;
    private final AtomicBoolean owned = new AtomicBoolean();
    private volatile Job current;
    private volatile boolean closed;

    /** A pool whose idle workers park at once. */
    KernelPool(String name, int threads) {
        this(name, threads, 0);
    }

    /** A pool whose idle workers spin {@code spinNanos} before they park. */
    KernelPool(String name, int threads, long spinNanos) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, got " + threads);
        }
        this.threadPrefix = name + "-" + POOLS.incrementAndGet() + "-";
        this.parallelism = threads;
        this.spinNanos = spinNanos;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(threadPrefix + i);
        }
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    String threadPrefix() {
        return threadPrefix;
    }

    int parallelism() {
        return parallelism;
    }

    /** Runs {@code body(i)} for every i in [0, tasks) and returns when all have run; the first failure is rethrown. */
    void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (tasks == 1 || workers.length == 0 || closed || !owned.compareAndSet(false, true)) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        Job job = new Job(tasks, body);
        try {
            current = job;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w.thread);
                }
            }
            job.run();
            job.awaitDone();
        } finally {
            current = null;
            owned.set(false);
        }
        job.rethrow();
    }

    /** Runs {@code body(from, to)} over [0, items) cut into a few ranges per thread (fewer calls, some balance). */
    void forRanges(int items, RangeBody body) {
        int ranges = Math.min(items, parallelism * 4);
        forEach(ranges, r -> body.run((int) ((long) items * r / ranges), (int) ((long) items * (r + 1) / ranges)));
    }

    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /** Stops the worker threads, waiting for any running kernel to finish. */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
        boolean interrupted = false;
        for (Worker w : workers) {
            while (w.thread.isAlive()) {
                try {
                    w.thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One call's tasks, claimed one at a time by whichever thread is free. */
    private static final class Job {
        private final int tasks;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private volatile Throwable failure;

        Job(int tasks, IntConsumer body) {
            this.tasks = tasks;
            this.body = body;
        }

        void run() {
            for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                try {
                    body.accept(t);
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    }
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        /**
         * Every task the caller did not take is running on a worker, so this wait is one task long at most, and
         * it spins: a caller that parked after 20 µs (woken by the last task) measured 21-26 tok/s native int8
         * decode against 32-37 spinning, back to back.
         */
        void awaitDone() {
            while (done.get() < tasks) {
                Thread.onSpinWait();
            }
        }

        void rethrow() {
            Throwable e = failure;
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error err) {
                throw err;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final class Worker implements Runnable {
        private final Thread thread;
        private volatile boolean parked;

        Worker(String name) {
            this.thread = new Thread(this, name);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            Job last = null;
            while (!closed) {
                Job job = awaitJob(last);
                if (job != null) {
                    job.run();
                    last = job;
                }
            }
        }

        /** The next job other than {@code last}: spinning first, then parked until a call unparks this worker. */
        private Job awaitJob(Job last) {
            long spinUntil = System.nanoTime() + spinNanos;
            while (!closed) {
                Job job = current;
                if (job != null && job != last) {
                    return job;
                }
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                // Publish `parked` before the last look at `current`: a caller that sets `current` after that
                // look sees parked == true and unparks (an unpark before park() makes park() return at once).
                parked = true;
                job = current;
                if (job == null || job == last) {
                    LockSupport.park(this);
                }
                parked = false;
                spinUntil = System.nanoTime() + spinNanos;
            }
            return null;
        }
    }
}
