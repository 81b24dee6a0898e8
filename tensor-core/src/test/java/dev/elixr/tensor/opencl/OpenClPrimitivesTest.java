package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.backend.BinaryOp;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.Extremum;
import dev.elixr.tensor.backend.PoolMode;
import dev.elixr.tensor.backend.SoftmaxMode;
import dev.elixr.tensor.backend.ReduceOp;
import dev.elixr.tensor.backend.UnaryOp;
import dev.elixr.tensor.reference.Conv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each Backend primitive on the device against a plain float64 loop written here, on odd sizes and strided views. */
class OpenClPrimitivesTest {
    static Device dev;
    static Backend be;

    @BeforeAll
    static void device() {
        dev = OpenClTestDevice.require();
        be = Backends.forDevice(dev);
    }

    private static Tensor out(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return new Tensor(be.allocate(n), shape);
    }

    private static void close(double want, float got, double tol, String what) {
        assertEquals(want, got, tol * Math.max(1, Math.abs(want)), what);
    }

    static double unaryRef(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1 / Math.sqrt(x);
            case ABS -> Math.abs(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case RELU -> Math.max(0, x);
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case GELU_ERF -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case SILU -> x / (1 + Math.exp(-x));
            case RECIPROCAL -> 1 / x;
            case SQUARE -> x * x;
        };
    }

    /** Abramowitz–Stegun 7.1.26 is too coarse; use a series/continued expansion accurate to 1e-12. */
    static double erf(double x) {
        double t = Math.abs(x);
        double sum = t, term = t, x2 = t * t;
        for (int n = 1; n < 200; n++) {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17) break;
        }
        double r = 2 / Math.sqrt(Math.PI) * sum;
        return x < 0 ? -r : r;
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryOnTransposedView(UnaryOp op) {
        Tensor h = Tensor.uniform(new java.util.SplittableRandom(op.ordinal()), 0.1f, 3f, 37, 29);
        if (op == UnaryOp.NEG || op == UnaryOp.TANH || op == UnaryOp.GELU_TANH || op == UnaryOp.GELU_ERF || op == UnaryOp.SILU
                || op == UnaryOp.RELU || op == UnaryOp.ABS || op == UnaryOp.SIGMOID) {
            h = Tensor.uniform(new java.util.SplittableRandom(op.ordinal()), -4f, 4f, 37, 29);
        }
        Tensor o = out(29, 37);
        be.unary(op, h.to(dev).t(), o);
        float[] got = o.toFloatArray();
        for (int i = 0; i < 29; i++)
            for (int j = 0; j < 37; j++) close(unaryRef(op, h.get(j, i)), got[i * 37 + j], 2e-6, op + " at " + i + "," + j);
    }

