package dev.elixr.tensor.cpu;

import dev.elixr.tensor.backend.BinaryOp;
import dev.elixr.tensor.backend.UnaryOp;

/** Scalar versions of the elementwise functions, for strided and tail elements. */
final class ScalarMath {
    static final float SQRT_2_OVER_PI = 0.7978845608028654f;
    static final float GELU_C = 0.044715f;
    static final float INV_SQRT2 = 0.7071067811865476f;

    private ScalarMath() {}

    static float apply(UnaryOp op, float x) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case RSQRT -> (float) (1.0 / Math.sqrt(x));
            case ABS -> Math.abs(x);
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
            case RELU -> x > 0 ? x : (x == x ? 0f : x);
            case GELU_TANH -> 0.5f * x * (1f + (float) Math.tanh(SQRT_2_OVER_PI * (x + GELU_C * x * x * x)));
            case GELU_ERF -> 0.5f * x * (1f + erf(x * INV_SQRT2));
            case SILU -> (float) (x / (1.0 + Math.exp(-x)));
            case RECIPROCAL -> 1f / x;
            case SQUARE -> x * x;
        };
    }

    static float apply(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> (float) Math.pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case EQ -> a == b ? 1f : 0f;
            case NE -> a != b ? 1f : 0f;
            case LT -> a < b ? 1f : 0f;
            case LE -> a <= b ? 1f : 0f;
            case GT -> a > b ? 1f : 0f;
            case GE -> a >= b ? 1f : 0f;
        };
    }

    // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), the same formula as the vector path.
    static final float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f,
            A5 = 1.061405429f;

    static float erf(float x) {
        float ax = Math.abs(x);
        float t = 1f / (1f + P * ax);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        float y = 1f - poly * (float) Math.exp(-ax * ax);
        return Math.copySign(y, x);
    }
}
