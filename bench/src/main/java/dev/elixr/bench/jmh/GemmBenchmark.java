package dev.elixr.bench.jmh;

import dev.elixr.bench.GemmShape;
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

/** SGEMM on the shapes of the issue; GFLOP/s = 2·M·N·K / (µs per op · 1000). Shapes ending in t multiply by Bᵀ. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {
    @Param({"1024x1024x1024", "2048x2048x2048", "197x768x768", "197x768x3072", "197x3072x768", "6304x768x3072",
            "197x768x3072t", "1x768x3072t", "64x64x64"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    GemmShape s;
    float[] a, b, c;

    @Setup
    public void setup() {
        s = GemmShape.parse(shape);
        SplittableRandom r = new SplittableRandom(1);
        a = new float[s.m() * s.k()];
        b = new float[s.k() * s.n()];
        c = new float[s.m() * s.n()];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] sgemm() {
        Sgemm.sgemm(false, s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.k(), b, 0, s.transB() ? s.k() : s.n(), 0f, c, 0, s.n());
        return c;
    }

    /** As {@link #sgemm} with packed B where the JVM put the buffer ({@code -Delixr.gemm.alignB=false}, see CacheLines). */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED", "-Delixr.gemm.alignB=false"})
    public float[] sgemmBOffLines() { return sgemm(); }

    /**
     * As {@link #sgemm} with the A-strips-outer order's whole tiles left to the plan's tile ({@code -Delixr.gemm.wholeTiles=none},
     * see GemmPlan#wholeTiles): on the products that run that order (2048³, 6304×768×3072), what the taller tile gives.
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED", "-Delixr.gemm.wholeTiles=none"})
    public float[] sgemmPlanTileOnly() { return sgemm(); }
}
