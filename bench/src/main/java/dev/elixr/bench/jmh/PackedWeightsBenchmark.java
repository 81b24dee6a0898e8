package dev.elixr.bench.jmh;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.cpu.PackedMatrix;
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
 * A linear layer's product x·Wᵀ (W [out, in], PyTorch's layout) with W packed by every call ({@code perCall}, as a
 * trainable layer's forward does) against W packed once ({@link PackedMatrix}, as a frozen layer's forward does):
 * ViT-B/16's MLP weight at 197 tokens, and its attention projection at 64, 32 (a Q-Former's queries) and 8 rows.
 * Both give the same bits (PackedMatrixTest).
 * {@code java -jar bench/target/benchmarks.jar PackedWeightsBenchmark -p threads=1,2}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"})
public class PackedWeightsBenchmark {
    /** rows x in x out. */
    @Param({"197x768x3072", "64x768x768", "32x768x768", "8x768x3072"})
    public String shape;

    @Param({"1"})
    public int threads;

    int m, k, n;
    float[] x, w, y;
    PackedMatrix packed;

    @Setup
    public void setup() {
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        k = Integer.parseInt(s[1]);
        n = Integer.parseInt(s[2]);
        SplittableRandom r = new SplittableRandom(3);
        x = new float[m * k];
        w = new float[n * k];
        y = new float[m * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        Parallel.setThreads(threads);
        packed = PackedMatrix.of(true, k, n, MemorySegment.ofArray(w), 0, k);
    }

    @Benchmark
    public float[] perCall() {
        Sgemm.sgemm(false, true, m, n, k, 1f, x, 0, k, w, 0, k, 0f, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] packedOnce() {
        Sgemm.sgemm(false, m, 1f, MemorySegment.ofArray(x), 0, k, packed, 0f, y, 0, n, threads);
        return y;
    }
}
