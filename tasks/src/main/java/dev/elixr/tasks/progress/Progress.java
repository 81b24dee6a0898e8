package dev.elixr.tasks.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress bar of every long task (data generation, decoding, training, probes): one line on stderr with
 * done/total, a bar, the rate in items per second, the elapsed time, the ETA and a free-form status (e.g. the loss).
 * Redraws in place on a terminal; when not interactive (CI, logs) prints a line at most every {@code minIntervalNanos}.
 * Thread-safe: workers may advance it concurrently.
 */
public final class Progress {
    private final String label;
    private final long total;
    private final String unit;
    private final PrintStream out;
    private final LongSupplier clock;
    private final boolean interactive;
    private final long minIntervalNanos;
    private final long start;
    private long lastPrint;
    private boolean printed;
    private long done;

    /** Where this thread's bars go instead of stderr ({@link #writingTo}); null: stderr. */
    private static final ThreadLocal<PrintStream> REDIRECT = new ThreadLocal<>();

    public Progress(String label, long total, String unit) {
        this(label, total, unit, true);
    }

    /** A bar on stderr (or where {@link #writingTo} sends this thread's bars), or (enabled false) one that only counts. */
    public Progress(String label, long total, String unit, boolean enabled) {
        this(label, total, unit, !enabled ? null : REDIRECT.get() != null ? REDIRECT.get() : System.err, System::nanoTime,
                REDIRECT.get() == null && System.console() != null, 10_000_000_000L);
    }

    /**
     * Runs {@code work} with the bars it starts on this thread written to {@code out} as plain lines (every 10 s)
     * instead of redrawn on stderr: a job running beside another keeps its bar out of the other's line.
     */
    public static <T> T writingTo(PrintStream out, java.util.concurrent.Callable<T> work) throws Exception {
        PrintStream before = REDIRECT.get();
        REDIRECT.set(out);
        try {
            return work.call();
        } finally {
            if (before == null) REDIRECT.remove();
            else REDIRECT.set(before);
        }
    }

    public Progress(String label, long total, String unit, PrintStream out, LongSupplier clock, boolean interactive,
                    long minIntervalNanos) {
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.clock = clock;
        this.interactive = interactive;
        this.minIntervalNanos = interactive ? 200_000_000L : minIntervalNanos;
        this.start = clock.getAsLong();
    }

    /** Advances by {@code n} items (e.g. images of a batch) and redraws with the given status. */
    public synchronized void advance(long n, String status) {
        done += n;
        long now = clock.getAsLong();
        if (printed && done < total && now - lastPrint < minIntervalNanos) return;
        print(now, status);
    }

    /** Prints the final state when the last line shown was not it (fewer items than announced, or none at all). */
    public synchronized void finish() {
        if (!printed || done < total) print(clock.getAsLong(), "finished");
    }

    private void print(long now, String status) {
        printed = true;
        lastPrint = now;
        if (out == null) return;
        String line = line(now, status);
        if (interactive) out.print("\r" + line + (done >= total ? "\n" : ""));
        else out.println(line);
        out.flush();
    }

    /** The progress line at time {@code now}. */
    String line(long now, String status) {
        double secs = Math.max((now - start) / 1e9, 1e-9);
        double rate = done / secs;
        double frac = total == 0 ? 1 : Math.min(1.0, (double) done / total);
        int width = 24, filled = (int) Math.round(frac * width);
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        String eta = rate > 0 && done < total ? time((total - done) / rate) : "--:--";
        return String.format(Locale.ROOT, "%s [%s] %d/%d %s, %.1f %s/s, %s elapsed, ETA %s%s",
                label, bar, done, total, unit, rate, unit, time(secs), eta, status == null || status.isEmpty() ? "" : ", " + status);
    }

    /** Seconds as m:ss or h:mm:ss. */
    public static String time(double secs) {
        long s = Math.round(secs);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    public synchronized long done() {
        return done;
    }
}
