package dev.elixr.bench.jmh;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.ops.Conv;
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
 * The input gradient of the ELIXR-C conv tower's stride-2 3×3 convolutions (padding 1, batch 32, as the demo trains),
 * as a backward pass asks for it ({@link Conv#conv2dBackward}, dx only), by the CPU's two paths (one fork each): four
 * stride-1 implicit GEMMs, one per phase plane of the input ({@code PhaseInputGradient}, the default), against the
 * column gradient dcols = Wᵀ·g and col2im through phase planes ({@code PhaseCol2im};
 * {@code -Delixr.conv.phaseInputGradient=false}). Geometry "NxCxHxWxO".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class StrideTwoBackwardBenchmark {
    @Param({"32x16x48x48x32", "32x32x24x24x64", "32x64x12x12x96"})
    public String geometry;

    @Param({"1"})
    public int threads;

    Conv2dParams p;
    Tensor x, g, w;

    @Setup
    public void setup() {
        int[] q = java.util.Arrays.stream(geometry.split("x")).mapToInt(Integer::parseInt).toArray();
        int n = q[0], c = q[1], h = q[2], wd = q[3], o = q[4];
        p = Conv2dParams.of(2, 1, 1, 1);
        int oh = Conv2dParams.outSize(h, 3, 2, 1, 1), ow = Conv2dParams.outSize(wd, 3, 2, 1, 1);
        SplittableRandom r = new SplittableRandom(4);
        x = Tensor.of(ConvBenchmark.fill(r, n * c * h * wd), n, c, h, wd);
        g = Tensor.of(ConvBenchmark.fill(r, n * o * oh * ow), n, o, oh, ow);
        w = Tensor.of(ConvBenchmark.fill(r, o * c * 9), o, c, 3, 3);
        Parallel.setThreads(threads);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED", "-Delixr.conv.phaseInputGradient=true"})
    public Tensor phaseProducts() { return Conv.conv2dBackward(x, w, g, p, true, false)[0]; }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED", "-Delixr.conv.phaseInputGradient=false"})
    public Tensor columnsAndCol2im() { return Conv.conv2dBackward(x, w, g, p, true, false)[0]; }
}
