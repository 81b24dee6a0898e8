package dev.elixr.bench;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.cpu.Conv2dKernel;
import dev.elixr.tensor.cpu.DepthwiseConv;
import dev.elixr.tensor.cpu.FlashAttention;
import dev.elixr.tensor.ops.Attention;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * Side by side for the other kernels (what {@code elixr bench ops} prints): convolutions and attention (forward, and
 * backward with no numpy peer) in GFLOP/s, judged against our own SGEMM rate at 1024³ with the same threads (target ≥ 50%); depthwise
 * convolution, softmax and layer norm in GB/s (bytes read + written, printed per call), judged against the copy
 * bandwidth {@link MemoryBandwidth#copy} measures in the same run with the same threads (reads N bytes and writes N into an
 * existing buffer, as these ops do; target ≥ 70%), with the read bandwidth beside it. The numpy column runs the same
 * computation in numpy (attention unfused, depthwise as shifted multiply-adds, conv as the equal
 * im2col GEMM, since numpy has no convolution).
 */
public final class OpsComparison {
    /** The bandwidth probe's buffer, far larger than the caches. */
    static final int PROBE_MIB = 256;

    /** One benchmarked operation: amount of work per call (flops or bytes) and how to run it both ways. */
    public record OpCase(String op, String shape, boolean memoryBound, double workPerCall, Runnable elixr, String numpyRequest) {}

    /**
     * One result; reference is the target basis (SGEMM GFLOP/s, or for memory-bound ops the copy bandwidth), read the
     * read-only bandwidth (memory-bound ops; NaN otherwise).
     */
    public record Row(OpCase c, int threads, double value, OptionalDouble numpy, double reference, double read) {
        String unit() { return c.memoryBound() ? "GB/s" : "GFLOP/s"; }

        String json() {
            String mem = !c.memoryBound() ? "" : String.format(Locale.ROOT, ", \"bytes_per_call\": %.0f, \"read_basis\": %.2f, \"fraction_of_read\": %.3f",
                    c.workPerCall(), read, value / read);
            return String.format(Locale.ROOT, "{\"op\": \"%s\", \"shape\": \"%s\", \"threads\": %d, \"unit\": \"%s\", \"value\": %.2f, "
                            + "\"numpy_value\": %s, \"target_basis\": %.2f, \"fraction_of_basis\": %.3f%s}",
                    c.op(), c.shape(), threads, unit(), value,
                    numpy.isPresent() ? String.format(Locale.ROOT, "%.2f", numpy.getAsDouble()) : "null", reference, value / reference, mem);
        }

        String line() {
            String np = numpy.isPresent() ? String.format(Locale.ROOT, "%8.1f", numpy.getAsDouble()) : "     n/a";
            String ratio = numpy.isPresent() ? String.format(Locale.ROOT, "%6.2f", value / numpy.getAsDouble()) : "   n/a";
            String basis = c.memoryBound()
                    ? String.format(Locale.ROOT, "of copy BW, %3.0f%% of read BW, %.0f MiB/call", 100 * value / read, c.workPerCall() / (1 << 20))
                    : "of GEMM";
            return String.format(Locale.ROOT, "%-16s %-22s %3d %8.1f %-7s %s %s %5.0f%% %s", c.op(), c.shape(), threads, value, unit(), np, ratio,
                    100 * value / reference, basis);
        }
    }

    private OpsComparison() {}