    static double binaryRef(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case TANH_GRAD -> a * (1 - b * b);
            case SIGMOID_GRAD -> a * b * (1 - b);
            case RELU_GRAD -> b > 0 ? a : 0;
            case GELU_TANH_GRAD -> {
                double k = Math.sqrt(2 / Math.PI), t = Math.tanh(k * (b + 0.044715 * b * b * b));
                yield a * (0.5 * (1 + t) + 0.5 * b * (1 - t * t) * k * (1 + 3 * 0.044715 * b * b));
            }
            case GELU_ERF_GRAD -> a * (0.5 * (1 + erf(b / Math.sqrt(2))) + b * Math.exp(-0.5 * b * b) / Math.sqrt(2 * Math.PI));
            case SILU_GRAD -> { double s = 1 / (1 + Math.exp(-b)); yield a * s * (1 + b * (1 - s)); }
        };
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryBroadcast(BinaryOp op) {
        var rng = new java.util.SplittableRandom(100 + op.ordinal());
        // integers in [1, 4] so comparisons see ties; a [5,1,7], b [3,1]
        Tensor a = Tensor.uniform(rng, 1, 5, 5, 1, 7), b = Tensor.uniform(rng, 1, 5, 3, 1);
        float[] ad = a.toFloatArray(), bd = b.toFloatArray();
        for (int i = 0; i < ad.length; i++) ad[i] = (float) Math.floor(ad[i]);
        for (int i = 0; i < bd.length; i++) bd[i] = (float) Math.floor(bd[i]);
        a = Tensor.of(ad, 5, 1, 7);
        b = Tensor.of(bd, 3, 1);
        Tensor o = out(5, 3, 7);
        be.binary(op, a.to(dev).expand(5, 3, 7), b.to(dev).expand(5, 3, 7), o);
        float[] got = o.toFloatArray();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 7; k++) close(binaryRef(op, a.get(i, 0, k), b.get(j, 0)), got[(i * 3 + j) * 7 + k], 1e-6, op.toString());
    }

    @Test
    void whereSelects() {
        Tensor c = Tensor.of(new float[] {1, 0, 0, 1, 1, 0}, 2, 3), a = Tensor.randn(1, 2, 3), b = Tensor.randn(2, 3);
        Tensor o = out(2, 3);
        be.where(c.to(dev), a.to(dev), b.to(dev).expand(2, 3), o);
        float[] got = o.toFloatArray();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++) assertEquals(c.get(i, j) != 0 ? a.get(i, j) : b.get(j), got[i * 3 + j]);
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reduceLongAndShortAxes(ReduceOp op) {
        Tensor x = Tensor.randn(3 + op.ordinal(), 4, 513, 3);
        for (int[] axes : new int[][] {{1}, {2}, {0, 2}, {0, 1, 2}}) {
            int[] os = {4, 513, 3};
            for (int a : axes) os[a] = 1;
            Tensor o = out(os);
            be.reduce(op, x.to(dev), axes, o);
            float[] got = o.toFloatArray();
            for (int i = 0; i < got.length; i++) {
                int[] idx = {i / (os[1] * os[2]), (i / os[2]) % os[1], i % os[2]};
                double acc = op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : op == ReduceOp.MIN ? Double.POSITIVE_INFINITY : 0;
                int cnt = 0;
                for (int p = 0; p < 4; p++)
                    for (int q = 0; q < 513; q++)
                        for (int r = 0; r < 3; r++) {
                            int[] at = {p, q, r};
                            boolean in = true;
                            for (int d = 0; d < 3; d++) if (os[d] != 1 && at[d] != idx[d]) in = false;
                            for (int d = 0; d < 3; d++) if (os[d] == 1 && !contains(axes, d) && at[d] != idx[d]) in = false;
                            if (!in) continue;
                            double v = x.get(p, q, r);
                            cnt++;
                            acc = switch (op) {
                                case SUM, MEAN -> acc + v;
                                case MAX -> Math.max(acc, v);
                                case MIN -> Math.min(acc, v);
                            };
                        }
                if (op == ReduceOp.MEAN) acc /= cnt;
                assertEquals(acc, got[i], 1e-4, op + " over " + java.util.Arrays.toString(axes) + " at " + i);
            }
        }
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void argReduceFindsFirstExtreme(boolean max) {
        Tensor x = Tensor.of(new float[] {1, 5, 5, 0, 2, 0, 7, 7, 7, -1, 3, 3}, 3, 4).t(); // [4,3]
        Tensor o = out(1, 3);
        be.argReduce(max ? Extremum.MAX : Extremum.MIN, x.to(dev), 0, o);
        float[] got = o.toFloatArray();
        float[] want = max ? new float[] {1, 2, 0} : new float[] {3, 1, 1};
        for (int i = 0; i < 3; i++) assertEquals(want[i], got[i], "column " + i);
    }

    @Test
    void logSoftmaxOverLastAxisOfView() {
        Tensor x = Tensor.randn(5, 300, 4).t(); // [4,300]
        Tensor o = out(4, 300);
        be.softmax(SoftmaxMode.LOG_SOFTMAX, x.to(dev), 1, o);
        float[] got = o.toFloatArray();
        for (int i = 0; i < 4; i++) {
            double m = Double.NEGATIVE_INFINITY, z = 0;
            for (int j = 0; j < 300; j++) m = Math.max(m, x.get(i, j));
            for (int j = 0; j < 300; j++) z += Math.exp(x.get(i, j) - m);
            for (int j = 0; j < 300; j++) close(x.get(i, j) - m - Math.log(z), got[i * 300 + j], 1e-5, "logsoftmax");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void layerAndRmsNorm(boolean affine) {
        int rows = 6, n = 77;
        Tensor x = Tensor.randn(6, rows, n), g = Tensor.randn(7, n), b = Tensor.randn(8, n);
        Tensor o = out(rows, n), r = out(rows, n);
        be.layerNorm(x.to(dev), affine ? g.to(dev) : null, affine ? b.to(dev) : null, 1e-5f, o);
        be.rmsNorm(x.to(dev), affine ? g.to(dev) : null, 1e-6f, r);
        float[] lo = o.toFloatArray(), ro = r.toFloatArray();
        for (int i = 0; i < rows; i++) {
            double mean = 0, var = 0, ms = 0;
            for (int j = 0; j < n; j++) mean += x.get(i, j);
            mean /= n;
            for (int j = 0; j < n; j++) {
                var += Math.pow(x.get(i, j) - mean, 2);
                ms += Math.pow(x.get(i, j), 2);
            }
            var /= n;
            ms /= n;
            for (int j = 0; j < n; j++) {
                double ln = (x.get(i, j) - mean) / Math.sqrt(var + 1e-5), rn = x.get(i, j) / Math.sqrt(ms + 1e-6);
                if (affine) {
                    ln = ln * g.get(j) + b.get(j);
                    rn *= g.get(j);
                }
                close(ln, lo[i * n + j], 1e-5, "layerNorm");
                close(rn, ro[i * n + j], 1e-5, "rmsNorm");
            }
        }
    }

    @Test
    void batchedMatmulBroadcastsBatch() {
        int m = 65, k = 17, n = 66;
        Tensor a = Tensor.randn(9, 3, m, k), b = Tensor.randn(10, k, n);
        Tensor o = out(3, m, n);
        be.matmul(a.to(dev), b.to(dev).expand(3, k, n), o);
        float[] got = o.toFloatArray();
        for (int z = 0; z < 3; z++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int l = 0; l < k; l++) s += (double) a.get(z, i, l) * b.get(l, j);
                    assertEquals(s, got[(z * m + i) * n + j], 1e-4);
                }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 6})
    void conv2dMatchesLoops(int groups) {
        int n = 2, c = 6, h = 11, wd = 9, o = 6, kh = 3, kw = 2;
        var p = new Conv2dParams(2, 1, 1, 0, 1, 2, groups);
        Tensor x = Tensor.randn(20 + groups, n, c, h, wd), w = Tensor.randn(30, o, c / groups, kh, kw), bias = Tensor.randn(40, o);
        int oh = Conv2dParams.outSize(h, kh, 2, 1, 1), ow = Conv2dParams.outSize(wd, kw, 1, 0, 2);
        Tensor out = out(n, o, oh, ow);
        be.conv2d(x.to(dev), w.to(dev), bias.to(dev), p, out);
        float[] got = out.toFloatArray();
        float[] want = Conv.conv2d(x, w, bias, p).toFloatArray();  // the float64 defining sum
        assertEquals(want.length, got.length, "conv2d output size");
        for (int i = 0; i < want.length; i++) close(want[i], got[i], 1e-5, "conv2d groups " + groups + " at " + i);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void pool2dMatchesLoops(boolean max) {
        Tensor x = Tensor.randn(50, 2, 3, 9, 8);
        var p = Conv2dParams.of(2, 1, 1, 1);
        int oh = Conv2dParams.outSize(9, 3, 2, 1, 1), ow = Conv2dParams.outSize(8, 3, 2, 1, 1);
        Tensor o = out(2, 3, oh, ow);
        be.pool2d(max ? PoolMode.MAX : PoolMode.AVERAGE, x.to(dev), 3, 3, p, o);
        float[] got = o.toFloatArray();
        for (int b = 0; b < 2; b++)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < oh; y++)
                    for (int xx = 0; xx < ow; xx++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int i = 0; i < 3; i++)
                            for (int j = 0; j < 3; j++) {
                                int iy = y * 2 - 1 + i, ix = xx * 2 - 1 + j;
                                if (iy < 0 || iy >= 9 || ix < 0 || ix >= 8) continue;
                                acc = max ? Math.max(acc, x.get(b, c, iy, ix)) : acc + x.get(b, c, iy, ix);
                            }
                        if (!max) acc /= 9;
                        close(acc, got[((b * 3 + c) * oh + y) * ow + xx], 1e-6, "pool");
                    }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void attentionWithMaskAndCausal(boolean causal) {
        int b = 2, h = 3, tq = 5, tk = 7, d = 4;
        Tensor q = Tensor.randn(60, b, tq, h, d).permute(0, 2, 1, 3), k = Tensor.randn(61, b, h, tk, d), v = Tensor.randn(62, b, h, tk, d);
        Tensor mask = Tensor.randn(63, tq, tk);
        float scale = 0.37f;
        Tensor o = out(b, h, tq, d);
        be.attention(q.to(dev).permute(0, 1, 2, 3), k.to(dev), v.to(dev), mask.to(dev), causal, scale, o);
        float[] got = o.toFloatArray();
        for (int z = 0; z < b; z++)
            for (int y = 0; y < h; y++)
                for (int i = 0; i < tq; i++) {
                    double[] s = new double[tk];
                    double m = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        double dot = 0;
                        for (int e = 0; e < d; e++) dot += (double) q.get(z, y, i, e) * k.get(z, y, j, e);
                        s[j] = causal && j > i + tk - tq ? Double.NEGATIVE_INFINITY : dot * scale + mask.get(i, j);
                        m = Math.max(m, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < tk; j++) sum += s[j] = Math.exp(s[j] - m);
                    for (int e = 0; e < d; e++) {
                        double acc = 0;
                        for (int j = 0; j < tk; j++) acc += s[j] / sum * v.get(z, y, j, e);
                        close(acc, got[((z * h + y) * tq + i) * d + e], 1e-5, "attention");
                    }
                }
    }

    @Test
    void gatherRowsOfStridedTable() {
        Tensor table = Tensor.randn(70, 4, 10).t(); // [10,4] transposed view
        int[] ids = {3, 0, 9, 3, 7};
        Tensor o = out(5, 4);
        be.gather(table.to(dev).contiguous().t().t(), ids, o);
        float[] got = o.toFloatArray();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 4; j++) assertEquals(table.get(ids[i], j), got[i * 4 + j]);
        Tensor o2 = out(5, 4);
        be.gather(Tensor.randn(70, 4, 10).to(dev).t(), ids, o2);
        float[] got2 = o2.toFloatArray();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 4; j++) assertEquals(table.get(ids[i], j), got2[i * 4 + j]);
    }

    @Test
    void gatherRejectsBadIndex() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                () -> be.gather(Tensor.zeros(3, 2).to(dev), new int[] {1, 3}, out(2, 2)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("index 3"), e.getMessage());
    }
}
