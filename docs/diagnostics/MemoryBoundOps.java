import dev.elixr.bench.MemoryBandwidth;
import dev.elixr.bench.Timing;
import dev.elixr.tensor.HeapStorage;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.SoftmaxMode;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.cpu.DepthwiseConv;
import dev.elixr.tensor.ops.Norm;
import dev.elixr.tensor.ops.Softmax;
import java.util.*;
import jdk.incubator.vector.FloatVector;

/**
 * Diagnostic: the memory-bound rows of {@code elixr bench ops} alone (copy into an existing and a new tensor, depthwise 3×3 and 5×5,
 * softmax and layer norm into an existing output and through the front-end with a new one: the same cases, byte counts
 * and timing), each as GB/s and % of the copy probe (read + write into an existing buffer, as
 * {@code MemoryBandwidth.copy}, written out here) and of the read probe, both measured in the same run, on 1 and 2
 * threads, in about two minutes; uses only public classes, so it runs against any build's jar since session 12 (for
 * A/B pairs of two builds alternated on a shared machine). ROWS: a comma list of
 * copy,copy+alloc,dw3,dw5,softmax,softmax+alloc,layernorm,layernorm+alloc (default all); with {@code cpu} as a second argument the
 * 1-thread rows are timed in thread CPU time; a third argument lists the thread counts (default 1,2).
 * Each row prints "GB/s copy%/read%".
 * Run: java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx5g -cp tools/target/elixr.jar docs/diagnostics/MemoryBoundOps.java [ROWS [cpu|wall [THREADS]]]
 */
public class MemoryBoundOps {
    static float[] random(SplittableRandom r, int n) { float[] x = new float[n]; for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-1, 1); return x; }
    static Runnable dw(int n, int c, int h, int w, int k) {
        SplittableRandom r = new SplittableRandom(3);
        Conv2dParams p = Conv2dParams.of(1, k / 2, 1, c);
        float[] x = random(r, n * c * h * w), wt = random(r, c * k * k), b = random(r, c), out = new float[n * c * h * w];
        return () -> DepthwiseConv.conv2d(x, 0, n, c, h, w, wt, 0, k, k, b, 0, p, out, 0);
    }
    /** The copy probe: GB/s as read + written bytes, best of passes after one warm-up, src into the existing dst. */
    static double copyProbe(float[] src, float[] dst, int passes) {
        var s = FloatVector.SPECIES_PREFERRED;
        double best = 0;
        for (int p = 0; p < passes + 1; p++) {
            long t0 = System.nanoTime();
            Parallel.forRange(src.length / s.length() / 4, 1 << 12, (b, e) -> {
                for (int i = 4 * b * s.length(), end = 4 * e * s.length(); i < end; i += s.length()) FloatVector.fromArray(s, src, i).intoArray(dst, i);
            });
            double sec = (System.nanoTime() - t0) * 1e-9;
            if (p > 0) best = Math.max(best, 2.0 * 4 * src.length / sec / 1e9);
        }
        return best;
    }
    public static void main(String[] a) {
        String only = a.length > 0 ? a[0] : "copy,copy+alloc,dw3,dw5,softmax,softmax+alloc,layernorm,layernorm+alloc";
        Tensor xc = Tensor.randn(4, 4096, 4096), xs = Tensor.randn(5, 4096, 4096);
        Tensor xl = Tensor.randn(6, 16384, 768), g = Tensor.randn(7, 768), b = Tensor.randn(8, 768);
        LinkedHashMap<String, Object[]> cases = new LinkedHashMap<>();
        Tensor oc = new Tensor(new HeapStorage(4096 * 4096), 4096, 4096);
        cases.put("copy", new Object[] {(Runnable) () -> xc.backend().copy(xc, oc), 2.0 * 4 * 4096 * 4096});
        cases.put("copy+alloc", new Object[] {(Runnable) xc::copy, 2.0 * 4 * 4096 * 4096});
        cases.put("dw3", new Object[] {dw(16, 144, 56, 56, 3), 2.0 * 4 * 16 * 144 * 56 * 56});
        cases.put("dw5", new Object[] {dw(16, 240, 28, 28, 5), 2.0 * 4 * 16 * 240 * 28 * 28});
        Tensor os = new Tensor(new HeapStorage(4096 * 4096), 4096, 4096), ol = new Tensor(new HeapStorage(16384 * 768), 16384, 768);
        cases.put("softmax", new Object[] {(Runnable) () -> xs.backend().softmax(SoftmaxMode.SOFTMAX, xs, 1, os), 2.0 * 4 * 4096 * 4096});
        cases.put("softmax+alloc", new Object[] {(Runnable) () -> Softmax.softmax(xs, -1), 2.0 * 4 * 4096 * 4096});
        cases.put("layernorm", new Object[] {(Runnable) () -> xl.backend().layerNorm(xl, g, b, 1e-5f, ol), 2.0 * 4 * 16384 * 768});
        cases.put("layernorm+alloc", new Object[] {(Runnable) () -> Norm.layerNorm(xl, g, b, 1e-5f), 2.0 * 4 * 16384 * 768});
        float[] probe = MemoryBandwidth.buffer(256), copyTo = new float[probe.length];
        StringBuilder sb = new StringBuilder();
        for (int t : Arrays.stream((a.length > 2 ? a[2] : "1,2").split(",")).mapToInt(Integer::parseInt).toArray()) {
            Parallel.setThreads(t);
            double bw = MemoryBandwidth.measure(probe, 4), cp = copyProbe(probe, copyTo, 4);
            sb.append(String.format(Locale.ROOT, "t%d probes: copy %.1f read %.1f", t, cp, bw));
            for (var e : cases.entrySet()) {
                if (!Arrays.asList(only.split(",")).contains(e.getKey())) continue;
                double sec = (t == 1 && a.length > 1 && a[1].equals("cpu") ? new Timing(1.5, 8, 0.25, true) : Timing.DEFAULT).bestSeconds((Runnable) e.getValue()[0]);
                double gbs = (double) e.getValue()[1] / sec / 1e9;
                sb.append(String.format(Locale.ROOT, " | %s %.1f %.0f%%/%.0f%%", e.getKey(), gbs, 100 * gbs / cp, 100 * gbs / bw));
            }
            sb.append('\n');
        }
        System.out.print(sb);
    }
}
