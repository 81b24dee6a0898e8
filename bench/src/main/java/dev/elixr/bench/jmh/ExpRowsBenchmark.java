package dev.elixr.bench.jmh;

import dev.elixr.tensor.cpu.VectorMath;
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
 * The row exponentials of {@link VectorMath} on one thread, 64 KiB runs in L2: softmax's and attention's
 * {@code expShiftedSum}, cross-entropy's {@code expShifted} and SiLU. {@code args = normal}: every shifted argument in
 * [{@code EXP_NORMAL_LO}, 0] (softmax rows of logits a few units apart), where pairs of vectors take the exponent-field
 * 2^n; {@code deep}: one argument in every eight at −1000, as a masked score, so every pair takes the clamps and the two
 * factors (the sequence every pair took before session 32), with y set to +0 below {@code EXP_ZERO_BELOW} (without it
 * the underflowing products cost Intel cores a microcode assist a vector: 10–16× the time, session 32).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class ExpRowsBenchmark {
    @Param({"normal", "deep"})
    public String args;

    static final int N = 16384;
    float[] x = new float[N], o = new float[N];
    float shift;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < N; i++) x[i] = (float) r.nextGaussian(0, 3);
        if (args.equals("deep")) for (int i = 0; i < N; i += 8) x[i] = -1000f; // as a masked score: e^x rounds to +0
        shift = Float.NEGATIVE_INFINITY;
        for (float v : x) shift = Math.max(shift, v);
    }

    @Benchmark
    public float expShiftedSum() { return VectorMath.expShiftedSum(x, 0, shift, o, 0, N, true); }

    @Benchmark
    public float[] expShifted() {
        VectorMath.expShifted(x, 0, shift, o, 0, N);
        return o;
    }

    /** SiLU's staged arguments are −|x|: "deep" puts −1000 in every eighth. */
    @Benchmark
    public float[] silu() {
        VectorMath.silu(x, 0, o, 0, N);
        return o;
    }
}
