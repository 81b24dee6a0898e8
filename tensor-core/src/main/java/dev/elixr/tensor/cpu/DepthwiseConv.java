package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.backend.Conv2dParams;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 2-D convolution (groups = C, one KH×KW filter per output channel, as in MobileNet/EfficientNet's
 * MBConv blocks, Tan and Le 2019 §3), with channel multiplier M = O/C ≥ 1 (output channel c·M + m reads
 * input channel c; M &gt; 1 with C = 1 is a plain single-channel stem, e.g. ELIXR-C's first conv), computed
 * directly: memory bound, so each input plane is read once and each output plane written once.
 *
 * <p>Blocking and vectors: per (image, input channel) plane, in parallel, the plane is copied once into a
 * zero-padded scratch split into {@code stride} column phases (phase φ holds padded columns φ, φ+s, φ+2s,
 * ...), so that for every tap (ky, kx) the inputs of VL adjacent outputs are VL adjacent floats of one phase
 * (unit-stride vector loads, no gathers, no bounds tests: padding is real zeros). The M filters of that
 * channel then sweep the same scratch (it stays in L1/L2). Each output vector accumulates KH·KW FMAs in a
 * register (bias first; four output vectors at a time, so that four independent FMA chains hide the FMA
 * latency) and is stored once; the last vector of a row is shifted back to end at the row's end (no masked
 * stores; the overlap is recomputed with the same bits). Rows narrower than one vector run a scalar loop.
 * The bits depend on neither the thread count nor the plane order. {@link #conv2dPlain} is the plain loop
 * this kernel replaced, kept as its reference.
 */
public final class DepthwiseConv {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int VL = S.length();

    private DepthwiseConv() {}

    /** True when the convolution is depthwise: one input channel per group, O a multiple of C (what this kernel computes). */
    public static boolean applies(int c, int o, Conv2dParams p) { return p.groups() == c && o % c == 0; }

    /** x [n, c, h, w], weight [c, 1, kh, kw], bias [c] or null → out [n, c, oh, ow] (overwritten). */
    public static void conv2d(float[] x, int xOff, int n, int c, int h, int w,
                              float[] weight, int wOff, int kh, int kw, float[] bias, int biasOff,
                              Conv2dParams p, float[] out, int outOff) {
        conv2d(x, xOff, n, c, h, w, weight, wOff, c, kh, kw, bias, biasOff, p, out, outOff);
    }

    /** x [n, c, h, w], weight [o, 1, kh, kw] with o = c·M, bias [o] or null → out [n, o, oh, ow] (overwritten). */
    public static void conv2d(float[] x, int xOff, int n, int c, int h, int w,
                              float[] weight, int wOff, int o, int kh, int kw, float[] bias, int biasOff,
                              Conv2dParams p, float[] out, int outOff) {
        if (!applies(c, o, p))
            throw new IllegalArgumentException("depthwise conv2d: groups " + p.groups() + " must equal the channels " + c
                    + " and the output channels " + o + " must be a multiple of them");
        int oh = Conv2dParams.outSize(h, kh, p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(w, kw, p.strideW(), p.padW(), p.dilationW());
        if (oh <= 0 || ow <= 0)
            throw new IllegalArgumentException("depthwise conv2d: input " + h + "x" + w + " is smaller than the kernel " + kh + "x" + kw);
        int m = o / c, sw = p.strideW(), hp = h + 2 * p.padH(), wq = (w + 2 * p.padW() + sw - 1) / sw;
        int scratch = sw * hp * wq + VL + kw * p.dilationW();
        Parallel.forRange(n * c, 1, (s, e) -> {
            float[] buf = new float[scratch];
            for (int plane = s; plane < e; plane++) {
                int ni = plane / c, ci = plane % c;
                pad(x, xOff + plane * h * w, h, w, p, wq, buf);
                for (int mi = 0; mi < m; mi++) {
                    int oc = ci * m + mi;
                    float b = bias == null ? 0f : bias[biasOff + oc];
                    convolvePlane(buf, hp, wq, weight, wOff + oc * kh * kw, kh, kw, b, p, out, outOff + (ni * o + oc) * oh * ow, oh, ow);
                }
            }
        });
    }

    /**
     * The plain direct loop (one output at a time, bounds tested per tap, bias added last), the reference of
     * {@link #conv2d}: same arguments and layout.
     */
    public static void conv2dPlain(float[] x, int xOff, int n, int c, int h, int w,
                                   float[] weight, int wOff, int o, int kh, int kw, float[] bias, int biasOff,
                                   Conv2dParams p, float[] out, int outOff) {
        int m = o / c;
        int oh = Conv2dParams.outSize(h, kh, p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(w, kw, p.strideW(), p.padW(), p.dilationW());
        for (int plane = 0; plane < n * o; plane++) {
            int ni = plane / o, oc = plane % o, ic = oc / m;
            int xb = xOff + (ni * c + ic) * h * w, wb = wOff + oc * kh * kw, ob = outOff + plane * oh * ow;
            for (int y = 0; y < oh; y++)
                for (int xx = 0; xx < ow; xx++) {
                    float acc = 0f;
                    for (int i = 0; i < kh; i++) {
                        int iy = y * p.strideH() - p.padH() + i * p.dilationH();
                        if (iy < 0 || iy >= h) continue;
                        for (int j = 0; j < kw; j++) {
                            int ix = xx * p.strideW() - p.padW() + j * p.dilationW();
                            if (ix >= 0 && ix < w) acc += x[xb + iy * w + ix] * weight[wb + i * kw + j];
                        }
                    }
                    out[ob + y * ow + xx] = bias == null ? acc : acc + bias[biasOff + oc];
                }
        }
    }

    /**
     * buf[φ][r][j] = x[r − ph][j·s + φ − pw]. Only cells inside the image are written: the padding cells
     * are the same for every plane, so they stay zero from the buffer's allocation.
     */
    private static void pad(float[] x, int xOff, int h, int w, Conv2dParams p, int wq, float[] buf) {
        int sw = p.strideW(), ph = p.padH(), pw = p.padW(), hp = h + 2 * ph;
        for (int iy = 0; iy < h; iy++) {
            int src = xOff + iy * w, r = iy + ph;
            if (sw == 1) {
                System.arraycopy(x, src, buf, r * wq + pw, w);
                continue;
            }
            for (int phase = 0; phase < sw; phase++) {
                int dst = (phase * hp + r) * wq;
                int j0 = Math.max(0, (pw - phase + sw - 1) / sw); // first j with j·s + φ − pw ≥ 0
                for (int j = j0, ix = j0 * sw + phase - pw; j < wq && ix < w; j++, ix += sw) buf[dst + j] = x[src + ix];
            }
        }
    }

    private static void convolvePlane(float[] buf, int hp, int wq, float[] wt, int wOff, int kh, int kw, float bias,
                                      Conv2dParams p, float[] out, int outOff, int oh, int ow) {
        int sh = p.strideH(), sw = p.strideW(), taps = kh * kw;
        int[] tap = new int[taps]; // offset of tap (ky, kx) from the scratch position of output (oy, ox)
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++) {
                int cx = kx * p.dilationW();
                tap[ky * kw + kx] = ((cx % sw) * hp + ky * p.dilationH()) * wq + cx / sw;
            }
        FloatVector bv = FloatVector.broadcast(S, bias);
        if (ow < VL) { // narrower than one vector: scalar
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    float acc = bias;
                    for (int t = 0; t < taps; t++) acc += buf[oy * sh * wq + ox + tap[t]] * wt[wOff + t];
                    out[outOff + oy * ow + ox] = acc;
                }
            return;
        }
        // output vectors numbered q = oy·nv + i (the last of a row moved back to end at ow); four independent
        // FMA chains per pass, so that FMA latency is hidden whatever the row width (recomputed duplicates at
        // the very end write the same values)
        int nv = (ow + VL - 1) / VL, total = oh * nv, rowStep = sh * wq;
        for (int q = 0; q < total; q += 4) {
            int q1 = Math.min(q + 1, total - 1), q2 = Math.min(q + 2, total - 1), q3 = Math.min(q + 3, total - 1);
            int x0 = Math.min(q % nv * VL, ow - VL), x1 = Math.min(q1 % nv * VL, ow - VL);
            int x2 = Math.min(q2 % nv * VL, ow - VL), x3 = Math.min(q3 % nv * VL, ow - VL);
            int s0 = q / nv * rowStep + x0, s1 = q1 / nv * rowStep + x1, s2 = q2 / nv * rowStep + x2, s3 = q3 / nv * rowStep + x3;
            FloatVector a0 = bv, a1 = bv, a2 = bv, a3 = bv;
            for (int t = 0; t < taps; t++) {
                FloatVector wv = FloatVector.broadcast(S, wt[wOff + t]);
                int d = tap[t];
                a0 = FloatVector.fromArray(S, buf, s0 + d).fma(wv, a0);
                a1 = FloatVector.fromArray(S, buf, s1 + d).fma(wv, a1);
                a2 = FloatVector.fromArray(S, buf, s2 + d).fma(wv, a2);
                a3 = FloatVector.fromArray(S, buf, s3 + d).fma(wv, a3);
            }
            a0.intoArray(out, outOff + q / nv * ow + x0);
            a1.intoArray(out, outOff + q1 / nv * ow + x1);
            a2.intoArray(out, outOff + q2 / nv * ow + x2);
            a3.intoArray(out, outOff + q3 / nv * ow + x3);
        }
    }
}
