package dev.infer.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class KernelPoolTest {
    @Test
    void everyTaskRunsExactlyOnceCallAfterCall() {
        Random random = new Random(11);
        try (KernelPool pool = new KernelPool("pool-test", 3, KernelPool.SPIN_NANOS)) {
            for (int call = 0; call < 2000; call++) {
                int tasks = 1 + random.nextInt(40);
                AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                pool.forEach(tasks, runs::incrementAndGet);
                for (int t = 0; t < tasks; t++) {
                    assertThat(runs.get(t)).as("call %d task %d of %d", call, t, tasks).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aFailingTaskIsRethrownAfterTheOthersAndThePoolKeepsWorking() {
        try (KernelPool pool = new KernelPool("pool-test", 2)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            assertThatThrownBy(() -> pool.forEach(8, t -> {
                runs.incrementAndGet(t);
                if (t == 5) {
                    throw new IllegalArgumentException("task 5");
                }
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("task 5");
            for (int t = 0; t < 8; t++) {
                assertThat(runs.get(t)).isEqualTo(1);
            }
            AtomicIntegerArray again = new AtomicIntegerArray(4);
            pool.forEach(4, again::incrementAndGet);
            assertThat(again.toString()).isEqualTo("[1, 1, 1, 1]");
        }
    }

    @Test
    void concurrentAndNestedCallsAllComplete() throws Exception {
        try (KernelPool pool = new KernelPool("pool-test", 2);
             ExecutorService callers = Executors.newFixedThreadPool(3)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                results.add(callers.submit(() -> {
                    int total = 0;
                    for (int call = 0; call < 300; call++) {
                        AtomicIntegerArray inner = new AtomicIntegerArray(6 * 5);
                        // each outer task makes a nested call on the same pool
                        pool.forEach(6, t -> pool.forEach(5, u -> inner.incrementAndGet(t * 5 + u)));
                        for (int i = 0; i < inner.length(); i++) {
                            total += inner.get(i);
                        }
                    }
                    return total;
                }));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get()).isEqualTo(300 * 30);
            }
        }
    }

    @Test
    void closingStopsTheWorkersAndLaterCallsRunInline() throws InterruptedException {
        KernelPool pool = new KernelPool("pool-close-test", 3, KernelPool.SPIN_NANOS);
        String prefix = pool.threadPrefix();
        pool.forEach(4, t -> { });
        assertThat(liveThreads(prefix)).isEqualTo(2);
        pool.close();
        assertThat(liveThreads(prefix)).isZero();
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        pool.forEach(3, runs::incrementAndGet);
        assertThat(runs.toString()).isEqualTo("[1, 1, 1]");
    }

    private static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }
}
