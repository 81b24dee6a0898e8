package dev.elixr.bench.jmh;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.cpu.DepthwiseBackward;
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
 * Both gradients (dx and dw) of a depthwise convolution (groups = C = O, padding K/2): the direct kernel
 * ({@link DepthwiseBackward}) against the unfolded path the CPU took before it (ops' im2col, per-group GEMMs and col2im:
 * {@link Conv#conv2dBackwardInput} and {@link Conv#conv2dBackwardWeight}, which regroup g once each where the old
 * combined call shared one copy: one extra copy of g, 1/K² of the columns). Geometry "NxCxHxWxKxstride", EfficientNet-B0's
 * depthwise layers at 224² in a batch of 8.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED", "-Xmx3g"})
public class DepthwiseBackwardBenchmark {
    @Param({"8x96x112x112x3x2", "8x144x56x56x5x2", "8x240x28x28x5x1", "8x672x14x14x5x1", "8x1152x7x7x3x1"})
    public String geometry;

    @Param({"2"})
    public int threads;

    int n, c, h, w, k;
    Conv2dParams p;
    float[] x, wt, g, dx, dw;
    Tensor xt, wtt, gt;

    @Setup
    public void setup() {
        int[] q = java.util.Arrays.stream(geometry.split("x")).mapToInt(Integer::parseInt).toArray();
        n = q[0]; c = q[1]; h = q[2]; w = q[3]; k = q[4];
        int stride = q[5];
        p = Conv2dParams.of(stride, k / 2, 1, c);
        int oh = Conv2dParams.outSize(h, k, stride, k / 2, 1), ow = Conv2dParams.outSize(w, k, stride, k / 2, 1);
        SplittableRandom r = new SplittableRandom(3);
        x = ConvBenchmark.fill(r, n * c * h * w);
        wt = ConvBenchmark.fill(r, c * k * k);
        g = ConvBenchmark.fill(r, n * c * oh * ow);
        dx = new float[x.length];
        dw = new float[wt.length];
        xt = Tensor.of(x, n, c, h, w);
        wtt = Tensor.of(wt, c, 1, k, k);
        gt = Tensor.of(g, n, c, oh, ow);
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] direct() {
        DepthwiseBackward.backward(x, 0, wt, 0, g, 0, n, c, h, w, c, k, k, p, dx, 0, dw, 0);
        return dw;
    }

    @Benchmark
    public Tensor[] im2col() {
        return new Tensor[] {Conv.conv2dBackwardInput(gt, wtt, xt.shape(), p), Conv.conv2dBackwardWeight(xt, gt, wtt.shape(), p)};
    }
}
