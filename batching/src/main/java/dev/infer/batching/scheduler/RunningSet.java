package dev.infer.batching.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The scheduler's running sequences, plus the per-step "planned" mark that victim search must respect.
 *
 * <p>Order: under {@link SchedulingPolicy#PRIORITY} the list is kept sorted by the policy's order (insertion by
 * binary search), so one pass over it visits sequences best-first and the preemption victim is simply the last
 * unplanned element. Under FCFS it keeps admission order (as before), and the victim is the latest arrival
 * among the unplanned, found by a scan: re-admitted sequences make arrival order and list order differ.
 *
 * <p>Hot-path choices (one step with hundreds of sequences): the step's snapshot is a reused array, not a fresh
 * {@code List.copyOf}; "planned" is an identity set (Sequence has identity equality), not {@code List.contains}.
 */
final class RunningSet {
    private final List<Sequence> list = new ArrayList<>();
    private final Set<Sequence> planned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Comparator<Sequence> order;
    private final boolean sorted;
    private Sequence[] snapshot = new Sequence[16];

    RunningSet(Comparator<Sequence> order, boolean sorted) {
        this.order = order;
        this.sorted = sorted;
    }

    int size() {
        return list.size();
    }

    void add(Sequence seq) {
        if (!sorted) {
            list.add(seq);
            return;
        }
        int lo = 0;
        int hi = list.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (order.compare(list.get(mid), seq) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        list.add(lo, seq);
    }

    /** Removes by identity; O(n), but only finishes and preemptions call it, not every step's pass. */
    boolean remove(Sequence seq) {
        for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i) == seq) {
                list.remove(i);
                return true;
            }
        }
        return false;
    }

    /**
     * Starts a step: clears the planned marks and returns the running sequences as of now in a reused array
     * (valid up to {@link #size()} at this call; the caller skips entries that stop running during the pass).
     */
    Sequence[] beginStep() {
        planned.clear();
        if (snapshot.length < list.size()) {
            snapshot = new Sequence[Math.max(list.size(), snapshot.length * 2)];
        }
        return list.toArray(snapshot);
    }

    void markPlanned(Sequence seq) {
        planned.add(seq);
    }

    /** The last running sequence by the policy's order that is not planned this step; null if none. */
    Sequence lowestUnplanned() {
        Sequence victim = null;
        for (int i = list.size() - 1; i >= 0; i--) {
            Sequence s = list.get(i);
            if (planned.contains(s)) {
                continue;
            }
            if (sorted) {
                return s;
            }
            if (victim == null || order.compare(s, victim) > 0) {
                victim = s;
            }
        }
        return victim;
    }
}
