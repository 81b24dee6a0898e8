package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;

/**
 * Both gradients of a dense convolution (groups = 1) without whole-batch column buffers.
 * <ul>
 *   <li>dW: where {@link ConvWeightGradient} takes it (dilation 1, C a multiple of 8 and of VL), an implicit GEMM over
 *       a channels-last copy of the input, with no column matrix; else below, from im2col's columns.</li>
 *   <li>The rest goes in chunks of nb images whose columns fill a band of about {@link #BAND_FLOATS} floats; per chunk,
 *       the output gradient g [nb, O, L] is gathered into [O, nb·L] (one row copy per image and channel), then
 *       dW (+)= g_chunk · cols_chunkᵀ, cols = im2col of the chunk ({@link CpuIm2col}), on {@link Sgemm} with beta 1
 *       after the first chunk (the chunks add in image order and nb follows from the shapes alone, so the bits are
 *       the same for any thread count), and dcols = Wᵀ · g_chunk, folded into the chunk's dx by col2im while the band
 *       is still in cache. At stride 2 with dW done apart, dx needs no columns at all: {@link PhaseInputGradient}
 *       computes it as one stride-1 implicit GEMM per phase plane of the input (with
 *       {@code -Delixr.conv.phaseInputGradient=false}, g is gathered in rows of {@link PhasePlanes#wideRow}, zeros in
 *       the junk columns, and col2im goes through phase planes, {@link PhaseCol2im}: contiguous adds where
 *       {@link StrideTwo#scatterAdd} adds into every other float).</li>
 * </ul>
 * The bands are allocated per call: the whole-batch path ({@code ops.Conv}: im2col, two GEMMs and col2im over
 * [ck, N·L]) allocated and zeroed three tensors the size of the batch's columns every call (about 1.4 MB a 96×96
 * image in ELIXR-C's conv tower), each written and read back from memory. Grouped convolutions keep that path, except
 * depthwise ones ({@link DepthwiseBackward}, no columns at all). Blocking and vector strategy are those of the parts.
 * ELIXR-C's tower (3×3 stride 2, batch 32, one thread, AVX2 Zen 3, scratch harness): dW of 16 → 32 channels at 48×48
 * 4.2 ms against 5.7–6.1 by im2col, 32 → 64 at 24×24 3.1 against 4.3–4.4, 64 → 96 at 12×12 2.2 against 3.3; dx of
 * 16 → 32 4.3 against 5.2–5.7 (the other two unchanged).
 */
final class Conv2dBackward {
    /**
     * Whether dx at stride 2 (dW done apart) goes through {@link PhaseInputGradient} rather than a column gradient and
     * {@link PhaseCol2im}: yes unless {@code -Delixr.conv.phaseInputGradient=false} (comparisons).
     */
    static final boolean PHASES = Boolean.parseBoolean(System.getProperty("elixr.conv.phaseInputGradient", "true"));

    /** Floats per column band (2 MB): large enough for long GEMMs, small enough to stay in the last-level cache. */
    static final int BAND_FLOATS = 1 << 19;

    private Conv2dBackward() {}

    /** Images per chunk of a batch of n whose columns are {@code columns} floats an image: a band's worth, at least one. */
    static int chunkImages(long n, long columns) {
        return (int) Math.max(1, Math.min(n, BAND_FLOATS / Math.max(1, columns)));
    }

    /**
     * The floats {@link #backward} allocates besides dx and dw for n images x [n, C, H, W] and weights [O, C, KH, KW]:
     * the larger of {@link ConvWeightGradient}'s (where it takes dW) and {@link PhaseInputGradient}'s (where it takes dx)
     * or the bands (g regrouped, the columns where dW is not taken apart, their gradient); one chunk's worth, whatever
     * the batch beyond it.
     */
    static long scratchFloats(long n, int[] xShape, int[] wShape, Conv2dParams p) {
        int[] x = xShape.clone();
        x[0] = (int) Math.min(Integer.MAX_VALUE, n);
        ConvGeometry q = ConvGeometry.of(x, wShape[2], wShape[3], p);
        boolean apart = ConvWeightGradient.suits(q), wide = apart && PhaseCol2im.suits(q);
        long dwScratch = apart ? ConvWeightGradient.scratchFloats(q, wShape[0], Parallel.threads()) : 0;
        if (wide && PHASES) return Math.max(dwScratch, PhaseInputGradient.scratchFloats(q, wShape[0], Parallel.threads()));
        long lw = (long) q.oh() * (wide ? PhasePlanes.wideRow(q.ow(), q.kw()) : q.ow()), nb = chunkImages(n, q.ck() * lw);
        long bands = nb * ((long) wShape[0] * lw + q.ck() * lw + (apart ? 0 : (long) q.ck() * q.l()));
        return Math.max(dwScratch, bands);
    }

