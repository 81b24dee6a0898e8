package dev.elixr.models.llm;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.matvec.BlockFormat;
import dev.elixr.tensor.matvec.MatVec;
import dev.elixr.tensor.matvec.QuantizedMatrix;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.MatMul;

/**
 * y = x·Wᵀ (+ b) with W [out, in] in PyTorch's Linear layout, kept in its stored type. One row (decoding) goes
 * through the matrix–vector kernel that reads F32/F16/BF16 directly; several rows (prefill) through the GEMM path.
 * The same {@link Parameter}s serve an autograd forward for training.
 */
public final class Projection extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private QuantizedMatrix quantized;

    Projection(WeightSource src, String prefix, int in, int out, boolean bias) {
        this.weight = registerParameter("weight", src.get(prefix + "weight", out, in));
        this.bias = bias ? registerParameter("bias", src.bias(prefix + "bias", out)) : null;
    }

    public Parameter weight() { return weight; }

    /** The bias, or null. */
    public Parameter bias() { return bias; }

    /** The differentiable form, x [..., in] → [..., out] (training). */
    public Var forward(Var x) { return Functional.linear(x, weight, bias); }

    /**
     * Inference reads a block-quantised copy of the weight from now on (decode through the block kernel, prefill
     * through the GEMM on its dequantised values); training still uses the parameter.
     */
    public void quantize(BlockFormat format) { quantized = QuantizedMatrix.quantize(weight.value(), format); }

    /** x [T, in] → [T, out]. */
    public Tensor apply(Tensor x) {
        Tensor b = bias == null ? null : bias.value();
        if (quantized == null) return linear(x, weight.value(), b);
        Tensor y;
        if (x.size(0) == 1) {
            float[] out = new float[quantized.rows()];
            quantized.matvec(x.contiguous().toFloatArray(), out);
            y = Tensor.wrap(out, 1, out.length);
        } else {
            y = MatMul.matmul(x, quantized.dequantize().t());
        }
        return b == null ? y : Elementwise.add(y, b);
    }

    /** x [T, in] · wᵀ (+ b) for w [out, in] of any stored type; b may be null. */
    static Tensor linear(Tensor x, Tensor w, Tensor b) {
        Tensor y = x.size(0) == 1
                ? Tensor.wrap(MatVec.matvec(w, x.contiguous().toFloatArray()), 1, w.size(0))
                : MatMul.matmul(x, MatVec.toFloat32(w).t());
        return b == null ? y : Elementwise.add(y, b);
    }
}
