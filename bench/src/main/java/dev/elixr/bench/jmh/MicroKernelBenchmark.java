package dev.elixr.bench.jmh;

import dev.elixr.tensor.cpu.MicroKernel;
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

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Each GEMM micro-kernel variant alone, on packed panels that stay in L1/L2: four MR-row strips of A against one
 * KB×NR strip of B, as {@code Sgemm}'s macro-kernel calls it. GFLOP/s = 2·4·MR·NR·KB / (ns per op), NR = NV·VL
 * (e.g. 6x2 at 256 bits: MR 6, NR 16); compare with {@code FmaPeak} to see how close a tile comes to the core's peak.
 * Tiles that need more vector registers than the machine has still run (spilling): that is the point of comparing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"})
public class MicroKernelBenchmark {
    @Param({"4x2", "5x2", "6x2", "4x3", "8x2", "8x3", "12x2"})
    public String tile;

    @Param({"256"})
    public int kb;

    static final int STRIPS = 4;
    MicroKernel kernel;
    float[] a, b, c;

    @Setup
    public void setup() {
        kernel = MicroKernel.named(tile);
        a = new float[STRIPS * kernel.mr() * kb];
        b = new float[kernel.nr() * kb];
        c = new float[kernel.mr() * kernel.nr()];
        Arrays.fill(a, 0.5f);
        Arrays.fill(b, 0.25f);
    }

    @Benchmark
    public float[] fourStrips() {
        for (int s = 0; s < STRIPS; s++) kernel.packed(a, s * kernel.mr() * kb, b, 0, kb, c);
        return c;
    }
}
