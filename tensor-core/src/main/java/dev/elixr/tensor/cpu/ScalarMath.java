package dev.elixr.tensor.cpu;

import dev.elixr.tensor.backend.BinaryOp;
import dev.elixr.tensor.backend.UnaryOp;

/**
 * Scalar versions of the elementwise functions, for strided and tail elements: the same bits as the vector
 * loops of {@link CpuElementwise} (transcendentals are the scalar twins in {@link VectorMath}), in every JIT tier.
 */
final class ScalarMath {
    private ScalarMath() {}

    static float apply(UnaryOp op, float x) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> VectorMath.exp(x);
            case LOG -> VectorMath.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case RSQRT -> 1f / (float) Math.sqrt(x);
            case ABS -> Math.abs(x);
            case TANH -> VectorMath.tanh(x);
            case SIGMOID -> VectorMath.sigmoid(x);
            case RELU -> x > 0 ? x : (x == x ? 0f : x);
            case GELU_TANH -> VectorMath.geluTanh(x);
            case GELU_ERF -> VectorMath.geluErf(x);
            case SILU -> VectorMath.silu(x);
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
            case POW -> (float) StrictMath.pow(a, b); // fdlibm: the same bits everywhere
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case EQ -> a == b ? 1f : 0f;
            case NE -> a != b ? 1f : 0f;
            case LT -> a < b ? 1f : 0f;
            case LE -> a <= b ? 1f : 0f;
            case GT -> a > b ? 1f : 0f;
            case GE -> a >= b ? 1f : 0f;
            case TANH_GRAD -> a * (1f - b * b);
            case SIGMOID_GRAD -> a * b * (1f - b);
            case RELU_GRAD -> b > 0f ? a : 0f;
            case GELU_TANH_GRAD -> VectorMath.geluTanhGrad(a, b);
            case GELU_ERF_GRAD -> VectorMath.geluErfGrad(a, b);
            case SILU_GRAD -> VectorMath.siluGrad(a, b);
        };
    }
}
