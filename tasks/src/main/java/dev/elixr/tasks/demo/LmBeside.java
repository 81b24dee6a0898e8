package dev.elixr.tasks.demo;

import dev.elixr.tensor.Parallel;
import dev.elixr.tasks.progress.Progress;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's instruction LM trained on a thread of its own beside ELIXR-C and stage 1, which do not need it: only stage
 * 2 does, and {@link #await} waits for it there. While both run, each takes one core ({@link Parallel#besideOthers}):
 * two single-threaded jobs keep two cores busier than each job split across both in turn. The LM's log and progress go
 * to DIR/lm.log (its "elixr:" lines are repeated in the demo's log once it is done); the weights are the same bits as
 * when it trains alone. Used on two cores ({@link ElixrDemo#lmBeside}).
 */
final class LmBeside implements AutoCloseable {
    private final Path logFile;
    private final Parallel.JobBeside mainLine, lmLine;
    private final Thread thread;
    private final long t0 = System.nanoTime();
    private volatile Throwable failure;
    private volatile double seconds;

    private LmBeside(Path dir, Path data, LanguageDemo.Plan p, long seed, String commandLine) {
        logFile = dir.resolve("lm.log");
        mainLine = Parallel.besideOthers();
        lmLine = Parallel.besideOthers();
        thread = Thread.ofPlatform().name("elixr-demo-lm").daemon().unstarted(() -> train(data, dir.resolve("lm"), p, seed, commandLine));
    }

    /** Starts training (or checking) DIR/lm on its own thread. */
    static LmBeside start(Path dir, Path data, LanguageDemo.Plan p, long seed, PrintStream log, String commandLine) {
        LmBeside b = new LmBeside(dir, data, p, seed, commandLine);
        log.println("elixr: the instruction LM (for stage 2) trains beside ELIXR-C and stage 1, one core each while both run; its log: "
                + b.logFile);
        b.thread.start();
        return b;
    }

    private void train(Path data, Path lm, LanguageDemo.Plan p, long seed, String commandLine) {
        try (PrintStream out = new PrintStream(Files.newOutputStream(logFile), true, StandardCharsets.UTF_8)) {
            Progress.writingTo(out, () -> {
                LanguageDemo.ensureLm(data, lm, p, seed, out, commandLine);
                return null;
            });
        } catch (Throwable t) {
            failure = t;
        } finally {
            seconds = (System.nanoTime() - t0) / 1e9;
            lmLine.close();
        }
    }

    /**
     * Waits for the LM, repeats its log's "elixr:" lines in {@code log}, and returns the seconds it took; a failure is
     * rethrown naming the log.
     */
    double await(PrintStream log) throws IOException {
        mainLine.close();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the instruction LM (its log: " + logFile + ")");
        }
        if (Files.exists(logFile))
            for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) if (line.startsWith("elixr:")) log.println(line);
        if (failure != null)
            throw new IOException("the instruction LM failed (its log: " + logFile + "): " + failure.getMessage(), failure);
        log.printf("elixr: the instruction LM took %s beside the demo's other parts%n", Progress.time(seconds));
        return seconds;
    }

    /** Whether the LM's thread has ended (trained, found trained, or failed). */
    boolean done() { return !thread.isAlive() && seconds > 0; }

    /** Withdraws the demo's main line (when it ends early the LM thread, a daemon, finishes or dies with the JVM). */
    @Override public void close() { mainLine.close(); }
}
