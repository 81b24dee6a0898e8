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
 * than a vector, whole blocks of four vectors, leftover vectors, a tail), at offsets; the max exactly (Math.max's value,
 * NaNs, infinities and signed zeros included). The fused loops
 * that read the next row while working on this one ({@link VectorMath#expShiftedSumAndNextMax},
 * {@link VectorMath#expShiftedSumTouchingAhead},
 * {@link CpuNorm#centredSquaresAndNextSum}) give bit for bit what the separate calls give.
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
    void rowMaxIsMathMaxWithNaNsInfinitiesAndSignedZeros(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = length(r) + 5 * L, p = r.nextInt(5); // long enough for the compare-and-blend loop
        float[] x = new float[p + n + 3];
        boolean zeros = seed % 5 == 4; // a maximum of ±0: both signs in the row
        for (int i = 0; i < x.length; i++) x[i] = zeros ? -(float) r.nextDouble(1, 100) : (float) r.nextDouble(-100, 100);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, Float.intBitsToFloat(0xFFC00000)};
        int count = zeros ? 0 : 1 + r.nextInt(3);
        for (int c = 0; c < count; c++) x[p + r.nextInt(n)] = specials[r.nextInt(specials.length)];
        if (zeros) {
            x[p + r.nextInt(n)] = -0f;
            if (seed % 2 == 0) x[p + r.nextInt(n)] = 0f;
        }
        float want = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) want = Math.max(want, x[p + i]);
        // floatToIntBits: −0 and +0 told apart, every NaN one value (the vector max returns the canonical NaN, Math.max the operand)
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(CpuSoftmax.max(x, p, n)), "max of " + n + " at " + p);
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(CpuSoftmax.maxExact(x, p, n)), "exact max of " + n + " at " + p);
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

    @ParameterizedTest
    @MethodSource("seeds")
    void expSumWithTheNextRowsMaxGivesTheBitsOfTheSeparateCalls(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = length(r), p = r.nextInt(5), next = p + n + r.nextInt(5);
        float[] x = new float[next + n + 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-30, 30);
        if (seed % 7 == 3 && n > 0) x[next + r.nextInt(n)] = Float.NaN; // a NaN in the next row: its max is NaN
        if (seed % 7 == 5 && n > 0) x[p + r.nextInt(n)] = Float.NEGATIVE_INFINITY;
        float shift = seed % 11 == 4 ? Float.POSITIVE_INFINITY : CpuSoftmax.max(x, p, n);
        boolean store = seed % 3 != 0;
        float[] want = new float[n + 2], got = new float[n + 2], nextMax = {Float.NaN};
        float wantSum = VectorMath.expShiftedSum(x, p, shift, want, 1, n, store);
        float gotSum = VectorMath.expShiftedSumAndNextMax(x, p, shift, got, 1, n, store, next, nextMax);
        assertEquals(Float.floatToRawIntBits(wantSum), Float.floatToRawIntBits(gotSum), "sum of " + n);
        assertEquals(Float.floatToRawIntBits(CpuSoftmax.max(x, next, n)), Float.floatToRawIntBits(nextMax[0]), "next max of " + n);
        for (int i = 0; i < want.length; i++) assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "exp at " + i + " of " + n);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void expSumTouchingTheNextRowGivesTheBitsOfExpShiftedSum(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = length(r), p = r.nextInt(5), next = p + n + r.nextInt(5);
        float[] x = new float[next + n + 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-30, 30);
        if (seed % 7 == 5 && n > 0) x[p + r.nextInt(n)] = Float.NEGATIVE_INFINITY;
        float shift = seed % 11 == 4 ? Float.POSITIVE_INFINITY : CpuSoftmax.max(x, p, n);
        boolean store = seed % 3 != 0;
        float[] want = new float[n + 2], got = new float[n + 2];
        float wantSum = VectorMath.expShiftedSum(x, p, shift, want, 1, n, store);
        float gotSum = VectorMath.expShiftedSumTouchingAhead(x, p, shift, got, 1, n, store, seed % 2 == 0 ? next : p);
        assertEquals(Float.floatToRawIntBits(wantSum), Float.floatToRawIntBits(gotSum), "sum of " + n);
        for (int i = 0; i < want.length; i++) assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "exp at " + i + " of " + n);
    }

    /**
     * Rows whose shifted arguments straddle {@link VectorMath#EXP_NORMAL_LO}: pairs of vectors all above it take the
     * exponent-field 2^n, pairs with one below take the clamp and two factors; every stored exponential in the three row
     * loops is the scalar twin's {@code exp(x − max)}, bit for bit.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void rowExponentialsAroundTheNormalBoundAreTheScalarExpBitForBit(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = length(r) + 2 * L, p = r.nextInt(5), next = p + n + r.nextInt(5);
        double span = new double[] {20, 86.4, 88, 120, 300}[(int) (seed % 5)];
        float[] x = new float[next + n + 3];
        for (int i = 0; i < x.length; i++) x[i] = 5f - (float) r.nextDouble(0, span);
        float bound = 5f + VectorMath.EXP_NORMAL_LO; // exactly representable: x − 5 lands on the bound and either side of it
        for (int c = 0; c < 3; c++) x[p + r.nextInt(n)] = new float[] {bound, Math.nextDown(bound), Math.nextUp(bound)}[c];
        x[p + r.nextInt(n)] = 5f; // the maximum: one argument is +0
        float max = CpuSoftmax.max(x, p, n);
        float[][] outs = new float[3][n];
        float[] nextMax = {0f};
        VectorMath.expShiftedSum(x, p, max, outs[0], 0, n, true);
        VectorMath.expShiftedSumTouchingAhead(x, p, max, outs[1], 0, n, true, next);
        VectorMath.expShiftedSumAndNextMax(x, p, max, outs[2], 0, n, true, next, nextMax);
        for (int v = 0; v < 3; v++)
            for (int i = 0; i < n; i++)
                assertEquals(Float.floatToRawIntBits(VectorMath.exp(x[p + i] - max)), Float.floatToRawIntBits(outs[v][i]),
                        "loop " + v + ": exp(" + x[p + i] + " − " + max + ") at " + i + " of " + n);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void centredSquaresWithTheNextRowsSumGiveTheBitsOfTheSeparateCalls(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = length(r), p = r.nextInt(5), next = p + n + r.nextInt(5);
        float[] x = new float[next + n + 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-3, 3) + seed % 5;
        float c = (float) r.nextDouble(-2, 6), nextSum[] = {Float.NaN};
        float got = CpuNorm.centredSquaresAndNextSum(x, p, n, c, next, nextSum);
        assertEquals(Float.floatToRawIntBits(CpuNorm.centredSquares(x, p, n, c)), Float.floatToRawIntBits(got), "centred squares of " + n);
        assertEquals(Float.floatToRawIntBits(CpuNorm.sum(x, next, n)), Float.floatToRawIntBits(nextSum[0]), "next sum of " + n);
    }
}
