package dev.elixr.bench.jmh;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.cpu.Sgemm;
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
 * SGEMM on the products of one ELIXR-C demo training step (batch 32): the conv tower at 96×96 (widths 16, 32, 64, 96,
 * 3×3 stride 2, im2col GEMMs as Conv2dKernel and autograd's ConvFn issue them: forward W·col per image, weight gradient
 * g·colsᵀ over K = N·OH·OW, input gradient Wᵀ·g) and its linear head, and the 64-wide text tower on B·T ≈ 1920 tokens
 * (Linear forward x·Wᵀ, input gradient g·W, weight gradient gᵀ·x). Shape "name:XY:MxNxK", X/Y = N or T for op(A)/op(B).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"})
public class DemoGemmBenchmark {
    @Param({"conv1.dW:NT:16x9x73728", "conv2.dW:NT:32x144x18432", "conv3.dW:NT:64x288x4608", "conv4.dW:NT:96x576x1152",
            "conv2.fwd:NN:32x576x144", "conv3.dX:TN:288x4608x64", "head.fwd:NT:32x256x3456",
            "text.fwd:NT:1920x64x64", "text.ffn1.fwd:NT:1920x256x64", "text.dX:NN:1920x64x256", "text.dW:TN:64x64x1920"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    boolean tA, tB;
    int m, n, k;
    float[] a, b, c;

    @Setup
    public void setup() {
        String[] p = shape.split(":");
        tA = p[1].charAt(0) == 'T';
        tB = p[1].charAt(1) == 'T';
        String[] d = p[2].split("x");
        m = Integer.parseInt(d[0]);
        n = Integer.parseInt(d[1]);
        k = Integer.parseInt(d[2]);
        SplittableRandom r = new SplittableRandom(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] sgemm() {
        Sgemm.sgemm(tA, tB, m, n, k, 1f, a, 0, tA ? m : k, b, 0, tB ? k : n, 0f, c, 0, n);
        return c;
    }
}
