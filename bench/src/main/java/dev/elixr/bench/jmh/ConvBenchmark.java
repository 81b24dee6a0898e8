package dev.elixr.bench.jmh;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.cpu.Conv2dKernel;
import dev.elixr.tensor.cpu.DepthwiseConv;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * conv2d (3×3 and 1×1 via GEMM) and depthwise (3×3 and 5×5 direct). Geometry "NxCxHxWxOxKxstride";
 * depthwise when O = 0 (O = C, groups = C). The depthwise block shapes follow the vector registers; compare them with
 * {@code -jvmArgsAppend -Delixr.depthwise.rows3=4|7} (3×3) or {@code -Delixr.depthwise.vectors5=1|2} (5×5).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"})
public class ConvBenchmark {
    @Param({"1x64x56x56x64x3x1", "1x256x56x56x64x1x1", "1x32x112x112x64x3x2", "16x144x56x56x0x3x1", "16x240x28x28x0x5x1"})
    public String geometry;

    @Param({"2"})
    public int threads;

    int n, c, h, w, o, k, stride;
    boolean depthwise;
    Conv2dParams p;
    float[] x, wt, b, out;

    @Setup
    public void setup() {
        int[] g = java.util.Arrays.stream(geometry.split("x")).mapToInt(Integer::parseInt).toArray();
        n = g[0]; c = g[1]; h = g[2]; w = g[3]; o = g[4]; k = g[5]; stride = g[6];
        depthwise = o == 0;
        if (depthwise) o = c;
        p = Conv2dParams.of(stride, k / 2, 1, depthwise ? c : 1);
        int oh = Conv2dParams.outSize(h, k, stride, k / 2, 1), ow = Conv2dParams.outSize(w, k, stride, k / 2, 1);
        SplittableRandom r = new SplittableRandom(2);
        x = fill(r, n * c * h * w);
        wt = fill(r, o * (depthwise ? 1 : c) * k * k);
        b = fill(r, o);
        out = new float[n * o * oh * ow];
        Parallel.setThreads(threads);
    }

    static float[] fill(SplittableRandom r, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }

    @Benchmark
    public float[] conv2d() {
        if (depthwise) DepthwiseConv.conv2d(x, 0, n, c, h, w, wt, 0, k, k, b, 0, p, out, 0);
        else Conv2dKernel.conv2d(x, 0, n, c, h, w, wt, 0, o, k, k, b, 0, p, out, 0);
        return out;
    }
}
