import dev.elixr.bench.MemoryBandwidth;
import dev.elixr.bench.Timing;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.cpu.DepthwiseConv;
import dev.elixr.tensor.ops.Norm;
import dev.elixr.tensor.ops.Softmax;
import java.util.*;

/**
 * Diagnostic: the memory-bound rows of {@code elixr bench ops} alone (copy, depthwise 3×3 and 5×5, softmax, layer norm:
 * the same cases, byte counts and timing), each as GB/s and % of the read bandwidth probe measured in the same run, on
 * 1 and 2 threads, in about a minute; uses only public classes, so it runs against any build's jar (for A/B pairs of
 * two builds alternated on a shared machine). ROWS: a comma list of copy,dw3,dw5,softmax,layernorm (default all);
 * with {@code cpu} as a second argument the 1-thread rows are timed in thread CPU time.
 * Run: java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx5g -cp tools/target/elixr.jar docs/diagnostics/MemoryBoundOps.java [ROWS [cpu]]
 */
public class MemoryBoundOps {
    static float[] random(SplittableRandom r, int n) { float[] x = new float[n]; for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-1, 1); return x; }
    static Runnable dw(int n, int c, int h, int w, int k) {
        SplittableRandom r = new SplittableRandom(3);
        Conv2dParams p = Conv2dParams.of(1, k / 2, 1, c);
        float[] x = random(r, n * c * h * w), wt = random(r, c * k * k), b = random(r, c), out = new float[n * c * h * w];
        return () -> DepthwiseConv.conv2d(x, 0, n, c, h, w, wt, 0, k, k, b, 0, p, out, 0);
    }
    public static void main(String[] a) {
        String only = a.length > 0 ? a[0] : "copy,dw3,dw5,softmax,layernorm";
        Tensor xc = Tensor.randn(4, 4096, 4096), xs = Tensor.randn(5, 4096, 4096);
        Tensor xl = Tensor.randn(6, 16384, 768), g = Tensor.randn(7, 768), b = Tensor.randn(8, 768);
        LinkedHashMap<String, Object[]> cases = new LinkedHashMap<>();
        cases.put("copy", new Object[] {(Runnable) xc::copy, 2.0 * 4 * 4096 * 4096});
        cases.put("dw3", new Object[] {dw(16, 144, 56, 56, 3), 2.0 * 4 * 16 * 144 * 56 * 56});
        cases.put("dw5", new Object[] {dw(16, 240, 28, 28, 5), 2.0 * 4 * 16 * 240 * 28 * 28});
        cases.put("softmax", new Object[] {(Runnable) () -> Softmax.softmax(xs, -1), 2.0 * 4 * 4096 * 4096});
        cases.put("layernorm", new Object[] {(Runnable) () -> Norm.layerNorm(xl, g, b, 1e-5f), 2.0 * 4 * 16384 * 768});
        float[] probe = MemoryBandwidth.buffer(256);
        StringBuilder sb = new StringBuilder();
        for (int t : new int[] {1, 2}) {
            Parallel.setThreads(t);
            double bw = MemoryBandwidth.measure(probe, 4);
            sb.append(String.format(Locale.ROOT, "t%d probe %.1f", t, bw));
            for (var e : cases.entrySet()) {
                if (!Arrays.asList(only.split(",")).contains(e.getKey())) continue;
                double sec = (t == 1 && a.length > 1 && a[1].equals("cpu") ? new Timing(1.5, 8, 0.25, true) : Timing.DEFAULT).bestSeconds((Runnable) e.getValue()[0]);
                double gbs = (double) e.getValue()[1] / sec / 1e9;
                sb.append(String.format(Locale.ROOT, " | %s %.1f %.0f%%", e.getKey(), gbs, 100 * gbs / bw));
            }
            sb.append('\n');
        }
        System.out.print(sb);
    }
}
