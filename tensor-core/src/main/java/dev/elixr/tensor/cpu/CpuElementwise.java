package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.BinaryOp;
import dev.elixr.tensor.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * Elementwise kernels over broadcast views. Rows whose operands are unit-stride (or stride-0 scalars)
 * run on vectors; any other stride runs the scalar loop. One op per loop: C2 keeps vectors in registers
 * only when no vector value merges across branches, so each switch picks a loop instead of sitting inside one.
 */
final class CpuElementwise {
    private static final int GRAIN = 1 << 14;

    private CpuElementwise() {}

    static void unary(UnaryOp op, Tensor x, Tensor out) {
        if (out.numel() == 0) return;
        x = HostArrays.heap(x);
        float[] in = x.storage().array(), o = out.storage().array();
        var loop = new StridedLoop(out, x);
        int os = loop.innerStrides[0], is = loop.innerStrides[1];
        loop.forEachChunk(GRAIN, (b, n) -> {
            if (os == 1 && is == 1) unaryContiguous(op, in, b[1], o, b[0], n);
            else for (int k = 0; k < n; k++) o[b[0] + k * os] = ScalarMath.apply(op, in[b[1] + k * is]);
        });
    }

    static void unaryContiguous(UnaryOp op, float[] in, int p, float[] o, int q, int n) {
        int b = F.loopBound(n);
        switch (op) {
            case NEG -> { for (int k = 0; k < b; k += L) ld(in, p + k).neg().intoArray(o, q + k); }
            case EXP -> { for (int k = 0; k < b; k += L) ld(in, p + k).lanewise(VectorOperators.EXP).intoArray(o, q + k); }
            case LOG -> { for (int k = 0; k < b; k += L) ld(in, p + k).lanewise(VectorOperators.LOG).intoArray(o, q + k); }
            case SQRT -> { for (int k = 0; k < b; k += L) ld(in, p + k).sqrt().intoArray(o, q + k); }
            case RSQRT -> { for (int k = 0; k < b; k += L) { FloatVector x = ld(in, p + k); x.broadcast(1f).div(x.sqrt()).intoArray(o, q + k); } }
            case ABS -> { for (int k = 0; k < b; k += L) ld(in, p + k).abs().intoArray(o, q + k); }
            case TANH -> { for (int k = 0; k < b; k += L) ld(in, p + k).lanewise(VectorOperators.TANH).intoArray(o, q + k); }
            case SIGMOID -> { for (int k = 0; k < b; k += L) sigmoid(ld(in, p + k)).intoArray(o, q + k); }
            case RELU -> { for (int k = 0; k < b; k += L) ld(in, p + k).max(0f).intoArray(o, q + k); }
            case GELU_TANH -> { for (int k = 0; k < b; k += L) geluTanh(ld(in, p + k)).intoArray(o, q + k); }
            case GELU_ERF -> { for (int k = 0; k < b; k += L) geluErf(ld(in, p + k)).intoArray(o, q + k); }
            case SILU -> { for (int k = 0; k < b; k += L) { FloatVector x = ld(in, p + k); x.mul(sigmoid(x)).intoArray(o, q + k); } }
            case RECIPROCAL -> { for (int k = 0; k < b; k += L) { FloatVector x = ld(in, p + k); x.broadcast(1f).div(x).intoArray(o, q + k); } }
            case SQUARE -> { for (int k = 0; k < b; k += L) { FloatVector x = ld(in, p + k); x.mul(x).intoArray(o, q + k); } }
        }
        for (int k = b; k < n; k++) o[q + k] = ScalarMath.apply(op, in[p + k]);
    }

    private static FloatVector ld(float[] a, int i) { return FloatVector.fromArray(F, a, i); }

    private static FloatVector sigmoid(FloatVector x) {
        return x.broadcast(1f).div(x.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    private static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).mul(ScalarMath.GELU_C).add(1f).mul(x).mul(ScalarMath.SQRT_2_OVER_PI);
        return inner.lanewise(VectorOperators.TANH).add(1f).mul(x).mul(0.5f);
    }

    private static FloatVector geluErf(FloatVector x) { return erf(x.mul(ScalarMath.INV_SQRT2)).add(1f).mul(x).mul(0.5f); }

