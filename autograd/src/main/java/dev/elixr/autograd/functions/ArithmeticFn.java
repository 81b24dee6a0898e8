package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;

/** Broadcasting arithmetic with backward: gradients are summed back to each input's shape. */
public final class ArithmeticFn {
    private ArithmeticFn() {}

    public static Var add(Var a, Var b) {
        int[] sa = a.shape(), sb = b.shape();
        return Var.result("add", Elementwise.add(a.value(), b.value()),
                g -> new Tensor[] {need(a) ? SumToShape.apply(g, sa) : null, need(b) ? SumToShape.apply(g, sb) : null}, a, b);
    }

    public static Var sub(Var a, Var b) {
        int[] sa = a.shape(), sb = b.shape();
        return Var.result("sub", Elementwise.sub(a.value(), b.value()),
                g -> new Tensor[] {need(a) ? SumToShape.apply(g, sa) : null, need(b) ? SumToShape.apply(Elementwise.neg(g), sb) : null}, a, b);
    }

    public static Var mul(Var a, Var b) {
        Tensor x = a.value(), y = b.value();
        return Var.result("mul", Elementwise.mul(x, y), g -> new Tensor[] {
                need(a) ? SumToShape.apply(Elementwise.mul(g, y), x.shape()) : null,
                need(b) ? SumToShape.apply(Elementwise.mul(g, x), y.shape()) : null}, a, b);
    }

    /** d(x/y)/dx = 1/y, d(x/y)/dy = −x/y². */
    public static Var div(Var a, Var b) {
        Tensor x = a.value(), y = b.value();
        return Var.result("div", Elementwise.div(x, y), g -> {
            Tensor gx = Elementwise.div(g, y);
            return new Tensor[] {need(a) ? SumToShape.apply(gx, x.shape()) : null,
                    need(b) ? SumToShape.apply(Elementwise.neg(Elementwise.div(Elementwise.mul(gx, x), y)), y.shape()) : null};
        }, a, b);
    }

    public static Var add(Var a, float s) {
        return Var.result("add", Elementwise.add(a.value(), s), g -> new Tensor[] {g}, a);
    }

    public static Var mul(Var a, float s) {
        return Var.result("mul", Elementwise.mul(a.value(), s), g -> new Tensor[] {Elementwise.mul(g, s)}, a);
    }

    /** d(xᵖ)/dx = p·xᵖ⁻¹. */
    public static Var pow(Var a, float p) {
        Tensor x = a.value();
        return Var.result("pow", Elementwise.pow(x, p), g -> new Tensor[] {Elementwise.mul(g, Elementwise.mul(Elementwise.pow(x, p - 1), p))}, a);
    }

    /** Positions where mask != 0 take v and pass no gradient. */
    public static Var maskedFill(Var a, Tensor mask, float v) {
        return Var.result("maskedFill", Elementwise.maskedFill(a.value(), mask, v), g -> new Tensor[] {Elementwise.maskedFill(g, mask, 0f)}, a);
    }

    static boolean need(Var v) { return v.requiresGrad(); }
}
