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
        Tensor out = Elementwise.sub(a.value(), b.value());
        return Var.result("sub", out, need(b) && !b.value().sameShape(out) ? bytes(out) : 0,  // −g in full before it is summed to b
                g -> new Tensor[] {need(a) ? SumToShape.apply(g, sa) : null, need(b) ? SumToShape.apply(Elementwise.neg(g), sb) : null}, a, b);
    }

    public static Var mul(Var a, Var b) {
        Tensor x = a.value(), y = b.value(), out = Elementwise.mul(x, y);
        // the product of g with the other operand is made in full before it is summed to a broadcast operand's shape
        // (squeeze-and-excitation's gate [N, C, 1, 1]: a whole feature map beside the returned gradients)
        long temporary = need(a) && !x.sameShape(out) || need(b) && !y.sameShape(out) ? bytes(out) : 0;
        return Var.result("mul", out, temporary, g -> new Tensor[] {
                need(a) ? SumToShape.apply(Elementwise.mul(g, y), x.shape()) : null,
                need(b) ? SumToShape.apply(Elementwise.mul(g, x), y.shape()) : null}, a, b);
    }

    /** d(x/y)/dx = 1/y, d(x/y)/dy = −x/y². */
    public static Var div(Var a, Var b) {
        Tensor x = a.value(), y = b.value(), out = Elementwise.div(x, y);
        // g/y (unless it is a's gradient), then up to two more full-size products for b's
        long temporary = (need(a) && x.sameShape(out) ? 0 : bytes(out)) + (need(b) ? 2 * bytes(out) : 0);
        return Var.result("div", out, temporary, g -> {
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

    private static long bytes(Tensor t) { return (long) t.numel() * t.dtype().byteSize(); }
}
