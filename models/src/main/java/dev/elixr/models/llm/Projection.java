package dev.elixr.models.llm;

import dev.elixr.autograd.functions.MatMulFn;
import dev.elixr.autograd.nn.FrozenWeight;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.matvec.BlockFormat;
import dev.elixr.tensor.matvec.HalfRows;
import dev.elixr.tensor.matvec.MatVec;
import dev.elixr.tensor.matvec.QuantizedMatrix;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.MatMul;

/**
 * y = x·Wᵀ (+ b) with W [out, in] in PyTorch's Linear layout, kept in its stored type. One row (decoding) goes
 * through the matrix–vector kernel that reads F32/F16/BF16 directly, and several rows (prefill) through the GEMM
 * path. With {@code -Delixr.llm.decodeRepack=true} a BF16/F16 weight decodes through a copy of it repacked for that
 * kernel instead ({@link HalfRows}, 2 bytes per weight, made on the first decoding step): off by default, as on a
 * shared machine it was as often slower as faster. Projections of the same x decode together ({@link #applyAll};
 * {@code -Delixr.llm.fusedDecode=false} for one hand-off each). The same {@link Parameter}s serve an autograd forward for training.
 */
public final class Projection extends Module {
    static final boolean DECODE_REPACK = Boolean.parseBoolean(System.getProperty("elixr.llm.decodeRepack", "false"));
    /** Decoding runs q, k, v (and gate, up) in one parallel hand-off; {@code -Delixr.llm.fusedDecode=false}: one each. */
    static final boolean FUSED_DECODE = Boolean.parseBoolean(System.getProperty("elixr.llm.fusedDecode", "true"));

    /** A repacked copy and the weight tensor it was made from (a weight replaced by {@code assign} gets a new one). */
    private record DecodeCopy(Tensor source, HalfRows rows) {}

    private final Parameter weight;
    private final Parameter bias;
    private QuantizedMatrix quantized;
    private final FrozenWeight frozen = new FrozenWeight(); // packed wᵀ while the weight is frozen (stage 2's LLM)
    private PrefillWeights.Copy prefillCopy; // packed float32 wᵀ of a half-precision, quantised or mapped weight, for prefill's GEMM
    private volatile DecodeCopy decodeCopy;

    Projection(WeightSource src, String prefix, int in, int out, boolean bias) {
        QuantizedMatrix q = src.quantized(prefix + "weight");
        if (q != null && (q.rows() != out || q.cols() != in)) {
            throw new IllegalArgumentException("tensor '" + prefix + "weight' is " + q.format() + " [" + q.rows() + "," + q.cols() + "], expected [" + out + "," + in + "]");
        }
        this.quantized = q;
        this.weight = q != null ? null : registerParameter("weight", src.get(prefix + "weight", out, in));
        this.bias = bias ? registerParameter("bias", src.bias(prefix + "bias", out)) : null;
    }

    public Parameter weight() { return weight; }

    /** Bytes of the weight as inference reads it: the block-quantised copy's, else the stored type's. */
    public long storedBytes() {
        return quantized != null ? quantized.data().byteSize() : weight.value().numel() * weight.value().dtype().byteSize();
    }

    /** The bias, or null. */
    public Parameter bias() { return bias; }

    /** The differentiable form, x [..., in] → [..., out] (training; frozen, through a packed copy of wᵀ: {@link FrozenWeight}). */
    public Var forward(Var x) {
        if (weight == null) throw new IllegalStateException("a projection loaded in a block format (GGUF) serves inference only, not training");
        return MatMulFn.linear(x, weight, bias, frozen.packedTranspose(weight));
    }

    /**
     * Inference reads a block-quantised copy of the weight from now on (decode through the block kernel, prefill
     * through the GEMM on its dequantised values); training still uses the parameter.
     */
    public void quantize(BlockFormat format) {
        if (weight == null) return;
        quantized = QuantizedMatrix.quantize(weight.value(), format);
        prefillCopy = PrefillWeights.release(prefillCopy);
    }

