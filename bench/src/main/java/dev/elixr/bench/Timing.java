package dev.elixr.bench;

import dev.elixr.tensor.Parallel;

/**
 * Wall-clock timing for the side-by-side comparisons: warm up (C2 needs ≈ 1.2 s to settle on the
 * kernels on an idle machine, much longer on a busy one: until C2 has compiled them, Vector API code
 * runs boxed, a hundred times slower), then several rounds, keeping the best round (the least
 * disturbed by other processes); beside a peer ({@link #sideBySide}) its rounds alternate with ours. The warm-up lasts at least {@code warmupSeconds} and goes on (up to
 * {@link #MAX_WARMUP_SECONDS}) until three rounds in a row neither compiled anything nor ran 5% faster.
 *
 * <p>With {@code cpuTime}, rounds are measured in the calling thread's CPU time (numpy: time.thread_time)
 * instead of wall-clock time: on a machine shared with other work, time spent descheduled no longer
 * counts. Valid only for single-threaded runs, where all the work happens on the calling thread.
 */
public record Timing(double warmupSeconds, int rounds, double roundSeconds, boolean cpuTime) {
    public static final Timing DEFAULT = new Timing(1.5, 8, 0.25, false);
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    public static final double MAX_WARMUP_SECONDS = 20;

    /** Best seconds per call of body. */
    public double bestSeconds(Runnable body) {
        warmUp(body);
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < rounds; r++) best = Math.min(best, round(body, roundSeconds));
        return best;
    }

    /** One timed round of a peer (numpy, PyTorch): its seconds per call over a round of at least the given length. */
    public interface PeerRound {
        double seconds(double roundSeconds) throws java.io.IOException;
    }

    /** Best seconds per call of ours and of the peer (NaN when the peer failed; the reason went to stderr). */
    public record Pair(double ours, double peer) {}

    /**
     * Best seconds per call of body and of a peer already warmed up, their rounds alternated in pairs — ours, the
     * peer's, the peer's, ours, ours, … — after our warm-up, so that a slow stretch of a shared or throttled machine falls
     * on both sides alike instead of on whichever ran then. At each switch the side taking over first runs an untimed
     * round: a process that waited idle runs slower for a few hundred milliseconds (measured on a 2-vCPU KVM guest, AVX2
     * Zen 3, one thread: our 1024³ SGEMM 29 → 40–50 ms a call just after a 0.45 s sleep, numpy's 25 → 28–31), and a peer's threads may still be
     * spinning after its round (OpenBLAS's and OpenMP's do for a while). Half of each side's timed rounds follow one of its
     * own timed rounds directly.
     */
    public Pair sideBySide(Runnable body, PeerRound peer) {
        warmUp(body);
        double ours = Double.POSITIVE_INFINITY, theirs = Double.POSITIVE_INFINITY;
        boolean peerOk = true;
        for (int r = 0; r < rounds; r++)
            for (int side = 0; side < 2; side++) {
                boolean switched = side == 1; // the second of a round follows the other side (pairs: ours peer | peer ours | …)
                if ((side == 0) == (r % 2 == 0)) {
                    if (switched) round(body, roundSeconds);
                    ours = Math.min(ours, round(body, roundSeconds));
                    continue;
                }
                if (!peerOk) continue;
                try {
                    if (switched) peer.seconds(roundSeconds);
                    theirs = Math.min(theirs, peer.seconds(roundSeconds));
                } catch (java.io.IOException e) {
                    System.err.println("peer benchmark failed: " + e.getMessage());
                    peerOk = false;
                }
            }
        return new Pair(ours, peerOk ? theirs : Double.NaN);
    }

    /** f's value computed with our kernels on {@code threads} threads (the previous count restored after). */
    static <T> T onThreads(int threads, java.util.function.Supplier<T> f) {
        int old = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            return f.get();
        } finally {
            Parallel.setThreads(old);
        }
    }

    /** Runs body until C2 has settled on it: at least warmupSeconds, then until three rounds in a row neither compiled nor sped up by 5%. */
    private void warmUp(Runnable body) {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime(), jitTime = jit.getTotalCompilationTime();
        double previous = Double.POSITIVE_INFINITY;
        int quiet = 0;
        while (true) {
            double perCall = round(body, 0.25);
            long jitNow = jit.getTotalCompilationTime();
            quiet = jitNow == jitTime && perCall > 0.95 * previous ? quiet + 1 : 0;
            jitTime = jitNow;
            previous = Math.min(previous, perCall);
            double elapsed = (System.nanoTime() - start) * 1e-9;
            if (elapsed >= MAX_WARMUP_SECONDS || (elapsed >= warmupSeconds && quiet >= 3)) return;
        }
    }

    /** Seconds per call over one round of at least the given length. */
    private double round(Runnable body, double seconds) {
        long t0 = now();
        int reps = 0;
        double el;
        do {
            body.run();
            reps++;
            el = (now() - t0) * 1e-9;
        } while (el < seconds);
        return el / reps;
    }

    private long now() { return cpuTime ? THREADS.getCurrentThreadCpuTime() : System.nanoTime(); }

    /** The clock in words, for table headers. */
    public String clock() { return cpuTime ? "thread CPU time" : "wall-clock time"; }

    /** The clock field of numpy_bench.py's round requests. */
    String clockJson() { return cpuTime ? "thread" : "wall"; }
}
