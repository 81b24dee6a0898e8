package dev.elixr.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The one thread pool the kernels share, sized to the available cores; override with
 * {@code -Delixr.threads=N}. {@link #forRange} splits [0, n) into contiguous chunks.
 */
public final class Parallel {
    private static volatile int threads = Integer.getInteger("elixr.threads", Runtime.getRuntime().availableProcessors());
    private static volatile ForkJoinPool pool = newPool(threads);
    private static volatile Team team; // made by the first forChunks that needs it
    private static final boolean TEAM = Boolean.parseBoolean(System.getProperty("elixr.team", "true"));
    /**
     * Whether {@link #forRange} hands its chunks to the {@link Team} too (on by default; {@code -Delixr.team.ranges=false}
     * goes back to the fork/join pool). Quiet A/B, 2 threads, AVX-512, `bench models --no-torch --rounds 3` three pairs:
     * EfficientNet-B0 8.5–11.0 ms against 11.0–13.9, BERT-base 116–128 against 121–132, ViT-B/16 161–166 against 167–212
     * (docs/results.md, "forRange on the team").
     */
    private static volatile boolean teamRanges = Boolean.parseBoolean(System.getProperty("elixr.team.ranges", "true"));

    /** Counting of parallel loops ({@code -Delixr.parallel.stats=true}; a decoding profile's hand-offs). */
    static final boolean STATS = Boolean.getBoolean("elixr.parallel.stats");
    private static final java.util.concurrent.atomic.AtomicLong TEAM_LOOPS = new java.util.concurrent.atomic.AtomicLong(),
            POOL_LOOPS = new java.util.concurrent.atomic.AtomicLong(), WAIT_NANOS = new java.util.concurrent.atomic.AtomicLong();

    private Parallel() {}

    /**
     * With {@code -Delixr.parallel.stats=true}: loops handed to the {@link Team} and to the fork/join pool since the
     * last reset, and the time callers of team loops waited for helpers after their own chunks ran out (the barrier at
     * the end of each loop); zeros when off.
     */
    public record Stats(long teamLoops, long poolLoops, long waitNanos) {}

    public static Stats stats() { return new Stats(TEAM_LOOPS.get(), POOL_LOOPS.get(), WAIT_NANOS.get()); }

    public static void resetStats() {
        TEAM_LOOPS.set(0);
        POOL_LOOPS.set(0);
        WAIT_NANOS.set(0);
    }

    static void countWait(long nanos) {
        TEAM_LOOPS.incrementAndGet();
        WAIT_NANOS.addAndGet(nanos);
    }

    private static ForkJoinPool newPool(int n) {
        return new ForkJoinPool(Math.max(1, n), p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("elixr-kernel-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /** Whether {@link #forRange} uses the {@link Team} (benchmarks compare both; the same chunks and results either way). */
    public static void setTeamRanges(boolean on) { teamRanges = on; }

    public static boolean teamRanges() { return teamRanges; }

    /** Number of threads kernels may use. */
    public static int threads() { return threads; }

    /** Changes the pool size (benchmarks with 1 and 2 threads). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads) return;
        ForkJoinPool old = pool;
        pool = newPool(n);
        threads = n;
        old.shutdown();
        Team t = team;
        team = null;
        if (t != null) t.stop();
    }

    public static ForkJoinPool pool() { return pool; }

    private static Team team() {
        Team t = team;
        if (t == null) {
            synchronized (Parallel.class) {
                if ((t = team) == null) team = t = new Team(threads);
            }
        }
        return t;
    }

    private static final java.util.concurrent.atomic.AtomicInteger JOBS_BESIDE = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * A job that runs on its own thread beside others ({@link #besideOthers}); closing it (once) withdraws it.
     */
    public static final class JobBeside implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);

        private JobBeside() { JOBS_BESIDE.incrementAndGet(); }

        @Override public void close() { if (open.getAndSet(false)) JOBS_BESIDE.decrementAndGet(); }
    }

    /**
     * Declares a job that runs on its own thread beside others (the demo trains its LM beside ELIXR-C). While two or more
     * such jobs are open, every loop runs inline on the thread that starts it, one core per job, instead of sharing its
     * chunks out: two single-threaded jobs keep two cores busier than one job split across both, whose serial parts
     * and end-of-loop barriers leave the other core idle (docs/results.md, "The demo's LM beside ELIXR-C"). Results do
     * not change: no kernel's result depends on how its loop is split (the GEMM tests hold 1 and 2 threads bit-equal,
     * the softmax and norm tests 1, 2 and 3; {@code ParallelBesideTest} two jobs' products, softmaxes and sums; the
     * demo's ELIXR-C and LM weights come out the same bytes as trained alone). Once fewer than two are open, loops share out their chunks again.
     */
    public static JobBeside besideOthers() { return new JobBeside(); }

    /** Jobs declared by {@link #besideOthers} and not yet closed. */
    public static int jobsBeside() { return JOBS_BESIDE.get(); }

    /** Body over a half-open index range. */
    @FunctionalInterface
    public interface RangeBody { void run(int start, int end); }

    /**
     * Runs body over [0, n) split into at most {@link #threads()} chunks of at least {@code grain}
     * items; runs inline when one chunk suffices, when already on a kernel thread, or while jobs run side by side
     * ({@link #besideOthers}). By default ({@link #setTeamRanges},
     * {@code -Delixr.team.ranges}) the same chunks go to the {@link Team} (a hand-off of a few microseconds
     * instead of a fork/join wake-up of tens; a forward pass of EfficientNet-B0 makes ~70 such loops), the pool
     * taking them when the team is busy with another caller, and a range loop inside a team chunk runs inline.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || JOBS_BESIDE.get() > 1 || java.util.concurrent.ForkJoinTask.getPool() == pool) {
            body.run(0, n);
            return;
        }
        if (teamRanges && TEAM) {
            if (Team.inChunk()) {
                body.run(0, n);
                return;
            }
            int k = chunks;
            RangeBody ranges = (s, e) -> {
                for (int c = s; c < e; c++) body.run((int) ((long) n * c / k), (int) ((long) n * (c + 1) / k));
            };
            if (team().run(k, 1, ranges)) return;
        }
        RecursiveAction[] tasks = new RecursiveAction[chunks];
        for (int c = 0; c < chunks; c++) {
            int s = (int) ((long) n * c / chunks), e = (int) ((long) n * (c + 1) / chunks);
            tasks[c] = new RecursiveAction() { @Override protected void compute() { body.run(s, e); } };
        }
        if (STATS) POOL_LOOPS.incrementAndGet();
        pool.invoke(new RecursiveAction() {
            @Override protected void compute() { invokeAll(tasks); }
        });
    }

    /**
     * Runs body over [0, n) in chunks of {@code chunk} items (the last one shorter) that up to {@link #threads()}
     * workers take in turn from a shared counter until none is left: a worker that the system holds back (a machine
     * shared with other work) leaves its chunks to the others instead of holding up the whole call, as a fixed split
     * would. With {@code -Delixr.team=true} the calling thread and a {@link Team} of persistent helpers share the
     * chunks instead of fork/join workers (a hand-off of a few microseconds; decoding runs hundreds of such loops per
     * token), the pool taking over when the team is busy with another caller. On by default ({@code -Delixr.team=false}
     * turns it off): on the quiet 2-core AVX-512 Xeon it raised `elixr bench llm` decoding from 54% to 83% of the
     * bandwidth bound (BF16) and 30% to 46% (Q8_0); on a 2-core machine shared with ~20 runnable threads the helpers'
     * spinning made decoding slower (docs/results.md). Runs inline when one chunk covers n, when already on a kernel
     * thread (a fork/join worker, or a chunk of a team loop), or while jobs run side by side ({@link #besideOthers}).
     */
    public static void forChunks(int n, int chunk, RangeBody body) {
        if (n <= 0) return;
        int c = Math.max(1, chunk), count = (int) (((long) n + c - 1) / c), workers = Math.min(threads, count);
        if (workers <= 1 || JOBS_BESIDE.get() > 1 || java.util.concurrent.ForkJoinTask.getPool() == pool || TEAM && Team.inChunk()) {
            body.run(0, n);
            return;
        }
        if (TEAM && team().run(n, c, body)) return;
        if (STATS) POOL_LOOPS.incrementAndGet();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        RecursiveAction[] tasks = new RecursiveAction[workers];
        for (int w = 0; w < workers; w++) {
            tasks[w] = new RecursiveAction() {
                @Override protected void compute() {
                    for (int i; (i = next.getAndIncrement()) < count; ) body.run((int) ((long) i * c), (int) Math.min(n, (long) (i + 1) * c));
                }
            };
        }
        pool.invoke(new RecursiveAction() {
            @Override protected void compute() { invokeAll(tasks); }
        });
    }
}
