package dev.elixr.tasks.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded byte mutations for the reader fuzz tests (flips, interesting bytes, truncation, insertion, deletion, splices
 * and combinations), and a harness that runs each input on a worker thread with a time limit, so that a hang fails the
 * test naming the input instead of stalling the build. Inputs live in memory; nothing is written to disk.
 */
final class Fuzz {
    private Fuzz() {}

    static final String[] MUTATIONS = {"truncate", "flip", "interesting", "insert", "delete", "splice", "multi"};

    /** A mutation of {@code in}; bytes before {@code keep} are left alone by flips (e.g. a magic number), not by the rest. */
    static byte[] mutate(byte[] in, String how, int keep, SplittableRandom rnd) {
        byte[] b = in.clone();
        int from = Math.min(keep, Math.max(0, b.length - 1));
        return switch (how) {
            case "truncate" -> Arrays.copyOf(b, rnd.nextInt(Math.max(1, b.length)));
            case "flip" -> {
                for (int k = 1 + rnd.nextInt(8); k > 0 && b.length > from; k--) b[from + rnd.nextInt(b.length - from)] ^= (byte) (1 << rnd.nextInt(8));
                yield b;
            }
            case "interesting" -> {
                byte[] v = {0, 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF, (byte) 0xFE, ',', '"', '\n', '\r'};
                for (int k = 1 + rnd.nextInt(4); k > 0 && b.length > 0; k--) b[rnd.nextInt(b.length)] = v[rnd.nextInt(v.length)];
                yield b;
            }
            case "insert" -> {
                int at = rnd.nextInt(b.length + 1);
                byte[] extra = new byte[1 + rnd.nextInt(32)];
                rnd.nextBytes(extra);
                yield splice(b, at, at, extra);
            }
            case "delete" -> {
                if (b.length == 0) yield b;
                int at = rnd.nextInt(b.length), n = Math.min(1 + rnd.nextInt(32), b.length - at);
                yield splice(b, at, at + n, new byte[0]);
            }
            case "splice" -> {
                if (b.length == 0) yield b;
                int start = rnd.nextInt(b.length), n = rnd.nextInt(Math.min(256, b.length - start) + 1), at = rnd.nextInt(b.length + 1);
                yield splice(b, at, at, Arrays.copyOfRange(b, start, start + n));
            }
            default -> {
                byte[] m = b;
                for (int k = 2 + rnd.nextInt(3); k > 0; k--) m = mutate(m, MUTATIONS[rnd.nextInt(MUTATIONS.length - 1)], keep, rnd);
                yield m;
            }
        };
    }

    static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    /** How many inputs were accepted and refused, and the slowest one's milliseconds. */
    record Outcome(int accepted, int refused, double slowestMillis, int slowest) {}

    /**
     * Runs {@code inputs} cases: {@code check} gets the case number and returns true (accepted) or false (refused the
     * expected way) and must throw an AssertionError otherwise. Any other Throwable, or a case over {@code limitSeconds},
     * fails naming the case.
     */
    static Outcome run(int inputs, int limitSeconds, Function<Integer, Boolean> check) {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz");
            t.setDaemon(true);
            return t;
        });
        int accepted = 0, refused = 0, slowest = -1;
        double slowestMillis = 0;
        try {
            for (int i = 0; i < inputs; i++) {
                final int c = i;
                long t0 = System.nanoTime();
                Future<Boolean> f = worker.submit(() -> check.apply(c));
                try {
                    if (f.get(limitSeconds, TimeUnit.SECONDS)) accepted++;
                    else refused++;
                } catch (TimeoutException e) {
                    fail("input " + i + " did not finish within " + limitSeconds + " s (a hang)");
                } catch (ExecutionException e) {
                    throw new AssertionError("input " + i + ": " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                if (ms > slowestMillis) { slowestMillis = ms; slowest = i; }
            }
        } finally {
            worker.shutdownNow();
        }
        return new Outcome(accepted, refused, slowestMillis, slowest);
    }
}
