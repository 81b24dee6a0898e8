package dev.elixr.bench.jmh;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.cpu.FlashAttention;
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

/** Fused attention, 12 heads of 64, sequence 64–512; GFLOP/s = 4·H·T²·D / time. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"})
public class AttentionBenchmark {
    @Param({"64", "197", "512"})
    public int seq;

    @Param({"false", "true"})
    public boolean causal;

    @Param({"2"})
    public int threads;

    static final int H = 12, D = 64;
    FlashAttention.Operand q, k, v, o;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(4);
        q = operand(r);
        k = operand(r);
        v = operand(r);
        o = operand(r);
        Parallel.setThreads(threads);
    }

    FlashAttention.Operand operand(SplittableRandom r) {
        float[] a = new float[H * seq * D];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        return new FlashAttention.Operand(a, 0, H * seq * D, seq * D, D);
    }

    @Benchmark
    public float[] attention() {
        FlashAttention.attention(1, H, seq, seq, D, D, q, k, v, null, causal, 0.125f, o);
        return o.data();
    }
}
