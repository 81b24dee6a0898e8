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
 * Transcendentals are {@link VectorMath}'s row functions (tails included), whose bits do not depend on the JIT tier.
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
            case NEG -> { for (int k = 0; k < b; k += L) FloatVector.fromArray(F, in, p + k).neg().intoArray(o, q + k); }
            case EXP -> { VectorMath.exp(in, p, o, q, n); return; }
            case LOG -> { VectorMath.log(in, p, o, q, n); return; }
            case SQRT -> { for (int k = 0; k < b; k += L) FloatVector.fromArray(F, in, p + k).sqrt().intoArray(o, q + k); }
            case RSQRT -> { for (int k = 0; k < b; k += L) { FloatVector x = FloatVector.fromArray(F, in, p + k); x.broadcast(1f).div(x.sqrt()).intoArray(o, q + k); } }
            case ABS -> { for (int k = 0; k < b; k += L) FloatVector.fromArray(F, in, p + k).abs().intoArray(o, q + k); }
            case TANH -> { VectorMath.tanh(in, p, o, q, n); return; }
            case SIGMOID -> { VectorMath.sigmoid(in, p, o, q, n); return; }
            case RELU -> { for (int k = 0; k < b; k += L) FloatVector.fromArray(F, in, p + k).max(0f).intoArray(o, q + k); }
            case GELU_TANH -> { VectorMath.geluTanh(in, p, o, q, n); return; }
            case GELU_ERF -> { VectorMath.geluErf(in, p, o, q, n); return; }
            case SILU -> { VectorMath.silu(in, p, o, q, n); return; }
            case RECIPROCAL -> { for (int k = 0; k < b; k += L) { FloatVector x = FloatVector.fromArray(F, in, p + k); x.broadcast(1f).div(x).intoArray(o, q + k); } }
            case SQUARE -> { for (int k = 0; k < b; k += L) { FloatVector x = FloatVector.fromArray(F, in, p + k); x.mul(x).intoArray(o, q + k); } }
        }
        for (int k = b; k < n; k++) o[q + k] = ScalarMath.apply(op, in[p + k]);
    }


    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (out.numel() == 0) return;
        a = HostArrays.heap(a);
        b = HostArrays.heap(b);
        float[] x = a.storage().array(), y = b.storage().array(), o = out.storage().array();
        var loop = new StridedLoop(out, a, b);
        int os = loop.innerStrides[0], as = loop.innerStrides[1], bs = loop.innerStrides[2];
        boolean vec = os == 1 && (as == 0 || as == 1) && (bs == 0 || bs == 1) && (!rowsOnly(op) || as == 1 && bs == 1);
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

    /** Ops computed by VectorMath's row functions, which read unit-stride runs only. */
    private static boolean rowsOnly(BinaryOp op) {
        return op == BinaryOp.GELU_TANH_GRAD || op == BinaryOp.GELU_ERF_GRAD || op == BinaryOp.SILU_GRAD;
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
            case ADD -> { for (int k = 0; k < b; k += L) FloatVector.fromArray(F, x, xp + k * xs).add(FloatVector.fromArray(F, y, yp + k * ys)).intoArray(o, q + k); }
            case SUB -> { for (int k = 0; k < b; k += L) FloatVector.fromArray(F, x, xp + k * xs).sub(FloatVector.fromArray(F, y, yp + k * ys)).intoArray(o, q + k); }
            case MUL -> { for (int k = 0; k < b; k += L) FloatVector.fromArray(F, x, xp + k * xs).mul(FloatVector.fromArray(F, y, yp + k * ys)).intoArray(o, q + k); }
            case DIV -> { for (int k = 0; k < b; k += L) FloatVector.fromArray(F, x, xp + k * xs).div(FloatVector.fromArray(F, y, yp + k * ys)).intoArray(o, q + k); }
            // no vector pow: lanewise(POW) rounds differently once C2 compiles it
            case POW -> { for (int k = 0; k < b; k++) o[q + k] = ScalarMath.apply(op, x[xp + k * xs], y[yp + k * ys]); }
            case MAX -> { for (int k = 0; k < b; k += L) FloatVector.fromArray(F, x, xp + k * xs).max(FloatVector.fromArray(F, y, yp + k * ys)).intoArray(o, q + k); }
            case MIN -> { for (int k = 0; k < b; k += L) FloatVector.fromArray(F, x, xp + k * xs).min(FloatVector.fromArray(F, y, yp + k * ys)).intoArray(o, q + k); }
            case EQ -> { for (int k = 0; k < b; k += L) ones(FloatVector.fromArray(F, x, xp + k * xs).compare(VectorOperators.EQ, FloatVector.fromArray(F, y, yp + k * ys))).intoArray(o, q + k); }
            case NE -> { for (int k = 0; k < b; k += L) ones(FloatVector.fromArray(F, x, xp + k * xs).compare(VectorOperators.NE, FloatVector.fromArray(F, y, yp + k * ys))).intoArray(o, q + k); }
            case LT -> { for (int k = 0; k < b; k += L) ones(FloatVector.fromArray(F, x, xp + k * xs).compare(VectorOperators.LT, FloatVector.fromArray(F, y, yp + k * ys))).intoArray(o, q + k); }
            case LE -> { for (int k = 0; k < b; k += L) ones(FloatVector.fromArray(F, x, xp + k * xs).compare(VectorOperators.LE, FloatVector.fromArray(F, y, yp + k * ys))).intoArray(o, q + k); }
            case GT -> { for (int k = 0; k < b; k += L) ones(FloatVector.fromArray(F, x, xp + k * xs).compare(VectorOperators.GT, FloatVector.fromArray(F, y, yp + k * ys))).intoArray(o, q + k); }
            case GE -> { for (int k = 0; k < b; k += L) ones(FloatVector.fromArray(F, x, xp + k * xs).compare(VectorOperators.GE, FloatVector.fromArray(F, y, yp + k * ys))).intoArray(o, q + k); }
            default -> derivativeRow(op, x, xp, xs, y, yp, ys, o, q, n);
        }
    }

    private static final FloatVector ZERO = FloatVector.zero(F), ONE = FloatVector.broadcast(F, 1f);

    /**
     * The activation derivatives a·f'(b), full vectors of one row: a method of their own, so that binaryRow stays
     * small enough for C2 to compile every loop with its vectors in registers (a larger one boxed them, measured).
     */
    private static void derivativeRow(BinaryOp op, float[] x, int xp, int xs, float[] y, int yp, int ys, float[] o, int q, int n) {
        int b = F.loopBound(n);
        switch (op) {
            case TANH_GRAD -> {
                for (int k = 0; k < b; k += L) { FloatVector v = FloatVector.fromArray(F, y, yp + k * ys); FloatVector.fromArray(F, x, xp + k * xs).mul(ONE.sub(v.mul(v))).intoArray(o, q + k); }
            }
            case SIGMOID_GRAD -> {
                for (int k = 0; k < b; k += L) { FloatVector v = FloatVector.fromArray(F, y, yp + k * ys); FloatVector.fromArray(F, x, xp + k * xs).mul(v).mul(ONE.sub(v)).intoArray(o, q + k); }
            }
            case RELU_GRAD -> {
                for (int k = 0; k < b; k += L) ZERO.blend(FloatVector.fromArray(F, x, xp + k * xs), FloatVector.fromArray(F, y, yp + k * ys).compare(VectorOperators.GT, ZERO)).intoArray(o, q + k);
            }
            // unit strides only (see rowsOnly); VectorMath's rows give the bits of ScalarMath's tails
            case GELU_TANH_GRAD -> VectorMath.geluTanhGrad(x, xp, y, yp, o, q, b);
            case GELU_ERF_GRAD -> VectorMath.geluErfGrad(x, xp, y, yp, o, q, b);
            case SILU_GRAD -> VectorMath.siluGrad(x, xp, y, yp, o, q, b);
            default -> throw new IllegalArgumentException("derivativeRow: " + op + " is not a derivative");
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
