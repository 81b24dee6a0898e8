package dev.elixr.bench;

import dev.elixr.tensor.cpu.CacheLines;
import dev.elixr.tensor.cpu.GemmPlan;
import dev.elixr.tensor.cpu.MachineProfile;
import dev.elixr.tensor.cpu.Sgemm;
import dev.elixr.tensor.cpu.Simd;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * Side by side: our {@link Sgemm} and numpy/OpenBLAS on the same shapes and thread counts, in the same
 * run (what {@code elixr bench gemm} prints). GFLOP/s = 2·M·N·K / best seconds per call.
 */
public final class GemmComparison {
    /** The shapes of the issue: square, ViT-B/16 at 224² (197 tokens), a batch of 32 images, batch-1 decode, an attention tile. */
    public static final List<String> DEFAULT_SHAPES = List.of("1024x1024x1024", "2048x2048x2048", "197x768x768",
            "197x768x3072", "197x3072x768", "6304x768x3072", "197x768x3072t", "1x768x3072t", "1x768x3072", "64x64x64");

    public record Row(GemmShape shape, int threads, double gflops, OptionalDouble numpyGflops) {
        String json() {
            return String.format(Locale.ROOT, "{\"shape\": \"%s\", \"threads\": %d, \"gflops\": %.2f, \"numpy_gflops\": %s}",
                    shape, threads, gflops, numpyGflops.isPresent() ? String.format(Locale.ROOT, "%.2f", numpyGflops.getAsDouble()) : "null");
        }

        String line() {
            String np = numpyGflops.isPresent() ? String.format(Locale.ROOT, "%8.1f", numpyGflops.getAsDouble()) : "     n/a";
            String ratio = numpyGflops.isPresent() ? String.format(Locale.ROOT, "%6.2f", gflops / numpyGflops.getAsDouble()) : "   n/a";
            return String.format(Locale.ROOT, "%-18s %7d %8.1f %s %s", shape, threads, gflops, np, ratio);
        }
    }

    private GemmComparison() {}

    /** Our GFLOP/s on one shape with the given threads. */
    public static double elixrGflops(GemmShape s, int threads, Timing timing) {
        return s.flops() / Timing.onThreads(threads, () -> timing.bestSeconds(product(s))) * 1e-9;
    }

    /** One table row: ours and numpy's GFLOP/s on the shape, their timed rounds alternated. */
    public static Row row(GemmShape s, int threads, Timing timing) {
        String request = String.format(Locale.ROOT, "\"op\": \"gemm\", \"m\": %d, \"k\": %d, \"n\": %d, \"trans_b\": %s",
                s.m(), s.k(), s.n(), s.transB());
        Timing.Pair p = Timing.onThreads(threads, () -> Numpy.sideBySide(product(s), request, threads, timing));
        return new Row(s, threads, s.flops() / p.ours() * 1e-9,
                Double.isNaN(p.peer()) ? OptionalDouble.empty() : OptionalDouble.of(s.flops() / p.peer() * 1e-9));
    }

    /** C = A·B (or A·Bᵀ) of the shape on fixed random operands. */
    private static Runnable product(GemmShape s) {
        SplittableRandom r = new SplittableRandom(1);
        float[] a = random(r, s.m() * s.k()), b = random(r, s.k() * s.n()), c = new float[s.m() * s.n()];
        int ldb = s.transB() ? s.k() : s.n();
        return () -> Sgemm.sgemm(false, s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.k(), b, 0, ldb, 0f, c, 0, s.n());
    }

    /** Runs every shape × thread count, printing a table (or JSON lines) as rows complete. */
    public static void run(List<GemmShape> shapes, List<Integer> threads, boolean json, Timing timing, PrintStream out) {
        if (!json) {
            out.printf("SGEMM, row-major, C = A·B (t: A·Bᵀ); %d-bit vectors; best of %d rounds of %s after a warm-up of %.1f s or more, "
                            + "ours and numpy's rounds alternated%n",
                    Simd.species().vectorBitSize(), timing.rounds(), timing.clock(), timing.warmupSeconds());
            MachineProfile m = MachineProfile.current();
            out.printf("kernel: %s on %s with %d vector registers (elixr info says why); one core's FMA peak %.1f GFLOP/s%n",
                    GemmPlan.DEFAULT, m.isa(), m.registers(), FmaPeak.gflops(1));
            out.println("packing: " + CacheLines.describe());
            if (!Numpy.available()) out.println("(python3 with numpy not found: numpy column n/a)");
            else out.println("numpy: " + Numpy.coreTypeLabel());
            out.printf("%-18s %7s %8s %8s %6s%n", "shape MxKxN", "threads", "elixr", "numpy", "ratio");
            out.printf("%-18s %7s %8s %8s %6s%n", "", "", "GFLOP/s", "GFLOP/s", "");
        }
        for (GemmShape s : shapes)
            for (int t : threads) {
                Row row = row(s, t, timing);
                out.println(json ? row.json() : row.line());
                out.flush();
            }
    }

    static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-1, 1);
        return x;
    }

    /** {@code java ... dev.elixr.bench.GemmComparison [MxKxN ...]}: the default shapes with 1 and 2 threads. */
    public static void main(String[] args) {
        List<GemmShape> shapes = (args.length == 0 ? DEFAULT_SHAPES : List.of(args)).stream().map(GemmShape::parse).toList();
        run(shapes, List.of(1, 2), false, Timing.DEFAULT, System.out);
    }
}
