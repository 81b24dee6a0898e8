package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;

/**
 * Rows split into a fixed number of chunks run in parallel, each with its own partial sums that are then
 * added in chunk order: parameter gradients come out the same whatever the thread count and timing.
 */
final class RowChunks {
    private RowChunks() {}

    @FunctionalInterface
    interface Body {
        /** Processes rows [from, to) adding parameter-gradient contributions into partial (length width). */
        void run(int from, int to, double[] partial);
    }

    /** Chunks used for rows of a given width: enough to keep the pool busy, few enough to keep partials cheap. */
    static int chunks(int rows, int width) {
        long work = (long) rows * width;
        int byWork = (int) Math.max(1, Math.min(64, work / 16384));
        return Math.max(1, Math.min(rows, byWork));
    }

    /** Runs body over all rows and returns the summed partials (length width). */
    static double[] run(int rows, int width, Body body) {
        int n = chunks(rows, width);
        double[][] partials = new double[n][width];
        Parallel.forRange(n, 1, (s, e) -> {
            for (int c = s; c < e; c++) body.run((int) ((long) c * rows / n), (int) ((long) (c + 1) * rows / n), partials[c]);
        });
        double[] total = new double[width];
        for (double[] p : partials) for (int i = 0; i < width; i++) total[i] += p[i];
        return total;
    }
}