    /** Abramowitz & Stegun 7.1.26, as {@link ScalarMath#erf}. */
    static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector t = x.broadcast(1f).div(ax.mul(ScalarMath.P).add(1f));
        FloatVector poly = t.mul(ScalarMath.A5).add(ScalarMath.A4).mul(t).add(ScalarMath.A3).mul(t).add(ScalarMath.A2)
                .mul(t).add(ScalarMath.A1).mul(t);
        FloatVector y = x.broadcast(1f).sub(poly.mul(ax.mul(ax).neg().lanewise(VectorOperators.EXP)));
        return y.lanewise(VectorOperators.NEG, x.lt(0f));
    }

    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (out.numel() == 0) return;
        a = HostArrays.heap(a);
        b = HostArrays.heap(b);
        float[] x = a.storage().array(), y = b.storage().array(), o = out.storage().array();
        var loop = new StridedLoop(out, a, b);
        int os = loop.innerStrides[0], as = loop.innerStrides[1], bs = loop.innerStrides[2];
        boolean vec = os == 1 && (as == 0 || as == 1) && (bs == 0 || bs == 1);
        loop.forEachChunk(GRAIN, (p, n) -> {
            if (!vec) {
                for (int k = 0; k < n; k++) o[p[0] + k * os] = ScalarMath.apply(op, x[p[1] + k * as], y[p[2] + k * bs]);
                return;
            }
            // a broadcast scalar operand is read as a vector from a filled scratch array at a fixed index
            float[] xa = as == 0 ? filled(x[p[1]]) : x, ya = bs == 0 ? filled(y[p[2]]) : y;
            binaryRow(op, xa, as == 0 ? 0 : p[1], as, ya, bs == 0 ? 0 : p[2], bs, o, p[0], n);
            for (int k = F.loopBound(n); k < n; k++) o[p[0] + k] = ScalarMath.apply(op, x[p[1] + k * as], y[p[2] + k * bs]);
        });
    }

    private static float[] filled(float v) {
        float[] a = new float[L];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** Full vectors of one output row; operand x is read at xp + k*xs (xs 1, or 0 for a broadcast scalar), y alike. */
    private static void binaryRow(BinaryOp op, float[] x, int xp, int xs, float[] y, int yp, int ys, float[] o, int q, int n) {
        int b = F.loopBound(n);
        switch (op) {
            case ADD -> { for (int k = 0; k < b; k += L) ld(x, xp + k * xs).add(ld(y, yp + k * ys)).intoArray(o, q + k); }
            case SUB -> { for (int k = 0; k < b; k += L) ld(x, xp + k * xs).sub(ld(y, yp + k * ys)).intoArray(o, q + k); }
            case MUL -> { for (int k = 0; k < b; k += L) ld(x, xp + k * xs).mul(ld(y, yp + k * ys)).intoArray(o, q + k); }
            case DIV -> { for (int k = 0; k < b; k += L) ld(x, xp + k * xs).div(ld(y, yp + k * ys)).intoArray(o, q + k); }
            case POW -> { for (int k = 0; k < b; k += L) ld(x, xp + k * xs).pow(ld(y, yp + k * ys)).intoArray(o, q + k); }
            case MAX -> { for (int k = 0; k < b; k += L) ld(x, xp + k * xs).max(ld(y, yp + k * ys)).intoArray(o, q + k); }
            case MIN -> { for (int k = 0; k < b; k += L) ld(x, xp + k * xs).min(ld(y, yp + k * ys)).intoArray(o, q + k); }
            case EQ -> { for (int k = 0; k < b; k += L) ones(ld(x, xp + k * xs).compare(VectorOperators.EQ, ld(y, yp + k * ys))).intoArray(o, q + k); }
            case NE -> { for (int k = 0; k < b; k += L) ones(ld(x, xp + k * xs).compare(VectorOperators.NE, ld(y, yp + k * ys))).intoArray(o, q + k); }
            case LT -> { for (int k = 0; k < b; k += L) ones(ld(x, xp + k * xs).compare(VectorOperators.LT, ld(y, yp + k * ys))).intoArray(o, q + k); }
            case LE -> { for (int k = 0; k < b; k += L) ones(ld(x, xp + k * xs).compare(VectorOperators.LE, ld(y, yp + k * ys))).intoArray(o, q + k); }
            case GT -> { for (int k = 0; k < b; k += L) ones(ld(x, xp + k * xs).compare(VectorOperators.GT, ld(y, yp + k * ys))).intoArray(o, q + k); }
            case GE -> { for (int k = 0; k < b; k += L) ones(ld(x, xp + k * xs).compare(VectorOperators.GE, ld(y, yp + k * ys))).intoArray(o, q + k); }
        }
    }

    private static FloatVector ones(VectorMask<Float> m) {
        return FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), m);
    }

    static void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        if (out.numel() == 0) return;
        cond = HostArrays.heap(cond);
        a = HostArrays.heap(a);
        b = HostArrays.heap(b);
        float[] c = cond.storage().array(), x = a.storage().array(), y = b.storage().array(), o = out.storage().array();
        var loop = new StridedLoop(out, cond, a, b);
        int os = loop.innerStrides[0], cs = loop.innerStrides[1], as = loop.innerStrides[2], bs = loop.innerStrides[3];
        loop.forEachChunk(GRAIN, (p, n) -> {
            for (int k = 0; k < n; k++) {
                o[p[0] + k * os] = c[p[1] + k * cs] != 0f ? x[p[2] + k * as] : y[p[3] + k * bs];
            }
        });
    }
}
