package dev.elixr.tensor.ops;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.backend.BinaryOp;
import dev.elixr.tensor.backend.UnaryOp;

/** Elementwise functions with numpy broadcasting; comparisons give 1/0 tensors. */
public final class Elementwise {
    private Elementwise() {}

    // ---- binary, broadcasting
    public static Tensor add(Tensor a, Tensor b) { return binary("add", BinaryOp.ADD, a, b); }
    public static Tensor sub(Tensor a, Tensor b) { return binary("sub", BinaryOp.SUB, a, b); }
    public static Tensor mul(Tensor a, Tensor b) { return binary("mul", BinaryOp.MUL, a, b); }
    public static Tensor div(Tensor a, Tensor b) { return binary("div", BinaryOp.DIV, a, b); }
    public static Tensor pow(Tensor a, Tensor b) { return binary("pow", BinaryOp.POW, a, b); }
    public static Tensor maximum(Tensor a, Tensor b) { return binary("maximum", BinaryOp.MAX, a, b); }
    public static Tensor minimum(Tensor a, Tensor b) { return binary("minimum", BinaryOp.MIN, a, b); }

    // ---- with a scalar
    public static Tensor add(Tensor x, float s) { return scalar("add", BinaryOp.ADD, x, s); }
    public static Tensor sub(Tensor x, float s) { return scalar("sub", BinaryOp.SUB, x, s); }
    public static Tensor mul(Tensor x, float s) { return scalar("mul", BinaryOp.MUL, x, s); }
    public static Tensor div(Tensor x, float s) { return scalar("div", BinaryOp.DIV, x, s); }
    public static Tensor pow(Tensor x, float p) { return scalar("pow", BinaryOp.POW, x, p); }

    // ---- unary
    public static Tensor neg(Tensor x) { return unary("neg", UnaryOp.NEG, x); }
    public static Tensor exp(Tensor x) { return unary("exp", UnaryOp.EXP, x); }
    public static Tensor log(Tensor x) { return unary("log", UnaryOp.LOG, x); }
    public static Tensor sqrt(Tensor x) { return unary("sqrt", UnaryOp.SQRT, x); }
    public static Tensor rsqrt(Tensor x) { return unary("rsqrt", UnaryOp.RSQRT, x); }
    public static Tensor abs(Tensor x) { return unary("abs", UnaryOp.ABS, x); }
    public static Tensor tanh(Tensor x) { return unary("tanh", UnaryOp.TANH, x); }
    public static Tensor sigmoid(Tensor x) { return unary("sigmoid", UnaryOp.SIGMOID, x); }
    public static Tensor relu(Tensor x) { return unary("relu", UnaryOp.RELU, x); }
    /** GELU, tanh approximation (Hendrycks and Gimpel 2016, sec. 2). */
    public static Tensor gelu(Tensor x) { return unary("gelu", UnaryOp.GELU_TANH, x); }
    /** GELU, exact: x·Φ(x) with Φ through erf. */
    public static Tensor geluErf(Tensor x) { return unary("geluErf", UnaryOp.GELU_ERF, x); }
    public static Tensor silu(Tensor x) { return unary("silu", UnaryOp.SILU, x); }
    public static Tensor reciprocal(Tensor x) { return unary("reciprocal", UnaryOp.RECIPROCAL, x); }
    public static Tensor square(Tensor x) { return unary("square", UnaryOp.SQUARE, x); }

    /** Values limited to [lo, hi] (NaN stays NaN). */
    public static Tensor clamp(Tensor x, float lo, float hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: lower bound " + lo + " is above upper bound " + hi);
        return minimum(maximum(x, scalarOn(x, lo)), scalarOn(x, hi));
    }

    // ---- activation derivatives for backward passes: grad·f'(·), from the saved input x or output y
    /** grad·(1 − y²), y = tanh x. */
    public static Tensor tanhBackward(Tensor grad, Tensor y) { return binary("tanhBackward", BinaryOp.TANH_GRAD, grad, y); }
    /** grad·y(1 − y), y = sigmoid x. */
    public static Tensor sigmoidBackward(Tensor grad, Tensor y) { return binary("sigmoidBackward", BinaryOp.SIGMOID_GRAD, grad, y); }
    /** grad where x &gt; 0, else 0. */
    public static Tensor reluBackward(Tensor grad, Tensor x) { return binary("reluBackward", BinaryOp.RELU_GRAD, grad, x); }
    /** grad·d/dx[½x(1 + tanh(√(2/π)(x + 0.044715x³)))]. */
    public static Tensor geluBackward(Tensor grad, Tensor x) { return binary("geluBackward", BinaryOp.GELU_TANH_GRAD, grad, x); }
    /** grad·(Φ(x) + x·φ(x)), the derivative of x·Φ(x) (Hendrycks and Gimpel 2016). */
    public static Tensor geluErfBackward(Tensor grad, Tensor x) { return binary("geluErfBackward", BinaryOp.GELU_ERF_GRAD, grad, x); }
    /** grad·σ(x)(1 + x(1 − σ(x))), the derivative of x·σ(x). */
    public static Tensor siluBackward(Tensor grad, Tensor x) { return binary("siluBackward", BinaryOp.SILU_GRAD, grad, x); }