    /** x [N,C,H,W], w [O,C,KH,KW], g [N,O,OH,OW] → dx (zero-filled, or null) and dw (or null), both fresh outputs. */
    static void backward(Tensor x, Tensor w, Tensor g, Conv2dParams p, Tensor dx, Tensor dw) {
        if (p.groups() != 1) throw new IllegalArgumentException("conv2d backward: the fused path takes groups = 1, got " + p);
        Tensor xd = HostArrays.dense(x), wd = HostArrays.dense(w), gd = HostArrays.dense(g);
        ConvGeometry q = ConvGeometry.of(x.shape(), w.size(2), w.size(3), p);
        int o = w.size(0), ck = q.ck(), l = q.l(), n = q.n();
        if (n == 0 || l == 0) return;
        if (dw != null && ConvWeightGradient.suits(q)) {
            ConvWeightGradient.compute(xd.storage().array(), xd.offset(), gd.storage().array(), gd.offset(), q, o, dw.storage().array(), dw.offset());
            if (dx == null) return;
            dw = null;
        }
        if (dx != null && dw == null && PHASES && PhaseInputGradient.suits(q)) { // stride 2: dx with no column matrix at all
            PhaseInputGradient.compute(gd.storage().array(), gd.offset(), wd.storage().array(), wd.offset(), q, o, dx.storage().array(), dx.offset());
            return;
        }
        // dx alone at stride 2: the output gradient in wide rows and col2im through phase planes (PhaseCol2im)
        boolean wide = dw == null && PhaseCol2im.suits(q);
        int rowPitch = wide ? PhasePlanes.wideRow(q.ow(), q.kw()) : q.ow(), lw = q.oh() * rowPitch, ow = q.ow();
        int nb = chunkImages(n, (long) ck * lw);
        // per call, not kept per thread: a band retained between steps is heap that MemoryPlan's backward replay cannot see
        float[] gb = new float[o * nb * lw], cols = dw == null ? null : new float[ck * nb * l], dcols = dx == null ? null : new float[ck * nb * lw];
        float[] gs = gd.storage().array(), xs = xd.storage().array(), ws = wd.storage().array();
        int go = gd.offset(), xo = xd.offset(), wo = wd.offset();
        Tensor dwt = dw;
        for (int n0 = 0; n0 < n; n0 += nb) {
            int m = Math.min(nb, n - n0), width = m * lw, first = n0;
            Parallel.forRange(o, Math.max(1, 16384 / Math.max(1, width)), (s, e) -> {
                for (int oc = s; oc < e; oc++)
                    for (int i = 0; i < m; i++) {
                        int from = go + ((first + i) * o + oc) * l, to = oc * width + i * lw;
                        if (!wide) System.arraycopy(gs, from, gb, to, l);
                        else for (int oy = 0; oy < q.oh(); oy++) System.arraycopy(gs, from + oy * ow, gb, to + oy * rowPitch, ow); // junk columns stay 0
                    }
            });
            if (dwt != null) {
                CpuIm2col.im2col(xs, xo, q, n0, m, cols, 0);
                Sgemm.sgemm(false, true, o, ck, width, 1f, gb, 0, width, cols, 0, width, n0 == 0 ? 0f : 1f,
                        dwt.storage().array(), dwt.offset(), ck);
            }
            if (dx != null) {
                Sgemm.sgemm(true, false, ck, width, o, 1f, ws, wo, ck, gb, 0, width, 0f, dcols, 0, width);
                if (wide) PhaseCol2im.col2im(dcols, 0, q, n0, m, dx.storage().array(), dx.offset());
                else CpuIm2col.col2im(dcols, 0, q, n0, m, dx.storage().array(), dx.offset());
            }
        }
    }

}
