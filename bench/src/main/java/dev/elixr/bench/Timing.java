package dev.elixr.bench;

/**
 * Wall-clock timing for the side-by-side comparisons: warm up (C2 needs ≈ 1.2 s to settle on the
 * kernels on an idle machine, much longer on a busy one: until C2 has compiled them, Vector API code
 * runs boxed, a hundred times slower), then several rounds, keeping the best round (the least
 * disturbed by other processes). The warm-up lasts at least {@code warmupSeconds} and goes on (up to
 * {@link #MAX_WARMUP_SECONDS}) until three rounds in a row neither compiled anything nor ran 5% faster.
 */
public record Timing(double warmupSeconds, int rounds, double roundSeconds) {
    public static final Timing DEFAULT = new Timing(1.5, 8, 0.25);
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
    private static double round(Runnable body, double seconds) {
        long t0 = System.nanoTime();
        int reps = 0;
        double el;
        do {
            body.run();
            reps++;
            el = (System.nanoTime() - t0) * 1e-9;
        } while (el < seconds);
        return el / reps;
    }

    /** The request fields numpy_bench.py reads for the same schedule. */
    String json() {
        return "\"warmup\": " + warmupSeconds + ", \"rounds\": " + rounds + ", \"round_seconds\": " + roundSeconds;
    }
}
