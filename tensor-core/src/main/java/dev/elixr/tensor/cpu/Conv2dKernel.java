package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.backend.Conv2dParams;
import jdk.incubator.vector.FloatVector;

/**
 * 2-D convolution (NCHW, PyTorch semantics: stride, padding, dilation, groups) as GEMMs on {@link Sgemm}:
 * per image and group, out[Og, OH·OW] = W[Og, Cg·KH·KW] · col[Cg·KH·KW, OH·OW].
 * <ul>
 *   <li>1×1, stride 1, no padding, without gate, planes of at least {@link ImplicitConv#POINTWISE_MIN_PLANE} outputs:
 *       {@link ImplicitConv} (below: its per-call packing of the weights would not pay);</li>
 *   <li>other 1×1, stride 1, no padding: {@link PointwiseConv} (the weights read in place, the image packed with the gate
 *       folded in, column chunks or row splits whose outputs get their epilogue while still in L2); planes narrower than
 *       one GEMM strip (squeeze-and-excitation's 1×1 ones) as Sgemm products of the image itself, no im2col;</li>
 *   <li>otherwise (3×3, strided 1×1 and the rest) at column stride 1 or 2 without gate: {@link ImplicitConv}, an
 *       implicit GEMM on Sgemm's micro-kernels whose B strips are packed straight from x (no im2col matrix);</li>
 *   <li>with a gate, or at other column strides (patchify convolutions): im2col (Chellapilla et al., 2006; stride-2
 *       rows copied from phase planes split by {@link StrideTwo}) over bands of output rows, each band small enough
 *       (≈ 4 MB) to stay in the last-level cache while Sgemm packs it; a batch of small images runs one image per
 *       thread ({@link #imagesInParallel}). {@code -Delixr.conv.implicit=false} sends every convolution this way
 *       (comparisons).</li>
 * </ul>
 * Depthwise convolutions (groups = C = O) go to {@link DepthwiseConv} instead: as GEMMs they would be
 * 1-row products. Arrays are contiguous; offsets in elements. The {@link ConvEpilogue} (bias, or a folded batch norm
 * and an activation) runs over each image's output planes right after its products, in parallel over the planes. An
 * optional gate [n, c] scales the input channels per image (squeeze-and-excitation, Hu et al. 2018 §3.2), folded into
 * a per-image copy of the weights (O·C·KH·KW multiplies instead of a pass over the C·H·W input); a 1×1 one by
 * {@link PointwiseConv} into its packed copy of the image instead.
 */
public final class Conv2dKernel {
    /** Floats per im2col band. */
    static final int BAND_FLOATS = 1 << 20;
    /** Floats of a 1×1 convolution's column chunk (its output and its input slice each at most about this): 256 KB, in L2. */
    static final int CHUNK_FLOATS = 1 << 16;

    /** Whether {@link ImplicitConv} takes what it suits (-Delixr.conv.implicit=false: the banded im2col path, for comparison). */
    static final boolean IMPLICIT = !"false".equals(System.getProperty("elixr.conv.implicit"));

    /** Per-thread im2col band, reused across calls (a fresh multi-megabyte array per call would keep the GC busy). */
    private static final ThreadLocal<Band> COLUMNS = ThreadLocal.withInitial(Band::new);

    private static final class Band {
        float[] data = new float[0];

        float[] get(int n) {
            if (data.length < n) data = new float[n];
            return data;
        }
    }

    private Conv2dKernel() {}

    /**
     * x [n, c, h, w], weight [o, c/groups, kh, kw], bias [o] or null → out [n, o, oh, ow] (overwritten).
     */
    public static void conv2d(float[] x, int xOff, int n, int c, int h, int w,
                              float[] weight, int wOff, int o, int kh, int kw, float[] bias, int biasOff,
                              Conv2dParams p, float[] out, int outOff) {
        conv2d(x, xOff, n, c, h, w, weight, wOff, o, kh, kw, null, 0, ConvEpilogue.bias(bias, biasOff), p, out, outOff);
    }

