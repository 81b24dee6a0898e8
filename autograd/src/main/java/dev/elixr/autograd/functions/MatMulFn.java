package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.cpu.PackedMatrix;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.MatMul;
import dev.elixr.tensor.ops.Reduce;

/** Matrix product with numpy semantics; dA = dC·Bᵀ, dB = Aᵀ·dC, reduced over broadcast batch dims. */
public final class MatMulFn {
    private MatMulFn() {}

    public static Var matmul(Var a, Var b) {
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least 1 dimension, got " + a + " @ " + b);
        }
        if (a.dim() == 1 && b.dim() == 1) return matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape();
        if (a.dim() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
        if (b.dim() == 1) return matmul(a, b.unsqueeze(-1)).squeeze(-1);
        if (b.dim() == 2 && a.dim() > 2) return foldedMatmul(a, b);
        Tensor x = a.value(), y = b.value();
        return Var.result("matmul", MatMul.matmul(x, y), g -> new Tensor[] {
                a.requiresGrad() ? SumToShape.apply(MatMul.matmul(g, y.transpose(-2, -1)), x.shape()) : null,
                b.requiresGrad() ? SumToShape.apply(MatMul.matmul(x.transpose(-2, -1), g), y.shape()) : null}, a, b);
    }

    /** a [..., M, K] @ b [K, N] as one [(…M), K] @ [K, N] product, so dB needs no batch reduction. */
    private static Var foldedMatmul(Var a, Var b) {
        int[] shape = a.shape();
        int k = shape[shape.length - 1], n = b.size(1);
        Tensor x = a.value().reshape(-1, k), y = b.value();
        Tensor out = MatMul.matmul(x, y);
        int[] outShape = shape.clone();
        outShape[shape.length - 1] = n;
        return Var.result("matmul", out.view(outShape), g -> {
            Tensor g2 = g.reshape(-1, n);
            return new Tensor[] {a.requiresGrad() ? MatMul.matmul(g2, y.t()).view(shape) : null,
                    b.requiresGrad() ? MatMul.matmul(x.t(), g2) : null};
        }, a, b);
    }

    /** x·wᵀ + b with w [out,in] as in torch.nn.functional.linear; b may be null. */
    public static Var linear(Var x, Var w, Var b) { return linear(x, w, b, null); }

    /**
     * As {@link #linear(Var, Var, Var)}, the forward product through wT, wᵀ packed beforehand ({@link PackedMatrix}: a
     * frozen weight's copy), when it is given: the same bits. The backward reads w.
     */
    public static Var linear(Var x, Var w, Var b, PackedMatrix wT) {
        if (w.dim() != 2) throw new IllegalArgumentException("linear: weight " + w + " must be [out, in]");
        int in = w.size(1), outF = w.size(0);
        if (x.dim() == 0 || x.size(-1) != in) {
            throw new IllegalArgumentException("linear: input " + x + " does not end in the weight's in-features " + in + " (weight " + w + ")");
        }
        if (b != null && (b.dim() != 1 || b.size(0) != outF)) {
            throw new IllegalArgumentException("linear: bias " + b + " does not match out-features " + outF);
        }
        if (wT != null && (wT.k() != in || wT.n() != outF))
            throw new IllegalArgumentException("linear: packed wᵀ of " + wT.k() + "x" + wT.n() + " is not the weight " + w + " transposed");
        int[] shape = x.shape();
        Tensor x2 = x.value().reshape(-1, in), wt = w.value();
        Tensor y = wT != null ? wT.times(x2) : MatMul.matmul(x2, wt.t());
        if (b != null) Elementwise.addInPlace(y, b.value()); // y is the product's fresh output: no second [rows, out] tensor
        int[] outShape = shape.clone();
        outShape[shape.length - 1] = outF;
        Tensor result = y.view(outShape);
        Var[] inputs = b == null ? new Var[] {x, w} : new Var[] {x, w, b};
        return Var.result("linear", result, g -> {
            Tensor g2 = g.reshape(-1, outF);
            Tensor dx = x.requiresGrad() ? MatMul.matmul(g2, wt).view(shape) : null;
            Tensor dw = w.requiresGrad() ? MatMul.matmul(g2.t(), x2) : null;
            if (b == null) return new Tensor[] {dx, dw};
            return new Tensor[] {dx, dw, b.requiresGrad() ? Reduce.sum(g2, false, 0) : null};
        }, inputs);
    }
}
