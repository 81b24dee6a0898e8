package dev.elixr.bench.jmh;

import dev.elixr.tensor.DType;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.SegmentStorage;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.matvec.MatVec;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The BF16 matrix–vector product of decoding, off-heap row-major weights as a checkpoint maps them: one matrix
 * (cached after the first call) or a ring of matrices larger than the caches (each call reads one from memory, as a
 * decoding step does). GB/s = 2·rows·cols / time. The two kernels run in forks of their own (the choice is a static
 * property): {@code pairs} (two weights per int lane) and {@code halves} (L half-precision loads widened at a time).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class MatVecBenchmark {
    @Param({"1024x1024", "2816x1024"})
    public String shape;

    /** Matrices in the ring: 1 (cached) or enough to exceed the last-level cache. */
    @Param({"1", "48"})
    public int matrices;

    @Param({"1", "2"})
    public int threads;

    Tensor[] ws;
    float[] x, y;
    int next;

    @Setup
    public void setup() {
        String[] p = shape.split("x");
        int rows = Integer.parseInt(p[0]), cols = Integer.parseInt(p[1]);
        SplittableRandom r = new SplittableRandom(7);
        ws = new Tensor[matrices];
        for (int m = 0; m < matrices; m++) {
            MemorySegment s = Arena.ofAuto().allocate(2L * rows * cols, 64);
            for (long i = 0; i < (long) rows * cols; i++) s.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, DType.floatToBf16((float) r.nextGaussian()));
            ws[m] = new Tensor(new SegmentStorage(s, DType.BF16), rows, cols);
        }
        x = new float[cols];
        for (int i = 0; i < cols; i++) x[i] = (float) r.nextGaussian();
        y = new float[rows];
        Parallel.setThreads(threads);
    }

    private float[] product() {
        Tensor w = ws[next];
        next = (next + 1) % ws.length;
        MatVec.matvec(w, x, y);
        return y;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED", "-Delixr.bf16.kernel=pairs"})
    public float[] pairs() { return product(); }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED", "-Delixr.bf16.kernel=halves"})
    public float[] halves() { return product(); }
}
