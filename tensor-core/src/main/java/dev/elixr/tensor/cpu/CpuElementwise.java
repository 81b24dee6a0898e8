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
 * run on vectors; any other stride runs the scalar loop.
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

    static void unaryContiguous(UnaryOp op, float[] in, int ip, float[] o, int op0, int n) {
        int k = 0;
        for (int bound = F.loopBound(n); k < bound; k += L) {
            apply(op, FloatVector.fromArray(F, in, ip + k)).intoArray(o, op0 + k);
        }
        for (; k < n; k++) o[op0 + k] = ScalarMath.apply(op, in[ip + k]);
    }

    static FloatVector apply(UnaryOp op, FloatVector x) {
        return switch (op) {
            case NEG -> x.neg();
            case EXP -> x.lanewise(VectorOperators.EXP);
            case LOG -> x.lanewise(VectorOperators.LOG);
            case SQRT -> x.sqrt();
            case RSQRT -> x.broadcast(1f).div(x.sqrt());
            case ABS -> x.abs();
            case TANH -> x.lanewise(VectorOperators.TANH);
            case SIGMOID -> sigmoid(x);
            case RELU -> x.max(0f);
            case GELU_TANH -> {
                FloatVector inner = x.mul(x).mul(ScalarMath.GELU_C).add(1f).mul(x).mul(ScalarMath.SQRT_2_OVER_PI);
                yield inner.lanewise(VectorOperators.TANH).add(1f).mul(x).mul(0.5f);
            }
            case GELU_ERF -> erf(x.mul(ScalarMath.INV_SQRT2)).add(1f).mul(x).mul(0.5f);
            case SILU -> x.mul(sigmoid(x));
            case RECIPROCAL -> x.broadcast(1f).div(x);
            case SQUARE -> x.mul(x);
        };
    }

    private static FloatVector sigmoid(FloatVector x) {
        return x.broadcast(1f).div(x.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    /** Abramowitz & Stegun 7.1.26, as {@link ScalarMath#erf}. */
    static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector t = x.broadcast(1f).div(ax.mul(ScalarMath.P).add(1f));
        FloatVector poly = t.mul(ScalarMath.A5).add(ScalarMath.A4).mul(t).add(ScalarMath.A3).mul(t).add(ScalarMath.A2)
                .mul(t).add(ScalarMath.A1).mul(t);
        FloatVector y = x.broadcast(1f).sub(poly.mul(ax.mul(ax).neg().lanewise(VectorOperators.EXP)));
        return y.blend(y.neg(), x.lt(0f));
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
            if (vec) binaryRow(op, x, p[1], as, y, p[2], bs, o, p[0], n);
            else for (int k = 0; k < n; k++) o[p[0] + k * os] = ScalarMath.apply(op, x[p[1] + k * as], y[p[2] + k * bs]);
        });
    }

    /** One unit-stride output row; each input is unit-stride (1) or a broadcast scalar (0). */
    private static void binaryRow(BinaryOp op, float[] x, int xp, int xs, float[] y, int yp, int ys, float[] o, int p, int n) {
        int k = 0;
        FloatVector xb = xs == 0 ? FloatVector.broadcast(F, x[xp]) : null;
        FloatVector yb = ys == 0 ? FloatVector.broadcast(F, y[yp]) : null;
        for (int bound = F.loopBound(n); k < bound; k += L) {
            FloatVector va = xb != null ? xb : FloatVector.fromArray(F, x, xp + k);
            FloatVector vb = yb != null ? yb : FloatVector.fromArray(F, y, yp + k);
            apply(op, va, vb).intoArray(o, p + k);
        }
        for (; k < n; k++) o[p + k] = ScalarMath.apply(op, x[xp + k * xs], y[yp + k * ys]);
    }

    static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case POW -> a.pow(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case EQ -> ones(a.compare(VectorOperators.EQ, b));
            case NE -> ones(a.compare(VectorOperators.NE, b));
            case LT -> ones(a.compare(VectorOperators.LT, b));
            case LE -> ones(a.compare(VectorOperators.LE, b));
            case GT -> ones(a.compare(VectorOperators.GT, b));
            case GE -> ones(a.compare(VectorOperators.GE, b));
        };
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
