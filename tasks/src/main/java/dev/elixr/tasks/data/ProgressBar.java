package dev.elixr.tasks.data;

import java.io.PrintStream;
import java.util.Locale;

/** A text progress bar with rate and ETA, redrawn in place on a stream (stderr) at most ten times a second. */
public final class ProgressBar {
    private final String what;
    private final String unit;
    private final long total;
    private final PrintStream out;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long done;
    private long lastDraw;

    public ProgressBar(String what, String unit, long total, PrintStream out, boolean enabled) {
        this.what = what;
        this.unit = unit;
        this.total = total;
        this.out = out;
        this.enabled = enabled;
    }

    /** Counts n more items done; thread-safe. */
    public synchronized void step(long n) {
        done += n;
        long now = System.nanoTime();
        if (enabled && (now - lastDraw > 100_000_000L || done >= total)) {
            lastDraw = now;
            draw(now);
        }
    }

    private void draw(long now) {
        double secs = (now - start) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        int width = 30, filled = total == 0 ? width : (int) (width * done / total);
        long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
        out.printf(Locale.ROOT, "\r%s [%s%s] %d/%d %s  %.1f %s/s  ETA %d:%02d ", what, "#".repeat(filled), "-".repeat(width - filled),
                done, total, unit, rate, unit, eta / 60, eta % 60);
        out.flush();
    }

    /** Ends the bar with a newline and the elapsed time. */
    public synchronized void finish() {
        if (!enabled) return;
        draw(System.nanoTime());
        out.printf(Locale.ROOT, " done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }
}
