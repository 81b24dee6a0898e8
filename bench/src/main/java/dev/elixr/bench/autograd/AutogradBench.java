package dev.elixr.bench.autograd;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Forward + backward of one transformer block (hidden 384, 6 heads, 197 tokens, batch 8) and of an MLP.
 * Run: java -jar bench/target/benchmarks.jar AutogradBench. The share of time in kernels: {@link KernelShare}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
@State(Scope.Benchmark)
public class AutogradBench {
    Workloads.BlockStep block;
    Workloads.MlpStep mlp;

    @Setup
    public void setup() {
        block = new Workloads.BlockStep(8, 197);
        mlp = new Workloads.MlpStep(128);
    }

    @Benchmark
    public void transformerBlockForwardBackward() { block.run(); }

    @Benchmark
    public void mlpForwardBackward() { mlp.run(); }
}
