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
 * 16 vector registers with the two operands. Each chain runs through the addend (c = a·b + c), as the micro-kernels'
 * accumulators do: on Zen 4's 256-bit path chains through the multiplicand (c = c·a + b) reached 95–98 GFLOP/s a core
 * against 113–115 through the addend (AVX-512: 116–117 either way), so the probe read below what the GEMM itself
 * reached (96) and MFU above the truth.
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
        for (int i = 0; i < iters; i++) { // CHAINS = 12 independent chains, each through the addend as in the micro-kernels
            c0 = a.fma(b, c0); c1 = a.fma(b, c1); c2 = a.fma(b, c2); c3 = a.fma(b, c3);
            c4 = a.fma(b, c4); c5 = a.fma(b, c5); c6 = a.fma(b, c6); c7 = a.fma(b, c7);
            c8 = a.fma(b, c8); c9 = a.fma(b, c9); c10 = a.fma(b, c10); c11 = a.fma(b, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
