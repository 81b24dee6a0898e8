package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;

/** Unary elementwise functions and their derivatives (the activations' on tensor-core's vectorised *Backward kernels). */
public final class PointwiseFn {
    private PointwiseFn() {}

    public static Var exp(Var x) {
        Tensor y = Elementwise.exp(x.value());
        return Var.result("exp", y, g -> new Tensor[] {Elementwise.mul(g, y)}, x);
    }

    public static Var log(Var x) {
        Tensor v = x.value();
        return Var.result("log", Elementwise.log(v), g -> new Tensor[] {Elementwise.div(g, v)}, x);
    }

    /** d√x = 1/(2√x). */
    public static Var sqrt(Var x) {
        Tensor y = Elementwise.sqrt(x.value());
        return Var.result("sqrt", y, g -> new Tensor[] {Elementwise.div(Elementwise.mul(g, 0.5f), y)}, x);
    }

    /** d x^(-1/2) = −½·y³. */
    public static Var rsqrt(Var x) {
        Tensor y = Elementwise.rsqrt(x.value());
        return Var.result("rsqrt", y, g -> new Tensor[] {Elementwise.mul(g, Elementwise.mul(Elementwise.pow(y, 3f), -0.5f))}, x);
    }

    /** d|x| = sign(x) (0 at 0). */
    public static Var abs(Var x) {
        Tensor v = x.value();
        return Var.result("abs", Elementwise.abs(v), g -> {
            Tensor sign = Elementwise.sub(Elementwise.gt(v, 0f), Elementwise.lt(v, 0f));
            return new Tensor[] {Elementwise.mul(g, sign)};
        }, x);
    }

    public static Var square(Var x) {
        Tensor v = x.value();
        return Var.result("square", Elementwise.square(v), g -> new Tensor[] {Elementwise.mul(g, Elementwise.mul(v, 2f))}, x);
    }

    /** d(1/x) = −y². */
    public static Var reciprocal(Var x) {
        Tensor y = Elementwise.reciprocal(x.value());
        return Var.result("reciprocal", y, g -> new Tensor[] {Elementwise.neg(Elementwise.mul(g, Elementwise.square(y)))}, x);
    }

    /** d tanh = 1 − y². */
    public static Var tanh(Var x) {
        Tensor y = Elementwise.tanh(x.value());
        return Var.result("tanh", y, g -> new Tensor[] {Elementwise.tanhBackward(g, y)}, x);
    }

    /** dσ = y(1 − y). */
    public static Var sigmoid(Var x) {
        Tensor y = Elementwise.sigmoid(x.value());
        return Var.result("sigmoid", y, g -> new Tensor[] {Elementwise.sigmoidBackward(g, y)}, x);
    }

    public static Var relu(Var x) {
        Tensor v = x.value();
        return Var.result("relu", Elementwise.relu(v), g -> new Tensor[] {Elementwise.reluBackward(g, v)}, x);
    }

    /** d[x·Φ(x)] = Φ(x) + x·φ(x) (Hendrycks &amp; Gimpel 2016). */
    public static Var geluErf(Var x) {
        Tensor v = x.value();
        return Var.result("gelu", Elementwise.geluErf(v), g -> new Tensor[] {Elementwise.geluErfBackward(g, v)}, x);
    }

    /** Derivative of 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715x³))). */
    public static Var geluTanh(Var x) {
        Tensor v = x.value();
        return Var.result("geluTanh", Elementwise.gelu(v), g -> new Tensor[] {Elementwise.geluBackward(g, v)}, x);
    }

    /** d[x·σ(x)] = σ(x)(1 + x(1 − σ(x))). */
    public static Var silu(Var x) {
        Tensor v = x.value();
        return Var.result("silu", Elementwise.silu(v), g -> new Tensor[] {Elementwise.siluBackward(g, v)}, x);
    }

    /** Gradient passes where lo ≤ x ≤ hi. */
    public static Var clamp(Var x, float lo, float hi) {
        Tensor v = x.value();
        return Var.result("clamp", Elementwise.clamp(v, lo, hi),
                g -> new Tensor[] {Elementwise.mul(g, Elementwise.mul(Elementwise.ge(v, lo), Elementwise.le(v, hi)))}, x);
    }
}
