package dev.elixr.tensor.backend;

/** Elementwise functions of one argument. GELU comes in the tanh approximation and the exact erf form. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, RSQRT, ABS, TANH, SIGMOID, RELU, GELU_TANH, GELU_ERF, SILU, RECIPROCAL, SQUARE
}
