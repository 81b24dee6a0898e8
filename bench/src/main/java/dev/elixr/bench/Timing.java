package dev.elixr.bench;

/**
 * Wall-clock timing for the side-by-side comparisons: warm up (C2 needs ≈ 1.2 s to settle on the
 * kernels on an idle machine, much longer on a busy one: until C2 has compiled them, Vector API code
 * runs boxed, a hundred times slower), then several rounds, keeping the best round (the least
 * disturbed by other processes). The warm-up lasts at least {@code warmupSeconds} and goes on (up to
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
            if (elapsed >= MAX_WARMUP_SECONDS || (elapsed >= warmupSeconds && quiet >= 3)) break;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < rounds; r++) best = Math.min(best, round(body, roundSeconds));
        return best;
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

    /** The request fields numpy_bench.py reads for the same schedule. */
    String json() {
        return "\"warmup\": " + warmupSeconds + ", \"rounds\": " + rounds + ", \"round_seconds\": " + roundSeconds
                + ", \"clock\": \"" + (cpuTime ? "thread" : "wall") + "\"";
    }
}
