package dev.infer.kernels.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a linear kernel moved and computed; JMH reports both per second next to the primary score:
 * {@code :weightBytes} (the packed weight bytes read, the effective bandwidth that bounds decode) and
 * {@code :flops} (2 × m × n × k, the compute rate that bounds prefill).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class LinearCounters {
    public long weightBytes;
    public long flops;

    @Setup(Level.Iteration)
    public void reset() {
        weightBytes = 0;
        flops = 0;
    }
}
