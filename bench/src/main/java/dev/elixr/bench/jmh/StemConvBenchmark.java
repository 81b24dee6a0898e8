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
 * One input channel per group with a channel multiplier, as ELIXR-C's first conv (batch 32, 1 → 16 channels,
 * 96×96, 3×3 stride 2 pad 1): the vectorised direct kernel, the banded im2col + SGEMM kernel (K = 9) and
 * the plain loop they replace (which runs on one thread; the old one split planes over threads). Short run: {@code java -jar bench/target/benchmarks.jar StemConv -wi 2 -i 3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"})
public class StemConvBenchmark {
    /** N x C x H x W x O x K x stride; groups = C. */
    @Param({"32x1x96x96x16x3x2"})
    public String geometry;

    @Param({"2"})
    public int threads;

    int n, c, h, w, o, k;
    Conv2dParams p;
    float[] x, wt, b, out;

    @Setup
    public void setup() {
        int[] g = java.util.Arrays.stream(geometry.split("x")).mapToInt(Integer::parseInt).toArray();
        n = g[0]; c = g[1]; h = g[2]; w = g[3]; o = g[4]; k = g[5];
        p = Conv2dParams.of(g[6], k / 2, 1, c);
        int oh = Conv2dParams.outSize(h, k, g[6], k / 2, 1), ow = Conv2dParams.outSize(w, k, g[6], k / 2, 1);
        SplittableRandom r = new SplittableRandom(3);
        x = ConvBenchmark.fill(r, n * c * h * w);
        wt = ConvBenchmark.fill(r, o * k * k);
        b = ConvBenchmark.fill(r, o);
        out = new float[n * o * oh * ow];
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] direct() {
        DepthwiseConv.conv2d(x, 0, n, c, h, w, wt, 0, o, k, k, b, 0, p, out, 0);
        return out;
    }

    @Benchmark
    public float[] im2colSgemm() {
        Conv2dKernel.conv2d(x, 0, n, c, h, w, wt, 0, o, k, k, b, 0, p, out, 0);
        return out;
    }

    @Benchmark
    public float[] plainLoop() {
        DepthwiseConv.conv2dPlain(x, 0, n, c, h, w, wt, 0, o, k, k, b, 0, p, out, 0);
        return out;
    }
}