    // ---- comparisons (1 where true, 0 where false)
    public static Tensor eq(Tensor a, Tensor b) { return binary("eq", BinaryOp.EQ, a, b); }
    public static Tensor ne(Tensor a, Tensor b) { return binary("ne", BinaryOp.NE, a, b); }
    public static Tensor lt(Tensor a, Tensor b) { return binary("lt", BinaryOp.LT, a, b); }
    public static Tensor le(Tensor a, Tensor b) { return binary("le", BinaryOp.LE, a, b); }
    public static Tensor gt(Tensor a, Tensor b) { return binary("gt", BinaryOp.GT, a, b); }
    public static Tensor ge(Tensor a, Tensor b) { return binary("ge", BinaryOp.GE, a, b); }
    public static Tensor eq(Tensor a, float s) { return scalar("eq", BinaryOp.EQ, a, s); }
    public static Tensor ne(Tensor a, float s) { return scalar("ne", BinaryOp.NE, a, s); }
    public static Tensor lt(Tensor a, float s) { return scalar("lt", BinaryOp.LT, a, s); }
    public static Tensor le(Tensor a, float s) { return scalar("le", BinaryOp.LE, a, s); }
    public static Tensor gt(Tensor a, float s) { return scalar("gt", BinaryOp.GT, a, s); }
    public static Tensor ge(Tensor a, float s) { return scalar("ge", BinaryOp.GE, a, s); }

    /** cond != 0 ? a : b, all three broadcast together. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Backend be = Backends.of("where", cond, a, b);
        int[] shape = Shape.broadcast("where", cond.shape(), a.shape(), b.shape());
        Tensor out = Outputs.allocate(be, shape);
        be.where(cond.expand(shape), a.expand(shape), b.expand(shape), out);
        return out;
    }

    /** value where mask != 0, else x; mask broadcasts to x's shape. */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        int[] shape = Shape.broadcast("maskedFill", x.shape(), mask.shape());
        if (!java.util.Arrays.equals(shape, x.shape())) {
            throw new IllegalArgumentException("maskedFill: mask " + Outputs.str(mask) + " does not broadcast to x " + Outputs.str(x)
                    + " (the result would be " + Shape.str(shape) + ")");
        }
        return where(mask, scalarOn(x, value), x);
    }

    // ---- in place, on a result the caller owns (a fresh output nothing else reads yet)

    /**
     * x += b, b broadcast to x's shape, written into x itself: no second tensor of x's size (a Linear's bias added
     * to its fresh product). x must be contiguous; the caller must own it (nothing else may read the old values).
     */
    public static Tensor addInPlace(Tensor x, Tensor b) {
        Backend be = Backends.of("addInPlace", x, b);
        int[] shape = Shape.broadcast("addInPlace", x.shape(), b.shape());
        if (!java.util.Arrays.equals(shape, x.shape()))
            throw new IllegalArgumentException("addInPlace: " + Outputs.str(b) + " broadcast to " + Outputs.str(x) + " would make "
                    + Shape.str(shape) + "; in place the result keeps x's shape");
        be.binary(BinaryOp.ADD, ownedTarget("addInPlace", x), b.expand(shape), x);
        return x;
    }

    /** x = max(x, 0) written into x itself (x contiguous and owned by the caller, as {@link #addInPlace}). */
    public static Tensor reluInPlace(Tensor x) {
        Backend be = Backends.of("reluInPlace", x);
        be.unary(UnaryOp.RELU, ownedTarget("reluInPlace", x), x);
        return x;
    }

    private static Tensor ownedTarget(String op, Tensor x) {
        if (!x.isContiguous())
            throw new IllegalArgumentException(op + ": x " + Outputs.str(x) + " is a strided view; in place needs a contiguous tensor");
        return x;
    }

    static Tensor unary(String name, UnaryOp op, Tensor x) {
        Backend be = Backends.of(name, x);
        Tensor out = Outputs.allocate(be, x.shape());
        be.unary(op, x, out);
        return out;
    }

    static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b) {
        Backend be = Backends.of(name, a, b);
        int[] shape = Shape.broadcast(name, a.shape(), b.shape());
        Tensor out = Outputs.allocate(be, shape);
        be.binary(op, a.expand(shape), b.expand(shape), out);
        return out;
    }

    private static Tensor scalar(String name, BinaryOp op, Tensor x, float s) {
        return binary(name, op, x, scalarOn(x, s));
    }

    private static Tensor scalarOn(Tensor x, float s) { return Outputs.scalar(Backends.of("scalar", x), s); }
}
