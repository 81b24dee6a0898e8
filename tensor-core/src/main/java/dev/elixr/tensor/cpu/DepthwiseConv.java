package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.backend.Conv2dParams;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 2-D convolution (groups = C, one KH×KW filter per output channel, as in MobileNet/EfficientNet's
 * MBConv blocks, Tan and Le 2019 §3), with channel multiplier M = O/C ≥ 1 (output channel c·M + m reads
 * input channel c; M &gt; 1 with C = 1 is a plain single-channel stem, e.g. ELIXR-C's first conv), computed
 * directly: memory bound, so each input plane is read once and each output plane written once, with the
 * {@link ConvEpilogue} (folded batch norm or bias, then SiLU or another activation) applied on the way out.
 *
 * <p>Blocking and vectors: per (image, input channel) plane, in parallel, the plane is copied once into a
 * zero-padded scratch split into SH×SW phase planes (phase (φy, φx) holds padded cells (r·SH + φy, j·SW + φx)),
 * each HQ×WQ. In every phase plane, output (oy, ox)'s tap (ky, kx) sits at flat index oy·WQ + ox + a constant of
 * the tap: every tap a unit-stride vector load, no gathers, no bounds tests (padding is real zeros). At stride 1
 * without dilation, 3×3 and 5×5 filters on planes of seven rows or more whose rows fill at least three quarters of a
 * vector (most of EfficientNet's, 14×14 on 16 lanes included) go to {@link DepthwiseColumns} (blocks of four or seven output
 * rows × one vector, each loaded input vector reused across the rows, the padded plane filled row by row as the blocks
 * reach it instead of copied whole up front). Otherwise four output vectors are blocked per
 * pass: each tap's weight is broadcast once for four independent FMA chains, which hide the FMA latency (with a
 * channel multiplier of four or more, {@link #convolveRows4}: two output vectors of four filters a pass, each input load
 * feeding four chains; ELIXR-C's 1 → 16 stem, batch 32 at 96×96, one thread on AVX2: 1.2 ms against 1.65). Rows at least one vector wide are covered by vectors
 * starting at oy·WQ + x0 (the last of a row shifted back to end at OW), each scaled and shifted in registers and stored straight into the output, whose plane then gets
 * its activation in place while still in L1/L2 (an activation inlined into the tap loop leaves C2 over its inlining
 * budget: the vectors get boxed). Narrower rows (7×7, 14×14 planes on 16 lanes) are computed as one flat run
 * f = oy·WQ + ox over [0, OH·WQ) (columns OW..WQ−1 of each row computed and dropped), so that they fill whole vectors
 * too; the run lands in a per-thread buffer whose rows are closed up to OW columns in place, and the epilogue then
 * passes over the plane on its way to the output. The M filters of a channel
 * sweep the same scratch (it stays in L1/L2). The bits depend on neither the thread count nor the plane order.
 * {@link #conv2dPlain} is the plain loop, kept as the reference.
 */
public final class DepthwiseConv {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int VL = S.length(), BLOCK = 4 * VL;

    private DepthwiseConv() {}

    /** True when the convolution is depthwise: one input channel per group, O a multiple of C (what this kernel computes). */
    public static boolean applies(int c, int o, Conv2dParams p) { return p.groups() == c && o % c == 0; }

    /** The stride-1 block shapes this machine's kernels use and why (printed by {@code elixr info}). */
    public static String blocks() { return DepthwiseColumns.describe(); }

    /** x [n, c, h, w], weight [c, 1, kh, kw], bias [c] or null → out [n, c, oh, ow] (overwritten). */
    public static void conv2d(float[] x, int xOff, int n, int c, int h, int w,
                              float[] weight, int wOff, int kh, int kw, float[] bias, int biasOff,
                              Conv2dParams p, float[] out, int outOff) {
        conv2d(x, xOff, n, c, h, w, weight, wOff, c, kh, kw, ConvEpilogue.bias(bias, biasOff), p, out, outOff);
    }

    /** x [n, c, h, w], weight [o, 1, kh, kw] with o = c·M, bias [o] or null → out [n, o, oh, ow] (overwritten). */
    public static void conv2d(float[] x, int xOff, int n, int c, int h, int w,
                              float[] weight, int wOff, int o, int kh, int kw, float[] bias, int biasOff,
                              Conv2dParams p, float[] out, int outOff) {
        conv2d(x, xOff, n, c, h, w, weight, wOff, o, kh, kw, ConvEpilogue.bias(bias, biasOff), p, out, outOff);
    }

    /** As above with the epilogue ep applied to every output plane (channel oc: ep's entries at oc). */
    public static void conv2d(float[] x, int xOff, int n, int c, int h, int w,
                              float[] weight, int wOff, int o, int kh, int kw, ConvEpilogue ep,
                              Conv2dParams p, float[] out, int outOff) {
        if (!applies(c, o, p))
            throw new IllegalArgumentException("depthwise conv2d: groups " + p.groups() + " must equal the channels " + c
                    + " and the output channels " + o + " must be a multiple of them");
        int oh = Conv2dParams.outSize(h, kh, p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(w, kw, p.strideW(), p.padW(), p.dilationW());
        if (oh <= 0 || ow <= 0)
            throw new IllegalArgumentException("depthwise conv2d: input " + h + "x" + w + " is smaller than the kernel " + kh + "x" + kw);
        Phases q = new Phases(h, w, kh, kw, p);
        int m = o / c, run = (oh * q.wq + BLOCK - 1) / BLOCK * BLOCK;
        int[] tap = q.taps();
        int scratch = q.floats() + run + VL; // reads reach at most the last phase's end plus one block past the run
        boolean rows = ow >= VL;
        boolean columns = DepthwiseColumns.applies(kh, kw, oh, ow, p);
        Parallel.forRange(n * c, Math.max(1, 4096 / Math.max(1, h * w)), (s, e) -> {
            float[] buf = new float[scratch], flat = rows ? null : new float[run];
            for (int plane = s; plane < e; plane++) {
                int ni = plane / c, ci = plane % c;
                if (!columns) q.pad(x, xOff + plane * h * w, buf); // the column kernel pads row by row as it goes
                for (int mi = 0; mi < m; mi++) {
                    int oc = ci * m + mi;
                    int dst = outOff + (ni * o + oc) * oh * ow;
                    if (rows && !columns && mi + 4 <= m) { // four filters a pass: each loaded input vector feeds four FMA chains
                        convolveRows4(buf, weight, wOff + oc * kh * kw, tap, q.wq, oh, ow, ep, oc, out, dst);
                        mi += 3;
                        continue;
                    }
                    if (columns) {
                        DepthwiseColumns.plane(x, xOff + plane * h * w, q, mi == 0, buf, weight, wOff + oc * kh * kw,
                                kh, kw, oh, ow, ep, oc, out, dst);
                        continue;
                    }
                    if (rows) {
                        convolveRows(buf, weight, wOff + oc * kh * kw, tap, q.wq, oh, ow, ep, oc, out, dst);
                        continue;
                    }
                    convolveFlat(buf, weight, wOff + oc * kh * kw, tap, flat, run);
                    for (int oy = 1; oy < oh && ow < q.wq; oy++) System.arraycopy(flat, oy * q.wq, flat, oy * ow, ow); // drop columns ≥ OW
                    ep.apply(flat, 0, out, dst, oh * ow, oc);
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
     * The zero-padded input split into SH×SW phase planes of HQ×WQ cells: cell (φy, φx, r, j) holds padded cell
     * (r·SH + φy, j·SW + φx), i.e. x[r·SH + φy − PH][j·SW + φx − PW] (0 outside the image).
     */
    record Phases(int h, int w, int sh, int sw, int ph, int pw, int hq, int wq, int kh, int kw, int dh, int dw) {
        Phases(int h, int w, int kh, int kw, Conv2dParams p) {
            this(h, w, p.strideH(), p.strideW(), p.padH(), p.padW(),
                    Math.ceilDiv(h + 2 * p.padH(), p.strideH()), Math.ceilDiv(w + 2 * p.padW(), p.strideW()),
                    kh, kw, p.dilationH(), p.dilationW());
        }

        int floats() { return sh * sw * hq * wq; }

        /** Flat offset of tap (ky, kx) from output (oy, ox)'s flat index oy·WQ + ox. */
        int[] taps() {
            int[] t = new int[kh * kw];
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++) {
                    int cy = ky * dh, cx = kx * dw;
                    t[ky * kw + kx] = ((cy % sh * sw + cx % sw) * hq + cy / sh) * wq + cx / sw;
                }
            return t;
        }

        /**
         * Writes the plane at x[xOff] into buf's in-image cells. The padding cells are the same for every plane, so they
         * stay zero from the buffer's allocation.
         */
        void pad(float[] x, int xOff, float[] buf) { padRows(x, xOff, buf, 0, h); }

        /** {@link #pad} for the input rows [iy0, iy1) only. */
        void padRows(float[] x, int xOff, float[] buf, int iy0, int iy1) {
            if (sh == 1 && sw == 1) { // one phase: no divisions per row
                for (int iy = iy0; iy < iy1; iy++) copyRow(x, xOff + iy * w, buf, (iy + ph) * wq + pw, w);
                return;
            }
            for (int iy = iy0; iy < iy1; iy++) {
                int py = iy + ph, src = xOff + iy * w, rowBase = (py % sh * sw * hq + py / sh) * wq;
                if (sw == 1) {
                    copyRow(x, src, buf, rowBase + pw, w);
                    continue;
                }
                for (int phase = 0; phase < sw; phase++) {
                    int dst = rowBase + phase * hq * wq;
                    int j0 = Math.max(0, Math.ceilDiv(pw - phase, sw)); // first j with j·SW + φx − PW ≥ 0
                    int ix0 = j0 * sw + phase - pw, count = count(j0, ix0);
                    if (sw == 2) StrideTwo.gather(x, src + ix0, buf, dst + j0, count);
                    else for (int t = 0; t < count; t++) buf[dst + j0 + t] = x[src + ix0 + t * sw];
                }
            }
        }

        /**
         * buf[d, d+n) = x[s, s+n): rows at least a vector wide as vector loads and stores, the last vector moved back to
         * end at n (overlapping cells written twice with the same values), where System.arraycopy's call costs more than
         * the copy on rows of a few vectors. With the phase arithmetic's divisions skipped at stride 1, padding 28 rows
         * of 28 floats went from 145 to 82 ns a plane on AVX-512 (122 ns on AVX2, its before not measured; in cache, one
         * thread, thread CPU time, loaded machine).
         */
        private static void copyRow(float[] x, int s, float[] buf, int d, int n) {
            if (n < VL) {
                System.arraycopy(x, s, buf, d, n);
                return;
            }
            for (int i = 0; ; i += VL) {
                int j = Math.min(i, n - VL);
                FloatVector.fromArray(S, x, s + j).intoArray(buf, d + j);
                if (j == n - VL) return;
            }
        }

        /** The inverse of {@link #pad}: buf's in-image cells written to the plane at x[xOff] (the padding cells dropped). */
        void unpad(float[] buf, float[] x, int xOff) {
            for (int iy = 0; iy < h; iy++) {
                int py = iy + ph, dst = xOff + iy * w, rowBase = (py % sh * sw * hq + py / sh) * wq;
                if (sw == 1) {
                    System.arraycopy(buf, rowBase + pw, x, dst, w);
                    continue;
                }
                if (sw == 2) java.util.Arrays.fill(x, dst, dst + w, 0f); // the two phases' scatter-adds then land on zeros
                for (int phase = 0; phase < sw; phase++) {
                    int src = rowBase + phase * hq * wq;
                    int j0 = Math.max(0, Math.ceilDiv(pw - phase, sw));
                    int ix0 = j0 * sw + phase - pw, count = count(j0, ix0);
                    if (sw == 2) StrideTwo.scatterAdd(buf, src + j0, x, dst + ix0, count);
                    else for (int t = 0; t < count; t++) x[dst + ix0 + t * sw] = buf[src + j0 + t];
                }
            }
        }

        /** The cells of a phase row from column j0 (image column ix0) on: j &lt; WQ and ix = ix0 + (j − j0)·SW &lt; W. */
        private int count(int j0, int ix0) {
            return ix0 >= w ? 0 : Math.min(wq - j0, Math.ceilDiv(w - ix0, sw));
        }
    }

    /**
     * Rows at least one vector wide: output vectors numbered v = oy·NV + i (the last of a row moved back to end at OW,
     * its overlap recomputed with the same bits), four per pass; each reads its taps at its own flat index
     * oy·WQ + x0 and is scaled and shifted on its way into the output; then the activation over the plane.
     */
    private static void convolveRows(float[] buf, float[] wt, int wOff, int[] tap, int wq, int oh, int ow,
                                     ConvEpilogue ep, int oc, float[] out, int dst) {
        int taps = tap.length, nv = (ow + VL - 1) / VL, total = oh * nv, last = ow - VL;
        FloatVector sv = FloatVector.broadcast(S, ep.scaleAt(oc)), bv = FloatVector.broadcast(S, ep.shiftAt(oc));
        for (int v = 0; v < total; v += 4) {
            int v1 = Math.min(v + 1, total - 1), v2 = Math.min(v + 2, total - 1), v3 = Math.min(v + 3, total - 1);
            int x0 = Math.min(v % nv * VL, last), x1 = Math.min(v1 % nv * VL, last);
            int x2 = Math.min(v2 % nv * VL, last), x3 = Math.min(v3 % nv * VL, last);
            int y0 = v / nv, y1 = v1 / nv, y2 = v2 / nv, y3 = v3 / nv;
            int f0 = y0 * wq + x0, f1 = y1 * wq + x1, f2 = y2 * wq + x2, f3 = y3 * wq + x3;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0; t < taps; t++) {
                FloatVector wv = FloatVector.broadcast(S, wt[wOff + t]);
                int d = tap[t];
                a0 = FloatVector.fromArray(S, buf, f0 + d).fma(wv, a0);
                a1 = FloatVector.fromArray(S, buf, f1 + d).fma(wv, a1);
                a2 = FloatVector.fromArray(S, buf, f2 + d).fma(wv, a2);
                a3 = FloatVector.fromArray(S, buf, f3 + d).fma(wv, a3);
            }
            a0.fma(sv, bv).intoArray(out, dst + y0 * ow + x0);
            a1.fma(sv, bv).intoArray(out, dst + y1 * ow + x1);
            a2.fma(sv, bv).intoArray(out, dst + y2 * ow + x2);
            a3.fma(sv, bv).intoArray(out, dst + y3 * ow + x3);
        }
        ep.activate(out, dst, oh * ow); // the plane is still in L1/L2
    }

    /**
     * {@link #convolveRows} for four filters at once (output channels oc … oc + 3, planes ow·oh apart from dst, weights
     * KH·KW apart from wOff): per pass two output vectors × four filters, so each tap's two input loads feed eight FMA
     * chains (six loads per eight FMAs, where one filter at a time needs five per four). The single-channel stem with a
     * channel multiplier (ELIXR-C's first conv, 1 → 16) runs here. Every output is the same FMA chain over the taps in
     * order as convolveRows gives it: the same bits.
     */
    private static void convolveRows4(float[] buf, float[] wt, int wOff, int[] tap, int wq, int oh, int ow,
                                      ConvEpilogue ep, int oc, float[] out, int dst) {
        int taps = tap.length, nv = (ow + VL - 1) / VL, total = oh * nv, last = ow - VL, plane = oh * ow;
        for (int v = 0; v < total; v += 2) {
            int v1 = Math.min(v + 1, total - 1);
            int x0 = Math.min(v % nv * VL, last), x1 = Math.min(v1 % nv * VL, last), y0 = v / nv, y1 = v1 / nv;
            int f0 = y0 * wq + x0, f1 = y1 * wq + x1;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
            for (int t = 0; t < taps; t++) {
                int d = tap[t], w = wOff + t;
                FloatVector i0 = FloatVector.fromArray(S, buf, f0 + d), i1 = FloatVector.fromArray(S, buf, f1 + d);
                FloatVector wv = FloatVector.broadcast(S, wt[w]);
                a0 = i0.fma(wv, a0); a1 = i1.fma(wv, a1);
                wv = FloatVector.broadcast(S, wt[w + taps]);
                b0 = i0.fma(wv, b0); b1 = i1.fma(wv, b1);
                wv = FloatVector.broadcast(S, wt[w + 2 * taps]);
                c0 = i0.fma(wv, c0); c1 = i1.fma(wv, c1);
                wv = FloatVector.broadcast(S, wt[w + 3 * taps]);
                d0 = i0.fma(wv, d0); d1 = i1.fma(wv, d1);
            }
            int o0 = dst + y0 * ow + x0, o1 = dst + y1 * ow + x1;
            store(a0, a1, ep, oc, out, o0, o1);
            store(b0, b1, ep, oc + 1, out, o0 + plane, o1 + plane);
            store(c0, c1, ep, oc + 2, out, o0 + 2 * plane, o1 + 2 * plane);
            store(d0, d1, ep, oc + 3, out, o0 + 3 * plane, o1 + 3 * plane);
        }
        for (int f = 0; f < 4; f++) ep.activate(out, dst + f * plane, plane); // the planes are still in L1/L2
    }

    /** Two output vectors of channel oc scaled and shifted as {@link #convolveRows} does, into out at o0 and o1. */
    private static void store(FloatVector a0, FloatVector a1, ConvEpilogue ep, int oc, float[] out, int o0, int o1) {
        FloatVector sv = FloatVector.broadcast(S, ep.scaleAt(oc)), bv = FloatVector.broadcast(S, ep.shiftAt(oc));
        a0.fma(sv, bv).intoArray(out, o0);
        a1.fma(sv, bv).intoArray(out, o1);
    }

    /** flat[f] = Σ_t buf[f + tap[t]]·wt[wOff + t] for f in [0, run), run a multiple of 4·VL. */
    private static void convolveFlat(float[] buf, float[] wt, int wOff, int[] tap, float[] flat, int run) {
        int taps = tap.length;
        for (int f = 0; f < run; f += BLOCK) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0; t < taps; t++) {
                FloatVector wv = FloatVector.broadcast(S, wt[wOff + t]);
                int d = f + tap[t];
                a0 = FloatVector.fromArray(S, buf, d).fma(wv, a0);
                a1 = FloatVector.fromArray(S, buf, d + VL).fma(wv, a1);
                a2 = FloatVector.fromArray(S, buf, d + 2 * VL).fma(wv, a2);
                a3 = FloatVector.fromArray(S, buf, d + 3 * VL).fma(wv, a3);
            }
            a0.intoArray(flat, f);
            a1.intoArray(flat, f + VL);
            a2.intoArray(flat, f + 2 * VL);
            a3.intoArray(flat, f + 3 * VL);
        }
    }
}