    /**
     * x [n, c, h, w], weight [o, c/groups, kh, kw], gate [n, c] or null → out [n, o, oh, ow] (overwritten) =
     * ep(conv(x·gate, weight)).
     */
    public static void conv2d(float[] x, int xOff, int n, int c, int h, int w,
                              float[] weight, int wOff, int o, int kh, int kw, float[] gate, int gateOff, ConvEpilogue ep,
                              Conv2dParams p, float[] out, int outOff) {
        int g = p.groups();
        if (c % g != 0 || o % g != 0)
            throw new IllegalArgumentException("conv2d: channels in " + c + " and out " + o + " must both divide by groups " + g);
        int oh = Conv2dParams.outSize(h, kh, p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(w, kw, p.strideW(), p.padW(), p.dilationW());
        if (oh <= 0 || ow <= 0)
            throw new IllegalArgumentException("conv2d: input " + h + "x" + w + " is smaller than the kernel " + kh + "x" + kw
                    + " (dilation " + p.dilationH() + "x" + p.dilationW() + ", padding " + p.padH() + "x" + p.padW() + ")");
        int cg = c / g, og = o / g, ckk = cg * kh * kw, ohw = oh * ow;
        boolean pointwise = kh == 1 && kw == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0;
        boolean implicit = pointwise ? ohw >= ImplicitConv.POINTWISE_MIN_PLANE : ImplicitConv.suits(p);
        if (gate == null && IMPLICIT && implicit) { // no im2col matrix: strips packed from x
            ImplicitConv.conv2d(x, xOff, n, c, h, w, weight, wOff, o, kh, kw, ep, p, out, outOff);
            return;
        }
        int bandRows = Math.max(1, Math.min(oh, BAND_FLOATS / Math.max(1, ckk * ow)));
        if (!pointwise && gate == null && imagesInParallel(n, 2L * o * ohw * ckk)) {
            Parallel.forRange(n, 2, (s, e) -> { // fork/join workers: the im2col loops nested in them run inline
                float[] col = COLUMNS.get().get(ckk * bandRows * ow);
                for (int ni = s; ni < e; ni++)
                    imageSerial(x, xOff + ni * c * h * w, c, h, w, weight, wOff, o, kh, kw, ep, p, oh, ow, bandRows, col, out, outOff + ni * o * ohw);
            });
            return;
        }
        float[] col = pointwise ? null : COLUMNS.get().get(ckk * bandRows * ow);
        if (pointwise && PointwiseConv.suits(ohw)) { // the weights read in place, the gate folded into the packed image
            for (int ni = 0; ni < n; ni++)
                for (int gi = 0; gi < g; gi++)
                    PointwiseConv.conv2d(weight, wOff + gi * og * ckk, og, cg, x, xOff + (ni * c + gi * cg) * h * w, ohw,
                            gate, gateOff + ni * c + gi * cg, out, outOff + (ni * o + gi * og) * ohw, ep, gi * og);
            return;
        }
        float[] gated = gate == null ? null : new float[o * ckk];
        for (int ni = 0; ni < n; ni++) {
            float[] wts = weight;
            int wBase = wOff;
            if (gate != null) {
                gateWeights(weight, wOff, o, og, cg, kh * kw, gate, gateOff + ni * c, gated);
                wts = gated;
                wBase = 0;
            }
            for (int gi = 0; gi < g; gi++) {
                int xg = xOff + (ni * c + gi * cg) * h * w, wg = wBase + gi * og * ckk, og0 = outOff + (ni * o + gi * og) * ohw;
                if (pointwise) {
                    pointwise(wts, wg, og, cg, x, xg, ohw, out, og0, ep, gi * og);
                    continue;
                }
                for (int oy0 = 0; oy0 < oh; oy0 += bandRows) {
                    int rows = Math.min(bandRows, oh - oy0), cols = rows * ow;
                    im2col(x, xg, cg, h, w, kh, kw, p, oy0, rows, ow, col);
                    Sgemm.sgemm(false, false, og, cols, ckk, 1f, wts, wg, ckk, col, 0, cols, 0f, out, og0 + oy0 * ow, ohw);
                }
            }
            if (!pointwise && !ep.isIdentity()) epilogue(out, outOff + ni * o * ohw, o, ohw, ep);
        }
    }

    /**
     * Whether a batch of n images, each a product of {@code flopsPerImage}, goes one image per task (im2col, serial
     * GEMMs and epilogue on one thread) instead of image by image with each product split across the threads: when
     * every thread gets at least two images and one image's products are small enough (under 8·{@link
     * Sgemm#PARALLEL_FLOPS}) that splitting them costs more in hand-offs and shared cache lines than it gains. The demo's
     * conv tower (batch 32; 0.7–5.3 MFLOP an image and layer) split each of its 128 per-image products across the two
     * cores of the machine it was measured on. The results are the same bits either way: Sgemm's do not depend on its
     * thread count, and each image's im2col and epilogue are the same per-element operations.
     */
    static boolean imagesInParallel(int n, long flopsPerImage) {
        int t = Parallel.threads();
        return t > 1 && n >= 2 * t && flopsPerImage < 8 * Sgemm.PARALLEL_FLOPS;
    }

    /** One image (x at xi, out at oi) of a convolution without gate on the calling thread: bands of im2col, then GEMMs. */
    private static void imageSerial(float[] x, int xi, int c, int h, int w, float[] weight, int wOff, int o, int kh, int kw,
                                    ConvEpilogue ep, Conv2dParams p, int oh, int ow, int bandRows, float[] col, float[] out, int oi) {
        int g = p.groups(), cg = c / g, og = o / g, ckk = cg * kh * kw, ohw = oh * ow;
        for (int gi = 0; gi < g; gi++) {
            int xg = xi + gi * cg * h * w, wg = wOff + gi * og * ckk, og0 = oi + gi * og * ohw;
            for (int oy0 = 0; oy0 < oh; oy0 += bandRows) {
                int rows = Math.min(bandRows, oh - oy0), cols = rows * ow;
                im2col(x, xg, cg, h, w, kh, kw, p, oy0, rows, ow, col);
                Sgemm.sgemmSerial(false, false, og, cols, ckk, 1f, weight, wg, ckk, col, 0, cols, 0f, out, og0 + oy0 * ow, ohw);
            }
        }
        if (!ep.isIdentity()) for (int oc = 0; oc < o; oc++) ep.apply(out, oi + oc * ohw, out, oi + oc * ohw, ohw, oc);
    }

    /**
     * One group's 1×1 product out[og, hw] = W[og, cg]·x[cg, hw] with its epilogue (output channels ch0, ch0 + 1, ...).
     * Wide planes go in column chunks that the threads take in turn, each a serial product whose output (og × chunk,
     * ≈ {@link #CHUNK_FLOATS}) is still in L2 when the epilogue passes over it; narrow ones as one parallel product,
     * then the epilogue over its rows.
     */
    static void pointwise(float[] wt, int wOff, int og, int cg, float[] x, int xOff, int hw, float[] out, int outOff,
                          ConvEpilogue ep, int ch0) {
        int chunk = Sgemm.roundUp(Math.max(64, CHUNK_FLOATS / Math.max(og, cg)), 64);
        if (hw < 2 * chunk) {
            Sgemm.sgemm(false, false, og, hw, cg, 1f, wt, wOff, cg, x, xOff, hw, 0f, out, outOff, hw);
            if (!ep.isIdentity()) Parallel.forRange(og, Math.max(1, 16384 / Math.max(1, hw)), (s, e) -> {
                for (int r = s; r < e; r++) ep.apply(out, outOff + r * hw, out, outOff + r * hw, hw, ch0 + r);
            });
            return;
        }
        Parallel.forChunks(hw, chunk, (s, e) -> {
            Sgemm.sgemmSerial(false, false, og, e - s, cg, 1f, wt, wOff, cg, x, xOff + s, hw, 0f, out, outOff + s, hw);
            if (ep.isIdentity()) return;
            for (int r = 0; r < og; r++) ep.apply(out, outOff + r * hw + s, out, outOff + r * hw + s, e - s, ch0 + r);
        });
    }

    /**
     * im2col at a column stride of 2 over phase planes, as {@link CpuIm2col}'s: one task per input channel and kernel
     * row splits the input rows that kernel row reads into their even and odd floats once ({@link CpuIm2col#splitPhases}), then every
     * in-image run of a column line is one System.arraycopy from a phase plane. The same floats as the per-line gather.
     */
    private static void im2colStrideTwo(float[] x, int xOff, int cg, int h, int w, int kh, int kw, Conv2dParams p,
                                        int oy0, int rows, int ow, float[] col) {
        int cols = rows * ow, kk = kh * kw, half = (w + 1) / 2, sh = p.strideH(), ph = p.padH(), dh = p.dilationH();
        Parallel.forRange(cg * kh, Math.max(1, 16384 / Math.max(1, kw * cols)), (s, e) -> {
            float[] even = new float[h * half], odd = new float[h * half];
            for (int task = s; task < e; task++) {
                int ci = task / kh, ky = task % kh;
                for (int r = 0; r < rows; r++) { // the input rows this kernel row reads
                    int iy = (oy0 + r) * sh - ph + ky * dh;
                    if (iy >= 0 && iy < h) CpuIm2col.splitPhases(x, xOff + ci * h * w, iy, iy + 1, w, even, odd);
                }
                for (int kx = 0; kx < kw; kx++) {
                    int dst = (ci * kk + ky * kw + kx) * cols, x0 = kx * p.dilationW() - p.padW();
                    int lo = Math.max(0, Math.ceilDiv(-x0, 2)), hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 - x0, 2) + 1));
                    int dx = lo * 2 + x0, shift = dx >> 1; // the first in-image input column, ≥ 0
                    float[] phase = (dx & 1) == 0 ? even : odd;
                    for (int r = 0; r < rows; r++, dst += ow) {
                        int iy = (oy0 + r) * sh - ph + ky * dh;
                        if (iy < 0 || iy >= h || hi == lo) {
                            java.util.Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        java.util.Arrays.fill(col, dst, dst + lo, 0f);
                        System.arraycopy(phase, iy * half + shift, col, dst + lo, hi - lo);
                        java.util.Arrays.fill(col, dst + hi, dst + ow, 0f);
                    }
                }
            }
        });
    }

    /** gated[oc][ci][k] = weight[oc][ci][k]·gate[group(oc)·cg + ci]: the input-channel gate folded into the weights. */
    static void gateWeights(float[] weight, int wOff, int o, int og, int cg, int kk, float[] gate, int gateOff, float[] gated) {
        for (int oc = 0; oc < o; oc++) {
            int gBase = gateOff + oc / og * cg;
            if (kk == 1) { // 1×1: a row of weights times the gate, in vectors
                int at = oc * cg, ci = 0;
                for (int e = Simd.F.loopBound(cg); ci < e; ci += Simd.L)
                    FloatVector.fromArray(Simd.F, weight, wOff + at + ci).mul(FloatVector.fromArray(Simd.F, gate, gBase + ci)).intoArray(gated, at + ci);
                for (; ci < cg; ci++) gated[at + ci] = weight[wOff + at + ci] * gate[gBase + ci];
                continue;
            }
            for (int ci = 0; ci < cg; ci++) {
                float s = gate[gBase + ci];
                int at = (oc * cg + ci) * kk;
                for (int k = 0; k < kk; k++) gated[at + k] = weight[wOff + at + k] * s;
            }
        }
    }

    /** col[(ci·KH + ky)·KW + kx][r·OW + ox] = x[ci][(oy0 + r)·sh − ph + ky·dh][ox·sw − pw + kx·dw] (0 outside). */
    static void im2col(float[] x, int xOff, int cg, int h, int w, int kh, int kw, Conv2dParams p,
                       int oy0, int rows, int ow, float[] col) {
        if (p.strideW() == 2) {
            im2colStrideTwo(x, xOff, cg, h, w, kh, kw, p, oy0, rows, ow, col);
            return;
        }
        int cols = rows * ow, kk = kh * kw;
        Parallel.forRange(cg * kk, Math.max(1, 16384 / Math.max(1, cols)), (s, e) -> {
            for (int row = s; row < e; row++) {
                int ci = row / kk, ky = row % kk / kw, kx = row % kw;
                int dst = row * cols, plane = xOff + ci * h * w;
                for (int r = 0; r < rows; r++, dst += ow) {
                    int iy = (oy0 + r) * p.strideH() - p.padH() + ky * p.dilationH();
                    if (iy < 0 || iy >= h) {
                        java.util.Arrays.fill(col, dst, dst + ow, 0f);
                        continue;
                    }
                    int src = plane + iy * w, x0 = kx * p.dilationW() - p.padW(), sw = p.strideW();
                    if (sw == 1) {
                        int lo = Math.max(0, -x0), hi = Math.min(ow, w - x0); // ox with 0 <= ox + x0 < w
                        if (hi <= lo) { java.util.Arrays.fill(col, dst, dst + ow, 0f); continue; }
                        java.util.Arrays.fill(col, dst, dst + lo, 0f);
                        System.arraycopy(x, src + x0 + lo, col, dst + lo, hi - lo);
                        java.util.Arrays.fill(col, dst + hi, dst + ow, 0f);
                    } else {
                        int lo = Math.max(0, Math.ceilDiv(-x0, sw)), hi = Math.min(ow, Math.floorDiv(w - 1 - x0, sw) + 1);
                        if (hi <= lo) { java.util.Arrays.fill(col, dst, dst + ow, 0f); continue; }
                        java.util.Arrays.fill(col, dst, dst + lo, 0f);
                        if (sw == 2) StrideTwo.gather(x, src + lo * sw + x0, col, dst + lo, hi - lo);
                        else for (int ox = lo, ix = src + lo * sw + x0; ox < hi; ox++, ix += sw) col[dst + ox] = x[ix];
                        java.util.Arrays.fill(col, dst + hi, dst + ow, 0f);
                    }
                }
            }
        });
    }

    /** ep over the o planes of ohw floats at out[base], in parallel over planes. */
    static void epilogue(float[] out, int base, int o, int ohw, ConvEpilogue ep) {
        Parallel.forRange(o, Math.max(1, 16384 / Math.max(1, ohw)), (s, e) -> {
            for (int oc = s; oc < e; oc++) ep.apply(out, base + oc * ohw, out, base + oc * ohw, ohw, oc);
        });
    }
}
