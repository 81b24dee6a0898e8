package dev.elixr.bench;

import dev.elixr.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Memory read bandwidth as the kernels see it: every thread of the kernel pool sums its share of a buffer far
 * larger than the caches with vector loads; the best of several passes, in GB/s. The yardstick of memory-bound
 * decoding (weight bytes per token ÷ this = the tokens/s bound).
 */
public final class MemoryBandwidth {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private MemoryBandwidth() {}

    /** GB/s over a buffer of the given size in MiB. */
    public static double measure(int mib, int passes) {
        float[] buf = new float[mib << 18];
        java.util.Arrays.fill(buf, 1f);
        double best = 0;
        for (int p = 0; p < passes + 1; p++) {
            double[] sink = new double[1];
            long t0 = System.nanoTime();
            Parallel.forRange(buf.length / S.length(), 1 << 14, (s, e) -> {
                FloatVector acc = FloatVector.zero(S);
                for (int i = s; i < e; i++) acc = acc.add(FloatVector.fromArray(S, buf, i * S.length()));
                synchronized (sink) { sink[0] += acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD); }
            });
            double seconds = (System.nanoTime() - t0) * 1e-9;
            if (sink[0] != buf.length) throw new IllegalStateException("bandwidth probe summed " + sink[0] + ", expected " + buf.length);
            if (p > 0) best = Math.max(best, 4.0 * buf.length / seconds / 1e9); // the first pass warms up
        }
        return best;
    }
}
