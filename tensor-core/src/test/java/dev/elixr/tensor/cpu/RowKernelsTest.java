package dev.elixr.tensor.cpu;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static dev.elixr.tensor.cpu.Simd.L;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The row kernels of softmax and layer norm with several accumulators ({@link CpuSoftmax#max}, {@link CpuNorm#sum},
 * {@link CpuNorm#centredSquares}) against plain loops in float64 on seeded random rows of every length class (shorter
 * than a vector, whole blocks of four vectors, leftover vectors, a tail), at offsets; the max exactly.
 */
class RowKernelsTest {
    static Stream<Long> seeds() { return LongStream.range(0, 30).boxed(); }

    static int length(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt(L);
            case 1 -> 4 * L * (1 + r.nextInt(4));
            case 2 -> 4 * L * r.nextInt(3) + L * (1 + r.nextInt(3));
            default -> 1 + r.nextInt(5000);
        };
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void rowMaxEqualsThePlainMaxExactly(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = length(r), p = r.nextInt(5);
        float[] x = new float[p + n + 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-100, 100);
        float want = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) want = Math.max(want, x[p + i]);
        assertEquals(want, CpuSoftmax.max(x, p, n), "max of " + n + " at " + p);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void rowSumAndCentredSquaresMatchFloat64(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = length(r), p = r.nextInt(5);
        float[] x = new float[p + n + 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-3, 3) + seed % 5;
        double sum = 0, abs = 0;
        for (int i = 0; i < n; i++) {
            sum += x[p + i];
            abs += Math.abs(x[p + i]);
        }
        float c = n == 0 ? 0f : (float) (sum / n);
        double squares = 0;
        for (int i = 0; i < n; i++) squares += ((double) x[p + i] - c) * ((double) x[p + i] - c);
        assertEquals(sum, CpuNorm.sum(x, p, n), 1e-6 * Math.max(1, abs), "sum of " + n + " at " + p);
        assertEquals(squares, CpuNorm.centredSquares(x, p, n, c), 1e-6 * Math.max(1, squares), "centred squares of " + n + " at " + p);
    }
}