    static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-1, 1);
        return x;
    }

    /** The default cases: EfficientNet-/ResNet-like convolutions, ViT attention at 64–512 tokens. */
    public static List<OpCase> defaultCases() {
        List<OpCase> cases = new ArrayList<>();
        cases.add(conv(1, 64, 56, 56, 64, 3, 1, 1));
        cases.add(conv(1, 256, 56, 56, 64, 1, 1, 0));
        cases.add(conv(1, 32, 112, 112, 64, 3, 2, 1));
        cases.add(depthwise(16, 144, 56, 56, 3));
        cases.add(depthwise(16, 240, 28, 28, 5));
        for (int t : new int[] {64, 197, 512}) cases.add(attention(1, 12, t, 64));
        cases.add(attention(32, 2, 100, 32));
        for (int t : new int[] {64, 197, 512}) cases.add(attentionBackward(1, 12, t, 64));
        cases.add(attentionBackward(32, 2, 100, 32));
        cases.addAll(ExtraOps.cases());
        return cases;
    }

    /** The cases whose op or shape (as printed) contains one of the texts; all of them when there are none. */
    public static List<OpCase> select(List<OpCase> cases, List<String> texts) {
        if (texts.isEmpty()) return cases;
        return cases.stream().filter(c -> texts.stream().anyMatch(t -> c.op().contains(t) || c.shape().contains(t))).toList();
    }

    static OpCase conv(int n, int c, int h, int w, int o, int k, int stride, int pad) {
        SplittableRandom r = new SplittableRandom(2);
        Conv2dParams p = Conv2dParams.of(stride, pad, 1, 1);
        int oh = Conv2dParams.outSize(h, k, stride, pad, 1), ow = Conv2dParams.outSize(w, k, stride, pad, 1);
        float[] x = random(r, n * c * h * w), wt = random(r, o * c * k * k), b = random(r, o), out = new float[n * o * oh * ow];
        double flops = 2.0 * n * o * oh * ow * c * k * k;
        String req = String.format(Locale.ROOT, "\"op\": \"gemm\", \"m\": %d, \"k\": %d, \"n\": %d", o, c * k * k, n * oh * ow);
        return new OpCase("conv2d " + k + "x" + k, "[" + n + "," + c + "," + h + "," + w + "]->" + o + (stride > 1 ? " s" + stride : ""), false, flops,
                () -> Conv2dKernel.conv2d(x, 0, n, c, h, w, wt, 0, o, k, k, b, 0, p, out, 0), req);
    }

    static OpCase depthwise(int n, int c, int h, int w, int k) {
        SplittableRandom r = new SplittableRandom(3);
        Conv2dParams p = Conv2dParams.of(1, k / 2, 1, c);
        float[] x = random(r, n * c * h * w), wt = random(r, c * k * k), b = random(r, c), out = new float[n * c * h * w];
        double bytes = 2.0 * 4 * n * c * h * w;
        String req = String.format(Locale.ROOT, "\"op\": \"depthwise\", \"n\": %d, \"c\": %d, \"h\": %d, \"w\": %d, \"k\": %d", n, c, h, w, k);
        return new OpCase("depthwise " + k + "x" + k, "[" + n + "," + c + "," + h + "," + w + "]", true, bytes,
                () -> DepthwiseConv.conv2d(x, 0, n, c, h, w, wt, 0, k, k, b, 0, p, out, 0), req);
    }

    static OpCase attention(int b, int h, int t, int d) {
        SplittableRandom r = new SplittableRandom(4);
        int n = b * h * t * d;
        var q = new FlashAttention.Operand(random(r, n), 0, h * t * d, t * d, d);
        var k = new FlashAttention.Operand(random(r, n), 0, h * t * d, t * d, d);
        var v = new FlashAttention.Operand(random(r, n), 0, h * t * d, t * d, d);
        var o = new FlashAttention.Operand(new float[n], 0, h * t * d, t * d, d);
        double flops = 4.0 * b * h * t * t * d;
        String req = String.format(Locale.ROOT, "\"op\": \"attention\", \"b\": %d, \"h\": %d, \"t\": %d, \"d\": %d", b, h, t, d);
        return new OpCase("attention", "B" + b + " H" + h + " T" + t + " D" + d, false, flops,
                () -> FlashAttention.attention(b, h, t, t, d, d, q, k, v, null, false, (float) (1 / Math.sqrt(d)), o), req);
    }

    /**
     * The attention backward as training calls it ({@code Attention.backward}: fresh dq, dk, dv each call): its five
     * products counted (recomputed scores, dV, dP, dQ, dK: 10·B·H·T²·D flops), no numpy peer. B32 H2 T100 D32 is the
     * demo's text tower (an odd token count, as a batch padded to its longest report has).
     */
    static OpCase attentionBackward(int b, int h, int t, int d) {
        Tensor q = Tensor.randn(9, b, h, t, d), k = Tensor.randn(10, b, h, t, d), v = Tensor.randn(11, b, h, t, d), g = Tensor.randn(12, b, h, t, d);
        double flops = 10.0 * b * h * t * t * d;
        float scale = (float) (1 / Math.sqrt(d));
        return new OpCase("attention bwd", "B" + b + " H" + h + " T" + t + " D" + d, false, flops,
                () -> Attention.backward(q, k, v, null, false, scale, g, true, true, true), null);
    }

    /** Runs every case × thread count, printing a table (or JSON lines). */
    public static void run(List<OpCase> cases, List<Integer> threads, boolean json, Timing timing, PrintStream out) {
        double[] gemm = new double[threads.size()], bandwidth = new double[threads.size()], copy = new double[threads.size()];
        for (int i = 0; i < threads.size(); i++)
            gemm[i] = GemmComparison.elixrGflops(GemmShape.parse("1024x1024x1024"), threads.get(i), timing);
        float[] probe = MemoryBandwidth.buffer(PROBE_MIB);
        final float[] copyTo = new float[probe.length];
        for (int i = 0; i < threads.size(); i++) {
            bandwidth[i] = Timing.onThreads(threads.get(i), () -> MemoryBandwidth.measure(probe, 4));
            copy[i] = Timing.onThreads(threads.get(i), () -> MemoryBandwidth.copy(probe, copyTo, 4));
        }
        if (!json) {
            out.printf("Best of %d rounds of %s, ours and numpy's alternated; ", timing.rounds(), timing.clock());
            out.printf("Kernels beside numpy; GEMM basis (our SGEMM at 1024³): %s GFLOP/s; BW bases measured now, for %s threads: "
                            + "copy (read %d MiB + write %d MiB into an existing buffer, counted 2×) %s GB/s, read (%d MiB) %s GB/s%n",
                    rounded(gemm), threads, PROBE_MIB, PROBE_MIB, rounded(copy), PROBE_MIB, rounded(bandwidth));
            out.println("Memory-bound rows: bytes read + written per call over the time; the op's own working set is its MiB/call "
                    + "(smaller than the probes': it may sit partly in the last-level cache)");
            if (!Numpy.available()) out.println("(python3 with numpy not found: numpy column n/a)");
            else out.println("numpy: " + Numpy.coreTypeLabel());
            out.printf("%-16s %-22s %3s %8s %-7s %8s %6s %s%n", "op", "shape", "thr", "elixr", "unit", "numpy", "ratio", "  of target basis");
        }
        for (OpCase c : cases)
            for (int i = 0; i < threads.size(); i++) {
                int t = threads.get(i);
                Timing.Pair p = c.numpyRequest() == null ? new Timing.Pair(Timing.onThreads(t, () -> timing.bestSeconds(c.elixr())), Double.NaN)
                        : Timing.onThreads(t, () -> Numpy.sideBySide(c.elixr(), c.numpyRequest(), t, timing));
                Row row = new Row(c, t, c.workPerCall() / p.ours() * 1e-9,
                        Double.isNaN(p.peer()) ? OptionalDouble.empty() : OptionalDouble.of(c.workPerCall() / p.peer() * 1e-9),
                        c.memoryBound() ? copy[i] : gemm[i], c.memoryBound() ? bandwidth[i] : Double.NaN);
                out.println(json ? row.json() : row.line());
                out.flush();
            }
    }

    private static String rounded(double[] v) {
        return java.util.Arrays.toString(java.util.Arrays.stream(v).map(g -> Math.round(g * 10) / 10.0).toArray());
    }

    public static void main(String[] args) {
        run(defaultCases(), List.of(1, 2), false, Timing.DEFAULT, System.out);
    }
}
