package dev.elixr.tensor.backend;

/** Elementwise functions of two (broadcast) arguments. Comparisons yield 1.0 for true and 0.0 for false. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, EQ, NE, LT, LE, GT, GE
}
