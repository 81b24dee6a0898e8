package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Both gradients of a depthwise convolution ({@link DepthwiseConv}: groups = C, channel multiplier M = O/C ≥ 1, any
 * kernel, stride, padding and dilation), computed directly from the output gradient g, with no unfolded columns:
 * dx[n,c] = Σ_m Σ_taps w[c·M+m, tap]·g[n,c·M+m] spread back over the input cells each tap read, and
 * dw[oc, tap] = Σ_n Σ_outputs g[n,oc]·x at that tap.
 *
 * <p>Blocking and vectors: threads over the (image, input channel) planes. Per plane, x is copied once into the
 * forward's zero-padded phase planes ({@link DepthwiseConv.Phases}: SH×SW planes of HQ×WQ cells, in which output
 * (oy, ox)'s tap sits at flat index oy·WQ + ox + a constant of the tap), and g's plane is laid out on the same flat grid
 * oy·WQ + ox (columns OW..WQ−1 and the tail zero). Every tap is then one unit-stride pass over that run, two vectors at a
 * time: dw's tap is a dot product of the run with the padded x shifted by the tap (two vector accumulators, their lanes
 * summed in a fixed order at the end of the pass), and dx's padded phase planes get w[tap]·g added at the same shifted
 * index (a load, an FMA and a store), both in the same pass when both are wanted; taps in the outer loop, so
 * consecutive stores never overlap the next loads. The zero
 * columns of g add nothing to the cells they reach. The padded gradient is then cut back to the image (the inverse of
 * the padding copy) into dx. Each plane's dw taps go to a slot of their own, [N, O, KH·KW], summed over the images in
 * image order afterwards, so the bits depend on neither the thread count nor the order the planes run in. Scratch: per
 * thread, the padded x, the padded gradient and g's run (a few planes); per call, N·O·KH·KW floats of dw partials
 * (none for one image). {@link #backwardPlain} is the plain loop, kept as the reference.
 */
public final class DepthwiseBackward {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int VL = S.length(), STEP = 2 * VL;

    private DepthwiseBackward() {}

    /** Sizes of one call: batch, input channels and extent, output channels, kernel, output extent, parameters. */
    record Shape(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, Conv2dParams p) {
        static Shape of(int n, int c, int h, int w, int o, int kh, int kw, Conv2dParams p) {
            if (!DepthwiseConv.applies(c, o, p))
                throw new IllegalArgumentException("depthwise conv2d backward: groups " + p.groups() + " must equal the channels " + c
                        + " and the output channels " + o + " must be a multiple of them");
            int oh = Conv2dParams.outSize(h, kh, p.strideH(), p.padH(), p.dilationH());
            int ow = Conv2dParams.outSize(w, kw, p.strideW(), p.padW(), p.dilationW());
            if (oh <= 0 || ow <= 0)
                throw new IllegalArgumentException("depthwise conv2d backward: input " + h + "x" + w + " is smaller than the kernel " + kh + "x" + kw);
            return new Shape(n, c, h, w, o, kh, kw, oh, ow, p);
        }

        int taps() { return kh * kw; }
    }

    /** Whether {@link #backward} computes this convolution's gradients: x [N,C,H,W], w [O,1,KH,KW], groups C. */
    public static boolean applies(int[] xShape, int[] wShape, Conv2dParams p) {
        return wShape[1] == 1 && DepthwiseConv.applies(xShape[1], wShape[0], p);
    }

    /**
     * The floats of scratch {@link #backward} takes besides dx and dw for n images of xShape's C, H, W and weights
     * wShape: the dw partials of every (image, output channel) when n &gt; 1, and each thread's padded planes and run.
     */
    public static long scratchFloats(long n, int[] xShape, int[] wShape, Conv2dParams p) {
        DepthwiseConv.Phases q = new DepthwiseConv.Phases(xShape[2], xShape[3], wShape[2], wShape[3], p);
        int oh = Conv2dParams.outSize(xShape[2], wShape[2], p.strideH(), p.padH(), p.dilationH());
        long run = run(oh, q.wq()), perThread = 2 * (q.floats() + run) + run;
        long partials = n > 1 ? n * wShape[0] * wShape[2] * wShape[3] : 0;
        return partials + Math.min(n * xShape[1], Parallel.threads()) * perThread;
    }

    /** g's flat run over [0, OH·WQ), rounded up to whole steps of two vectors. */
    private static int run(int oh, int wq) { return (oh * wq + STEP - 1) / STEP * STEP; }

    /** x [N,C,H,W], w [O,1,KH,KW], g [N,O,OH,OW] → dx (or null) and dw (or null), fresh outputs, overwritten. */
    static void backward(Tensor x, Tensor w, Tensor g, Conv2dParams p, Tensor dx, Tensor dw) {
        if (!applies(x.shape(), w.shape(), p))
            throw new IllegalArgumentException("depthwise conv2d backward: x " + java.util.Arrays.toString(x.shape()) + ", w "
                    + java.util.Arrays.toString(w.shape()) + ", " + p + " is not a depthwise convolution");
        Tensor xd = HostArrays.dense(x), wd = HostArrays.dense(w), gd = HostArrays.dense(g);
        int[] xs = x.shape(), ws = w.shape();
        backward(xd.storage().array(), xd.offset(), wd.storage().array(), wd.offset(), gd.storage().array(), gd.offset(),
                xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], p,
                dx == null ? null : dx.storage().array(), dx == null ? 0 : dx.offset(),
                dw == null ? null : dw.storage().array(), dw == null ? 0 : dw.offset());
    }

    /**
     * x [n, c, h, w], weight [o, 1, kh, kw] with o = c·M, g [n, o, oh, ow] → dx [n, c, h, w] and dw [o, 1, kh, kw], either
     * null when not wanted (both overwritten).
     */
    public static void backward(float[] x, int xOff, float[] weight, int wOff, float[] g, int gOff,
                                int n, int c, int h, int w, int o, int kh, int kw, Conv2dParams p,
                                float[] dx, int dxOff, float[] dw, int dwOff) {
        Shape s = Shape.of(n, c, h, w, o, kh, kw, p);
        if ((dx == null && dw == null) || n == 0) return;
        DepthwiseConv.Phases q = new DepthwiseConv.Phases(h, w, kh, kw, p);
        int[] tap = q.taps();
        int run = run(s.oh(), q.wq()), k = s.taps();
        float[] partial = dw == null ? null : n == 1 ? dw : new float[n * o * k]; // one image: its taps are dw
        int partialOff = n == 1 ? dwOff : 0;
        Parallel.forRange(n * c, Math.max(1, 4096 / Math.max(1, h * w)), (start, end) -> {
            float[] xp = dw == null ? null : new float[q.floats() + run], dxp = dx == null ? null : new float[q.floats() + run];
            float[] flat = new float[run];
            for (int plane = start; plane < end; plane++)
                plane(s, q, tap, run, plane, x, xOff, weight, wOff, g, gOff, xp, dxp, flat, dx, dxOff, partial, partialOff);
        });
        if (dw != null && n > 1) sumOverImages(partial, n, o * k, dw, dwOff);
    }

    /** One (image, input channel) plane: its M output channels' dw taps into partial, its dx cut from the padded gradient. */
    private static void plane(Shape s, DepthwiseConv.Phases q, int[] tap, int run, int plane, float[] x, int xOff,
                              float[] weight, int wOff, float[] g, int gOff, float[] xp, float[] dxp, float[] flat,
                              float[] dx, int dxOff, float[] partial, int partialOff) {
        int m = s.o() / s.c(), ni = plane / s.c(), ci = plane % s.c(), k = s.taps(), hw = s.h() * s.w(), ohw = s.oh() * s.ow();
        if (xp != null) q.pad(x, xOff + plane * hw, xp);
        if (dxp != null) Arrays.fill(dxp, 0f);
        for (int mi = 0; mi < m; mi++) {
            int oc = ci * m + mi;
            layOut(g, gOff + (ni * s.o() + oc) * ohw, s.oh(), s.ow(), q.wq(), flat);
            int slot = partialOff + (ni * s.o() + oc) * k;
            for (int t = 0; t < k; t++) {
                if (xp != null && dxp != null) partial[slot + t] = dotAndSpread(flat, xp, tap[t], run, weight[wOff + oc * k + t], dxp);
                else if (xp != null) partial[slot + t] = dot(flat, xp, tap[t], run);
                else spread(flat, weight[wOff + oc * k + t], dxp, tap[t], run);
            }
        }
        if (dxp != null) q.unpad(dxp, dx, dxOff + plane * hw);
    }

    /** flat[oy·WQ + ox] = g's plane at gAt for ox &lt; OW, 0 in the columns OW..WQ−1 and past OH·WQ. */
    private static void layOut(float[] g, int gAt, int oh, int ow, int wq, float[] flat) {
        if (ow == wq) {
            System.arraycopy(g, gAt, flat, 0, oh * ow);
        } else {
            for (int oy = 0; oy < oh; oy++) {
                System.arraycopy(g, gAt + oy * ow, flat, oy * wq, ow);
                Arrays.fill(flat, oy * wq + ow, (oy + 1) * wq, 0f);
            }
        }
        Arrays.fill(flat, oh * wq, flat.length, 0f);
    }

    /**
     * Σ_f flat[f]·xp[f + d] over f in [0, run), run a multiple of two vectors; the lanes summed in a fixed order
     * ({@link Simd#sumLanes}: reduceLanes leaves the order of a float sum open, so the interpreter's and C2's bits may
     * differ).
     */
    private static float dot(float[] flat, float[] xp, int d, int run) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        for (int f = 0; f < run; f += STEP) {
            a0 = FloatVector.fromArray(S, flat, f).fma(FloatVector.fromArray(S, xp, f + d), a0);
            a1 = FloatVector.fromArray(S, flat, f + VL).fma(FloatVector.fromArray(S, xp, f + d + VL), a1);
        }
        return Simd.sumLanes(a0.add(a1));
    }

    /** {@link #dot} and {@link #spread} in one pass over flat (each g vector loaded once for both). */
    private static float dotAndSpread(float[] flat, float[] xp, int d, int run, float wt, float[] dxp) {
        FloatVector wv = FloatVector.broadcast(S, wt), a0 = FloatVector.zero(S), a1 = a0;
        for (int f = 0; f < run; f += STEP) {
            FloatVector g0 = FloatVector.fromArray(S, flat, f), g1 = FloatVector.fromArray(S, flat, f + VL);
            a0 = g0.fma(FloatVector.fromArray(S, xp, f + d), a0);
            a1 = g1.fma(FloatVector.fromArray(S, xp, f + d + VL), a1);
            g0.fma(wv, FloatVector.fromArray(S, dxp, f + d)).intoArray(dxp, f + d);
            g1.fma(wv, FloatVector.fromArray(S, dxp, f + d + VL)).intoArray(dxp, f + d + VL);
        }
        return Simd.sumLanes(a0.add(a1));
    }

    /** dxp[f + d] += wt·flat[f] over f in [0, run). */
    private static void spread(float[] flat, float wt, float[] dxp, int d, int run) {
        FloatVector wv = FloatVector.broadcast(S, wt);
        for (int f = 0; f < run; f += STEP) {
            FloatVector.fromArray(S, flat, f).fma(wv, FloatVector.fromArray(S, dxp, f + d)).intoArray(dxp, f + d);
            FloatVector.fromArray(S, flat, f + VL).fma(wv, FloatVector.fromArray(S, dxp, f + d + VL)).intoArray(dxp, f + d + VL);
        }
    }

    /** dw[i] = Σ_n partial[n·len + i], added in image order. */
    private static void sumOverImages(float[] partial, int n, int len, float[] dw, int dwOff) {
        System.arraycopy(partial, 0, dw, dwOff, len);
        int bound = S.loopBound(len);
        for (int ni = 1; ni < n; ni++) {
            int base = ni * len, i = 0;
            for (; i < bound; i += VL)
                FloatVector.fromArray(S, dw, dwOff + i).add(FloatVector.fromArray(S, partial, base + i)).intoArray(dw, dwOff + i);
            for (; i < len; i++) dw[dwOff + i] += partial[base + i];
        }
    }

    /**
     * The plain loops (every output's taps, bounds tested per tap; dw summed over images, outputs in order), the
     * reference of {@link #backward}: same arguments and layout.
     */
    public static void backwardPlain(float[] x, int xOff, float[] weight, int wOff, float[] g, int gOff,
                                     int n, int c, int h, int w, int o, int kh, int kw, Conv2dParams p,
                                     float[] dx, int dxOff, float[] dw, int dwOff) {
        Shape s = Shape.of(n, c, h, w, o, kh, kw, p);
        int m = o / c, oh = s.oh(), ow = s.ow();
        if (dx != null) Arrays.fill(dx, dxOff, dxOff + n * c * h * w, 0f);
        if (dw != null) Arrays.fill(dw, dwOff, dwOff + o * kh * kw, 0f);
        for (int ni = 0; ni < n; ni++)
            for (int oc = 0; oc < o; oc++) {
                int xb = xOff + (ni * c + oc / m) * h * w, dxb = dxOff + (ni * c + oc / m) * h * w, gb = gOff + (ni * o + oc) * oh * ow;
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++) {
                        float wt = weight[wOff + (oc * kh + i) * kw + j], acc = 0f;
                        for (int y = 0; y < oh; y++) {
                            int iy = y * p.strideH() - p.padH() + i * p.dilationH();
                            if (iy < 0 || iy >= h) continue;
                            for (int xx = 0; xx < ow; xx++) {
                                int ix = xx * p.strideW() - p.padW() + j * p.dilationW();
                                if (ix < 0 || ix >= w) continue;
                                float gv = g[gb + y * ow + xx];
                                acc += gv * x[xb + iy * w + ix];
                                if (dx != null) dx[dxb + iy * w + ix] += gv * wt;
                            }
                        }
                        if (dw != null) dw[dwOff + (oc * kh + i) * kw + j] += acc;
                    }
            }
    }
}
