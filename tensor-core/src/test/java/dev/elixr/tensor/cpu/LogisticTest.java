package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Logistic}'s SiLU, sigmoid and e^−x: the vector forms and their scalar twins give the same bits, and both stay
 * within a few ulp of float64 wherever the result is at least 10⁻³⁰ in magnitude, within 10⁻³⁶ absolute below.
 */
class LogisticTest {
    /** Edge cases, uniform over [−100, 100], the clamps' neighbourhoods, and random bit patterns over all floats. */
    static float[] inputs(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int extra = 60000 + 4000 + 20000;
        float[] a = new float[(VectorMathTest.EDGES.length + extra + L - 1) / L * L];
        int i = 0;
        for (float e : VectorMathTest.EDGES) a[i++] = e;
        for (int k = 0; k < 60000; k++) a[i++] = (float) r.nextDouble(-100, 100);
        for (int k = 0; k < 4000; k++) a[i++] = (float) (k % 2 == 0 ? r.nextDouble(-89.5, -86.5) : r.nextDouble(86, 88));
        for (int k = 0; k < 20000; k++) a[i++] = Float.intBitsToFloat(r.nextInt());
        return a;
    }

    interface Vec { FloatVector apply(FloatVector x); }

    interface Scalar { float apply(float x); }

    private static void sameBits(Vec vec, Scalar scalar, String name) {
        float[] x = inputs(1), y = new float[x.length];
        for (int i = 0; i < x.length; i += L) vec.apply(FloatVector.fromArray(F, x, i)).intoArray(y, i);
        for (int i = 0; i < x.length; i++) {
            float want = scalar.apply(x[i]);
            if (Float.isNaN(want) && Float.isNaN(y[i])) continue;
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(y[i]), name + "(" + x[i] + "): scalar twin " + want + ", vector " + y[i]);
        }
    }

    @Test
    void vectorAndScalarTwinGiveTheSameBits() {
        sameBits(Logistic::silu, Logistic::silu, "silu");
        sameBits(Logistic::sigmoid, Logistic::sigmoid, "sigmoid");
        sameBits(Logistic::expNeg, Logistic::expNeg, "expNeg");
    }

    /** Worst error in ulp where |f| ≥ 10⁻³⁰, and worst absolute error where |f| is smaller. */
    private static void accurate(Scalar f, DoubleUnaryOperator ref, String name, double maxUlp) {
        double worstUlp = 0, worstTiny = 0;
        float worstAt = 0;
        for (float x : inputs(2)) {
            float got = f.apply(x);
            double want = ref.applyAsDouble(x);
            if (Double.isNaN(want)) {
                assertTrue(Float.isNaN(got), name + "(" + x + ") = " + got + ", expected NaN");
                continue;
            }
            float wantF = (float) want;
            if (Float.isInfinite(wantF) || Float.isInfinite(got)) {
                assertEquals(wantF, got, name + "(" + x + ")");
                continue;
            }
            double abs = Math.abs(got - want);
            if (Math.abs(want) >= 1e-30) {
                assertEquals(Math.signum(want), Math.signum(got), name + "(" + x + ") = " + got + ", expected " + want);
                double ulp = abs / Math.ulp(wantF);
                if (ulp > worstUlp) { worstUlp = ulp; worstAt = x; }
            } else {
                worstTiny = Math.max(worstTiny, abs);
            }
        }
        System.out.printf("Logistic.%s: max error %.2f ulp where |f| >= 1e-30 (at %s), max |error| %.3g below%n", name, worstUlp, worstAt, worstTiny);
        assertTrue(worstUlp <= maxUlp, name + ": " + worstUlp + " ulp at " + worstAt);
        assertTrue(worstTiny <= 1e-36, name + ": absolute error " + worstTiny + " where |f| < 1e-30");
    }

    @Test
    void siluWithinThreeUlpOfFloat64() {
        accurate(Logistic::silu, x -> x / (1 + StrictMath.exp(-x)), "silu", 3);
    }

    @Test
    void sigmoidWithinThreeUlpOfFloat64() {
        accurate(Logistic::sigmoid, x -> 1 / (1 + StrictMath.exp(-x)), "sigmoid", 3);
    }

    @Test
    void expNegWithinTwoUlpOfFloat64BetweenItsClamps() {
        accurate(x -> x >= Logistic.X_LO + 1 && x <= Logistic.X_HI ? Logistic.expNeg(x) : 1f,
                x -> x >= Logistic.X_LO + 1 && x <= Logistic.X_HI ? StrictMath.exp(-x) : 1, "expNeg", 2);
    }

    @Test
    void limitsAndNaN() {
        assertEquals(Float.POSITIVE_INFINITY, Logistic.silu(Float.POSITIVE_INFINITY));
        assertEquals(1f, Logistic.sigmoid(Float.POSITIVE_INFINITY));
        assertEquals(0f, Logistic.sigmoid(Float.NEGATIVE_INFINITY));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Logistic.silu(-1e30f)), "SiLU of a huge negative is -0");
        assertEquals(Float.POSITIVE_INFINITY, Logistic.expNeg(-89f), "n = 128 is the bit pattern of +inf");
        assertEquals(100f, Logistic.silu(100f));
        assertTrue(Float.isNaN(Logistic.silu(Float.NaN)));
        assertTrue(Float.isNaN(Logistic.sigmoid(Float.NaN)));
        assertTrue(Float.isNaN(Logistic.silu(Float.NEGATIVE_INFINITY)), "-inf/inf, as x*sigmoid(x) gives -inf*0");
    }
}