    /** A projection straight from a block-quantised matrix (a tied head of a GGUF file). */
    static Projection of(QuantizedMatrix q) {
        return new Projection(new WeightSource() {
            @Override public Tensor get(String name, int... shape) { throw new IllegalStateException(name); }
            @Override public QuantizedMatrix quantized(String name) { return q; }
        }, "", q.cols(), q.rows(), false);
    }

    /** x [T, in] → [T, out]. */
    public Tensor apply(Tensor x) {
        Tensor b = bias == null ? null : bias.value();
        if (quantized == null) return product(x, weight.value(), b);
        Tensor y;
        if (x.size(0) == 1) {
            float[] out = new float[quantized.rows()];
            quantized.matvec(x.contiguous().toFloatArray(), out);
            y = Tensor.wrap(out, 1, out.length);
        } else {
            prefillCopy = PrefillWeights.of(prefillCopy, quantized, quantized::dequantize, (long) quantized.rows() * quantized.cols());
            y = prefillCopy.times(x);
        }
        return b == null ? y : Elementwise.add(y, b);
    }

    /**
     * Several projections of the same x (q, k, v; gate, up): for one row, one parallel hand-off for all when all are
     * block-quantised ({@link QuantizedMatrix#matvecs}) or all read in their stored type ({@link MatVec#matvecs}),
     * the same bits as {@link #apply} on each; else {@link #apply} on each.
     */
    static Tensor[] applyAll(Tensor x, Projection... ps) {
        Tensor[] out = new Tensor[ps.length];
        boolean quantized = true, stored = !DECODE_REPACK;
        for (Projection p : ps) {
            quantized &= p.quantized != null;
            stored &= p.quantized == null;
        }
        if (!FUSED_DECODE || x.size(0) != 1 || !quantized && !stored) {
            for (int i = 0; i < ps.length; i++) out[i] = ps[i].apply(x);
            return out;
        }
        float[][] ys = new float[ps.length][];
        for (int i = 0; i < ps.length; i++) ys[i] = new float[ps[i].quantized != null ? ps[i].quantized.rows() : ps[i].weight.value().size(0)];
        if (quantized) {
            QuantizedMatrix[] ws = new QuantizedMatrix[ps.length];
            for (int i = 0; i < ps.length; i++) ws[i] = ps[i].quantized;
            QuantizedMatrix.matvecs(x.contiguous().toFloatArray(), ws, ys);
        } else {
            Tensor[] ws = new Tensor[ps.length];
            for (int i = 0; i < ps.length; i++) ws[i] = ps[i].weight.value();
            MatVec.matvecs(ws, x.contiguous().toFloatArray(), ys);
        }
        for (int i = 0; i < ps.length; i++) {
            Tensor y = Tensor.wrap(ys[i], 1, ys[i].length);
            out[i] = ps[i].bias == null ? y : Elementwise.add(y, ps[i].bias.value());
        }
        return out;
    }

    /**
     * x [T, in] · wᵀ (+ b) for this projection's unquantised weight w [out, in]: matvec, or the GEMM on a kept packed
     * float32 copy of wᵀ (half precision, or float32 mapped read-only from a file: {@link PrefillWeights}), else on w
     * itself (float32 on the heap: a weight training may change in place).
     */
    private Tensor product(Tensor x, Tensor w, Tensor b) {
        if (x.size(0) == 1 && DECODE_REPACK && HalfRows.fits(w)) return decode(x, w, b);
        if (x.size(0) == 1 || w.dtype() == dev.elixr.tensor.DType.F32 && !PrefillWeights.mappedReadOnly(w)) return linear(x, w, b);
        prefillCopy = PrefillWeights.of(prefillCopy, w, () -> MatVec.toFloat32(w), w.numel());
        Tensor y = prefillCopy.times(x);
        return b == null ? y : Elementwise.add(y, b);
    }

    /** One row x [1, in] · wᵀ (+ b) through the repacked copy of the half-precision w. */
    private Tensor decode(Tensor x, Tensor w, Tensor b) {
        DecodeCopy c = decodeCopy;
        if (c == null || c.source() != w) decodeCopy = c = new DecodeCopy(w, HalfRows.of(w));
        float[] out = new float[w.size(0)];
        c.rows().matvec(x.contiguous().toFloatArray(), out);
        Tensor y = Tensor.wrap(out, 1, out.length);
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
