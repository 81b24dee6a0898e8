package dev.elixr.bench;

import dev.elixr.tensor.cpu.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Measured fused multiply-add peak: independent vector FMA chains on every thread, no memory traffic, in the species the
 * kernels use ({@link Simd}). 12 chains: a core needs latency × ports independent FMAs in flight (4 × 2 = 8 on Zen 3/4/5
 * and Intel since Skylake, 5 × 2 = 10 on Haswell) to issue one on every port every cycle; 12 cover them all and fit
 * 16 vector registers with the two operands.
 */
public final class FmaPeak {
    private static final VectorSpecies<Float> S = Simd.species();
    /** Independent accumulation chains. */
    static final int CHAINS = 12;

    private FmaPeak() {}

    /**
     * Peak of the given number of threads, taken as threads × the single-thread measurement (on a shared machine a
     * single thread's best run is the least disturbed estimate of what one core can do).
     */
    public static double peakGflops(int threads) { return threads * gflops(1); }

    /**
     * GFLOP/s over the given number of threads: best of 5 runs of ≈ 0.1 s (at peak) after a JIT warm-up run. One thread
     * is timed in its own CPU time (time the machine gave to other work does not count); more threads in wall time.
     */
    public static double gflops(int threads) {
        once(threads, 20_000_000);
        double best = 0;
        for (int run = 0; run < 5; run++) best = Math.max(best, once(threads, 100_000_000));
        return best;
    }

    private static double once(int threads, int iters) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (threads == 1 && mx.isCurrentThreadCpuTimeSupported()) {
            long t0 = mx.getCurrentThreadCpuTime();
            float sink = chains(iters);
            double s = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
            if (Float.isNaN(sink)) throw new AssertionError("the chains never give NaN");
            return 2.0 * S.length() * CHAINS * iters / s / 1e9;
        }
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
        return 2.0 * S.length() * CHAINS * iters * threads / s / 1e9;
    }

    private static float chains(int iters) {
        FloatVector a = FloatVector.broadcast(S, 0.999f), b = FloatVector.broadcast(S, 1e-3f);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < iters; i++) { // CHAINS = 12 independent chains
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
