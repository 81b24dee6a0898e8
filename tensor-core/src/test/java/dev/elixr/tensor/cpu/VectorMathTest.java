package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VectorMath} against float64 references on edge cases and on random values (uniform over the
 * interesting range and random bit patterns over all floats): the vector form and its scalar twin give
 * identical bits, and the error stays within the stated bound.
 */
class VectorMathTest {
    /**
     * A function under test: vector form, scalar twin, float64 reference, random range; the bound in ulps of the
     * exact result where it is at least ulpFloor in magnitude, and the bound on |error| / max(1, |exact|) everywhere.
     */
    record Fn(String name, Row vec, FloatUnary scalar, DoubleUnaryOperator ref, float lo, float hi,
              double maxUlp, double ulpFloor, double maxMixed) {
        @Override public String toString() { return name; }
    }

    interface FloatUnary { float apply(float x); }

    interface Row { void apply(float[] x, int p, float[] o, int q, int n); }

    static final double S2PI = Math.sqrt(2 / Math.PI);

    static Stream<Fn> functions() {
        return Stream.of(
                new Fn("exp", VectorMath::exp, VectorMath::exp, StrictMath::exp, -110f, 90f, 1, 0, 0),
                new Fn("log", VectorMath::log, VectorMath::log, StrictMath::log, 0f, 1e6f, 1, 0, 0),
                new Fn("tanh", VectorMath::tanh, VectorMath::tanh, StrictMath::tanh, -12f, 12f, 1.5, 0, 0),
                new Fn("sigmoid", VectorMath::sigmoid, VectorMath::sigmoid, x -> 1 / (1 + StrictMath.exp(-x)), -100f, 100f, 2.5, 0, 0),
                new Fn("silu", VectorMath::silu, VectorMath::silu, x -> x / (1 + StrictMath.exp(-x)), -100f, 100f, 3, 1e-30, 0),
                new Fn("geluTanh", VectorMath::geluTanh, VectorMath::geluTanh,
                        x -> x / (1 + StrictMath.exp(-2 * S2PI * (x + 0.044715 * x * x * x))), -12f, 12f, 3, 0.5, 3e-7),
                new Fn("erf", VectorMath::erf, VectorMath::erf, dev.elixr.tensor.reference.Elementwise::erf, -6f, 6f, 3, 0, 2e-7),
                new Fn("geluErf", VectorMath::geluErf, VectorMath::geluErf,
                        x -> 0.5 * x * (1 + dev.elixr.tensor.reference.Elementwise.erf(x / Math.sqrt(2))), -8f, 8f, 3, 0.5, 3e-7),
                // derivatives (backward passes), with an upstream gradient of 1 here (random gradients: gradientRows...)
                new Fn("siluGrad", (x, p, o, q, n) -> VectorMath.siluGrad(ones(p + n), p, x, p, o, q, n), x -> VectorMath.siluGrad(1f, x),
                        x -> { double s = 1 / (1 + StrictMath.exp(-x)); return s * (1 + x * (1 - s)); }, -100f, 100f, 3, 0.5, 3e-7),
                new Fn("geluTanhGrad", (x, p, o, q, n) -> VectorMath.geluTanhGrad(ones(p + n), p, x, p, o, q, n),
                        x -> VectorMath.geluTanhGrad(1f, x), VectorMathTest::geluTanhGrad, -12f, 12f, 3.5, 0.5, 3e-7),
                new Fn("geluErfGrad", (x, p, o, q, n) -> VectorMath.geluErfGrad(ones(p + n), p, x, p, o, q, n),
                        x -> VectorMath.geluErfGrad(1f, x), x -> 0.5 * (1 + dev.elixr.tensor.reference.Elementwise.erf(x / Math.sqrt(2)))
                        + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI), -8f, 8f, 3, 0.5, 3e-7));
    }

    static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    static double geluTanhGrad(double x) {
        double t = StrictMath.tanh(S2PI * (x + 0.044715 * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * S2PI * (1 + 3 * 0.044715 * x * x);
    }

    interface GradRow { void apply(float[] g, int gp, float[] x, int p, float[] o, int q, int n); }

    interface GradScalar { float apply(float g, float x); }

    /** The derivative rows with random upstream gradients, out of place and in place over either operand: the twins' bits. */
    @Test
    void gradientRowsAndScalarTwinsGiveTheSameBits() {
        GradRow[] rows = {VectorMath::siluGrad, VectorMath::geluTanhGrad, VectorMath::geluErfGrad};
        GradScalar[] twins = {VectorMath::siluGrad, VectorMath::geluTanhGrad, VectorMath::geluErfGrad};
        float[] x = inputs(functions().findFirst().orElseThrow(), 5);
        SplittableRandom r = new SplittableRandom(6);
        float[] g = new float[x.length];
        for (int i = 0; i < g.length; i++) g[i] = (float) r.nextGaussian() * 3f;
        int n = x.length - 3;
        for (int f = 0; f < rows.length; f++) {
            float[] out = new float[x.length + 1], onX = x.clone(), onG = g.clone();
            rows[f].apply(g, 1, x, 2, out, 1, n - 2);
            rows[f].apply(g, 0, onX, 0, onX, 0, n);
            rows[f].apply(onG, 0, x, 0, onG, 0, n);
            for (int i = 0; i < n; i++) {
                float want = twins[f].apply(g[i], x[i]);
                if (i < n - 2) assertSameBits(twins[f].apply(g[1 + i], x[2 + i]), out[1 + i], "derivative " + f + " at " + x[2 + i]);
                assertSameBits(want, onX[i], "derivative " + f + " in place over x at " + x[i]);
                assertSameBits(want, onG[i], "derivative " + f + " in place over g at " + x[i]);
            }
        }
    }

    static final float[] EDGES = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE,
            -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, 0x1p-127f, 1e-30f, -1e-30f, Float.MAX_VALUE, -Float.MAX_VALUE,
            1f, -1f, 0.5f, 2f, 0.70710677f, 0.7071068f, 1.4142135f, 88.72283f, 88.72284f, 88.7f, 89f, 89.5f, -87.33654f,
            -87.4f, -100f, -103.27893f, -103.97208f, -104f, -104.5f, 0.625f, 0.62499994f, -0.625f, 9f, 9.1f, 10f, -10f, 20f,
            1e-8f, -1e-8f, 3e-4f, 1e10f, -1e10f, 1e20f};

    static float[] inputs(Fn f, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Float> v = new ArrayList<>();
        for (float e : EDGES) v.add(e);
        for (int i = 0; i < 40000; i++) v.add(f.lo + (f.hi - f.lo) * (float) r.nextDouble());
        for (int i = 0; i < 20000; i++) v.add(Float.intBitsToFloat(r.nextInt()));
        for (int i = 0; i < 4000; i++) v.add((float) Math.scalb(r.nextDouble(), -150 + r.nextInt(30))); // subnormal and tiny
        int n = (v.size() + L - 1) / L * L;
        float[] a = new float[n];
        for (int i = 0; i < v.size(); i++) a[i] = v.get(i);
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void rowsAndScalarTwinGiveTheSameBits(Fn f) {
        float[] x = inputs(f, 1);
        int n = x.length - 5; // full chunks, a partial chunk and a scalar tail; read from offset 3, written at 2
        float[] src = new float[x.length + 3], y = new float[x.length + 2];
        System.arraycopy(x, 0, src, 3, x.length);
        f.vec.apply(src, 3, y, 2, n);
        float[] inPlace = src.clone();
        f.vec.apply(inPlace, 3, inPlace, 3, n);
        for (int i = 0; i < n; i++) {
            float s = f.scalar.apply(x[i]);
            assertSameBits(s, y[2 + i], f + "(" + x[i] + ")");
            assertSameBits(s, inPlace[3 + i], f + "(" + x[i] + ") in place");
        }
    }

    static void assertSameBits(float want, float got, String what) {
        if (Float.isNaN(want) && Float.isNaN(got)) return;
        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), what + ": scalar twin " + want + ", row " + got);
    }

    @Test
    void expShiftedIsExpOfTheDifference() {
        float[] x = inputs(functions().findFirst().orElseThrow(), 4), o = new float[x.length];
        VectorMath.expShifted(x, 0, 1.25f, o, 0, x.length - 1);
        for (int i = 0; i < x.length - 1; i++) assertSameBits(VectorMath.exp(x[i] - 1.25f), o[i], "exp(" + x[i] + " - 1.25)");
    }

    /** EXP_ZERO_BELOW is below the largest x whose exponential rounds to +0 (−103.97208): zeroing y there changes no bit. */
    @Test
    void expIsPlusZeroJustAboveTheZeroBoundAndSubnormalAboveIt() {
        float largestZero = -103.972084f;
        assertTrue(VectorMath.EXP_ZERO_BELOW < largestZero, "EXP_ZERO_BELOW " + VectorMath.EXP_ZERO_BELOW);
        for (float v = VectorMath.EXP_ZERO_BELOW; v <= largestZero; v = Math.nextUp(v)) assertSameBits(0f, VectorMath.exp(v), "exp(" + v + ")");
        assertEquals(Float.MIN_VALUE, VectorMath.exp(Math.nextUp(largestZero)), "exp just above " + largestZero);
        double e = Math.exp(largestZero); // float64: below half the smallest subnormal, so +0 is the float nearest it
        assertTrue(e < Float.MIN_VALUE / 2.0, "e^" + largestZero + " = " + e);
    }

    @Test
    void expShiftedAroundTheNormalBoundAndOnNaNsIsTheScalarExpBitForBit() {
        SplittableRandom r = new SplittableRandom(29);
        for (int n : new int[] {1, L - 1, L, 2 * L, 3 * L + 1, 77, 1000}) {
            for (double span : new double[] {20, 86.4, 88, 120}) {
                float shift = 3.5f;
                float[] x = new float[n + 2], o = new float[n + 2];
                for (int i = 0; i < x.length; i++) x[i] = shift - (float) r.nextDouble(0, span);
                if (span == 120) x[1 + r.nextInt(n)] = Float.intBitsToFloat(n % 2 == 0 ? 0x7FC00000 : 0x7FC12345); // NaNs with and without a payload
                if (span == 88 && n > 1) x[1 + r.nextInt(n)] = shift + 2f; // above the shift: the whole sequence
                VectorMath.expShifted(x, 1, shift, o, 2, n);
                for (int i = 0; i < n; i++) assertSameBits(VectorMath.exp(x[1 + i] - shift), o[2 + i], "exp(" + x[1 + i] + " - " + shift + ") of " + n);
                VectorMath.expShifted(x, 1, shift, x, 1, n); // in place
                for (int i = 0; i < n; i++) assertSameBits(o[2 + i], x[1 + i], "in place, at " + i + " of " + n);
            }
        }
    }

    @Test
    void expShiftedSumIsExpShiftedThenTheRowSumBitForBit() {
        SplittableRandom r = new SplittableRandom(17);
        for (int n : new int[] {0, 1, L - 1, L, L + 3, 4 * L, 4 * L + 5, 77, 300, 4096 + 7}) {
            float[] x = new float[n + 3], stored = new float[n + 3], staged = new float[n + 3];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-30, 5);
            float shift = n == 0 ? 0f : x[1];
            VectorMath.expShifted(x, 1, shift, staged, 2, n);
            float want = CpuReduce.contiguousRow(dev.elixr.tensor.backend.ReduceOp.SUM, staged, 2, n);
            float fused = VectorMath.expShiftedSum(x, 1, shift, stored, 2, n, true);
            float unstored = VectorMath.expShiftedSum(x, 1, shift, null, 0, n, false);
            assertSameBits(want, fused, "sum of " + n);
            assertSameBits(want, unstored, "sum of " + n + " without storing");
            for (int i = 0; i < n; i++) assertSameBits(staged[2 + i], stored[2 + i], "exp at " + i + " of " + n);
            double exact = 0;
            for (int i = 0; i < n; i++) exact += Math.exp((double) x[1 + i] - shift);
            assertEquals(exact, fused, 1e-5 * Math.max(1, exact), "sum of " + n + " against float64");
        }
    }

    @Test
    void expShiftedSumClampsLikeExpOnEveryNonNaNInputAndOnNonFiniteShifts() {
        SplittableRandom r = new SplittableRandom(23);
        int n = 8 * L + 3;
        float[] x = new float[n], o = new float[n];
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < n; i++) {
                float v;
                do v = Float.intBitsToFloat(r.nextInt()); while (Float.isNaN(v));
                x[i] = switch (i % 7) {
                    case 0 -> Float.NEGATIVE_INFINITY;
                    case 1 -> i % 2 == 0 ? 0f : -0f;
                    case 2 -> (float) r.nextDouble(-110, 95); // around both clamps
                    default -> v;
                };
            }
            VectorMath.expShiftedSum(x, 0, 0f, o, 0, n, true); // shift 0: every non-NaN float reaches the clamps
            for (int i = 0; i < n; i++) assertSameBits(VectorMath.exp(x[i]), o[i], "exp(" + x[i] + ")");
        }
        for (float shift : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
            float[] y = {1f, Float.POSITIVE_INFINITY, -3f, Float.NEGATIVE_INFINITY};
            float want = 0f;
            for (float v : y) want += VectorMath.exp(v - shift);
            assertSameBits(want, VectorMath.expShiftedSum(y, 0, shift, o, 0, y.length, true), "sum with shift " + shift);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void accurateAgainstFloat64(Fn f) {
        float[] x = inputs(f, 2);
        double worstUlp = 0, worstMixed = 0;
        float worstAt = 0;
        for (float xi : x) {
            float got = f.scalar.apply(xi);
            double want = f.ref.applyAsDouble(xi);
            if (Double.isNaN(want)) {
                assertTrue(Float.isNaN(got), f + "(" + xi + ") = " + got + ", expected NaN");
                continue;
            }
            float wantF = (float) want;
            if (Float.isInfinite(wantF) || Float.isInfinite(got)) {
                assertEquals(wantF, got, f + "(" + xi + ")");
                continue;
            }
            if (want != 0 && got != 0) assertEquals(Math.signum(want), Math.signum(got), f + "(" + xi + ") = " + got + ", expected " + want);
            double abs = Math.abs(got - want), ulp = abs / Math.ulp(wantF);
            if (ulp > worstUlp && Math.abs(want) >= f.ulpFloor) { worstUlp = ulp; worstAt = xi; }
            worstMixed = Math.max(worstMixed, abs / Math.max(1, Math.abs(want)));
        }
        System.out.printf("VectorMath.%s: max error %.2f ulp where |f| >= %s (at %s), max |error|/max(1,|f|) %.3g%n", f, worstUlp,
                f.ulpFloor, worstAt, worstMixed);
        assertTrue(worstUlp <= f.maxUlp, f + ": " + worstUlp + " ulp at " + worstAt);
        if (f.maxMixed > 0) assertTrue(worstMixed <= f.maxMixed, f + ": error " + worstMixed);
    }

    @Test
    void sumLanesMatchesItsScalarTwinInAFixedOrder() {
        SplittableRandom r = new SplittableRandom(3);
        float[] a = new float[L];
        for (int t = 0; t < 1000; t++) {
            for (int i = 0; i < L; i++) a[i] = (float) (r.nextGaussian() * Math.scalb(1.0, r.nextInt(40) - 20));
            float v = Simd.sumLanes(FloatVector.fromArray(F, a, 0));
            assertEquals(Float.floatToRawIntBits(Simd.sumLanes(a)), Float.floatToRawIntBits(v));
            double exact = 0;
            for (float ai : a) exact += ai;
            double mag = 0;
            for (float ai : a) mag += Math.abs(ai);
            assertEquals(exact, v, 4 * Math.ulp((float) mag));
        }
    }
}
