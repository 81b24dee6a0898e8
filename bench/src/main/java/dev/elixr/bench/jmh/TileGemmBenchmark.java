package dev.elixr.bench.jmh;

import dev.elixr.bench.GemmShape;
import dev.elixr.tensor.cpu.GemmPlan;
import dev.elixr.tensor.cpu.MicroKernel;
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

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Whole SGEMMs with each micro-kernel variant (the cache blocks this machine gives that tile), on one thread:
 * GFLOP/s = 2·M·N·K / (µs per op · 1000). Shapes ending in t multiply by Bᵀ. The tile {@code GemmPlan} chose for
 * this machine is the one {@code elixr info} names.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"})
public class TileGemmBenchmark {
    @Param({"4x2", "5x2", "6x2", "4x3", "8x2", "8x3", "12x2"})
    public String tile;

    @Param({"1024x1024x1024", "197x768x3072t"})
    public String shape;

    GemmShape s;
    GemmPlan plan;
    MemorySegment a, b;
    float[] c;

    @Setup
    public void setup() {
        s = GemmShape.parse(shape);
        plan = GemmPlan.of(MicroKernel.named(tile));
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[s.m() * s.k()], y = new float[s.k() * s.n()];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < y.length; i++) y[i] = (float) r.nextDouble(-1, 1);
        a = MemorySegment.ofArray(x);
        b = MemorySegment.ofArray(y);
        c = new float[s.m() * s.n()];
    }

    @Benchmark
    public float[] sgemm() {
        Sgemm.sgemm(plan, false, s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.k(), b, 0, s.transB() ? s.k() : s.n(), 0f, c, 0, s.n(), 1);
        return c;
    }
}
