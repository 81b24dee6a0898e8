package dev.elixr.tensor.backend;

/**
 * Elementwise functions of two (broadcast) arguments. Comparisons yield 1.0 for true and 0.0 for false. The
 * {@code *_GRAD} ops are activation derivatives for backward passes, a·f'(·) with a the upstream gradient and b
 * the saved forward input x (RELU, GELU, SiLU) or output y (TANH: a(1 − y²), SIGMOID: a·y(1 − y)).
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, EQ, NE, LT, LE, GT, GE,
    TANH_GRAD, SIGMOID_GRAD, RELU_GRAD, GELU_TANH_GRAD, GELU_ERF_GRAD, SILU_GRAD
}
