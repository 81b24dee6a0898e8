package dev.elixr.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A team of persistent helper threads for short parallel loops, as OpenMP's and ggml's thread pools keep one: a
 * decoding step runs ~7 matrix–vector products per layer of some tens of microseconds each, where waking fork/join
 * workers for every product costs a noticeable share. The calling thread takes chunks itself beside threads − 1
 * helpers; a helper that finishes a loop spins for the next one ({@code -Delixr.team.spin.us}, default 200 µs) and
 * only then parks, so back-to-back loops are handed over through one volatile write. Chunks come from a shared
 * counter, so a helper that the system holds back leaves its chunks to the others. One caller at a time: a second
 * concurrent caller, or a loop started from inside a chunk, is told to go elsewhere ({@link #run} returns false).
 */
final class Team {
    static final long SPIN_NS = 1000L * Long.getLong("elixr.team.spin.us", 200);

    /** One parallel loop: its chunks, the counters that hand them out and count them done, the first failure. */
    private static final class Loop {
        final Parallel.RangeBody body;
        final int n, chunk, count;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        volatile Throwable failure;
        volatile boolean callerParked;

        Loop(Parallel.RangeBody body, int n, int chunk, Thread caller) {
            this.body = body;
            this.n = n;
            this.chunk = chunk;
            this.count = (int) (((long) n + chunk - 1) / chunk);
            this.caller = caller;
        }

        /** Takes chunks until none is left. */
        void work() {
            for (int i; (i = next.getAndIncrement()) < count; ) {
                try {
                    if (failure == null) body.run((int) ((long) i * chunk), (int) Math.min(n, (long) (i + 1) * chunk));
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    if (done.incrementAndGet() == count && callerParked) LockSupport.unpark(caller);
                }
            }
        }
    }

    private final Thread[] helpers;
    private final boolean[] parked; // written by each helper, read by the caller through the volatile `current`
    private final ReentrantLock busy = new ReentrantLock();
    private volatile Loop current;
    private volatile boolean stopped;
    private static final ThreadLocal<Boolean> IN_CHUNK = ThreadLocal.withInitial(() -> false);

    Team(int threads) {
        helpers = new Thread[Math.max(0, threads - 1)];
        parked = new boolean[helpers.length];
        for (int i = 0; i < helpers.length; i++) {
            int id = i;
            helpers[i] = Thread.ofPlatform().daemon().name("elixr-team-" + i).unstarted(() -> helperLoop(id));
            helpers[i].start();
        }
    }

    /** Whether the calling thread is running a chunk of a team loop (a caller's own chunks or a helper's). */
    static boolean inChunk() { return IN_CHUNK.get(); }

    /** Helpers leave once they see this (after the loop at hand). */
    void stop() {
        stopped = true;
        for (Thread h : helpers) LockSupport.unpark(h);
    }

    /**
     * Runs body over [0, n) in chunks of chunk items on the caller and the helpers, returning once every chunk is done
     * (rethrowing the first failure); false, having run nothing, when the team is busy with another caller's loop or
     * the caller is itself inside a chunk.
     */
    boolean run(int n, int chunk, Parallel.RangeBody body) {
        if (IN_CHUNK.get() || !busy.tryLock()) return false;
        try {
            Loop loop = new Loop(body, n, chunk, Thread.currentThread());
            current = loop;
            for (int i = 0; i < helpers.length; i++) if (parkedFlag(i)) LockSupport.unpark(helpers[i]);
            IN_CHUNK.set(true);
            try {
                loop.work();
            } finally {
                IN_CHUNK.set(false);
            }
            long w = Parallel.STATS ? System.nanoTime() : 0;
            awaitDone(loop);
            if (Parallel.STATS) Parallel.countWait(System.nanoTime() - w);
            Throwable t = loop.failure;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            if (t != null) throw new RuntimeException(t);
            return true;
        } finally {
            busy.unlock();
        }
    }

    private synchronized boolean parkedFlag(int i) { return parked[i]; }

    private synchronized void setParked(int i, boolean v) { parked[i] = v; }

    /** Spins while the helpers finish their last chunks, then parks until the last one wakes the caller. */
    private static void awaitDone(Loop loop) {
        long until = System.nanoTime() + SPIN_NS;
        while (loop.done.get() < loop.count) {
            if (System.nanoTime() < until) {
                Thread.onSpinWait();
            } else {
                loop.callerParked = true;
                if (loop.done.get() < loop.count) LockSupport.parkNanos(loop, 1_000_000);
            }
        }
    }

    private void helperLoop(int id) {
        IN_CHUNK.set(true);
        Loop seen = null;
        while (!stopped) {
            Loop loop = current;
            if (loop != seen && loop != null) {
                seen = loop;
                loop.work();
                continue;
            }
            long until = System.nanoTime() + SPIN_NS;
            while ((loop = current) == seen && !stopped) {
                if (System.nanoTime() < until) {
                    Thread.onSpinWait();
                } else {
                    setParked(id, true);
                    if (current == seen && !stopped) LockSupport.park(this);
                    setParked(id, false);
                    until = System.nanoTime() + SPIN_NS;
                }
            }
        }
    }
}
