package dev.elixr.bench.jmh;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Norm;
import dev.elixr.tensor.ops.Softmax;
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

import java.util.concurrent.TimeUnit;

/** Softmax and layer norm through the op front-ends on tensors larger than the caches; GB/s = 8·rows·cols / time. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"})
public class RowOpsBenchmark {
    @Param({"4096x4096", "16384x768"})
    public String shape;

    @Param({"2"})
    public int threads;

    Tensor x, gamma, beta;

    @Setup
    public void setup() {
        String[] p = shape.split("x");
        int rows = Integer.parseInt(p[0]), cols = Integer.parseInt(p[1]);
        x = Tensor.randn(1, rows, cols);
        gamma = Tensor.randn(2, cols);
        beta = Tensor.randn(3, cols);
        Parallel.setThreads(threads);
    }

    @Benchmark
    public Tensor softmax() { return Softmax.softmax(x, -1); }

    @Benchmark
    public Tensor layerNorm() { return Norm.layerNorm(x, gamma, beta, 1e-5f); }
}
