package dev.elixr.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;

/** Measured fused multiply-add peak: independent vector FMA chains on every thread, no memory traffic. */
public final class FmaPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private FmaPeak() {}

    /**
     * Peak of the given number of threads, taken as threads × the single-thread measurement (on a shared machine a
     * single thread's best run is the least disturbed estimate of what one core can do).
     */
    public static double peakGflops(int threads) { return threads * gflops(1); }

    /** GFLOP/s over the given number of threads: best of 5 runs of ≈ 0.1 s (at peak) after a JIT warm-up run. */
    public static double gflops(int threads) {
        once(threads, 20_000_000);
        double best = 0;
        for (int run = 0; run < 5; run++) best = Math.max(best, once(threads, 100_000_000));
        return best;
    }

    private static double once(int threads, int iters) {
        List<Thread> ts = new ArrayList<>();
        float[] sink = new float[threads];
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int id = i;
            ts.add(Thread.ofPlatform().start(() -> sink[id] = chains(iters)));
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return 2.0 * S.length() * 8 * iters * threads / s / 1e9;
    }

    private static float chains(int iters) {
        FloatVector a = FloatVector.broadcast(S, 0.999f), b = FloatVector.broadcast(S, 1e-3f);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int i = 0; i < iters; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).reduceLanes(VectorOperators.ADD);
    }
}
