package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;

/**
 * Both gradients of a dense convolution (groups = 1) without whole-batch column buffers: the images go in chunks of
 * nb whose columns fill a band of about {@link #BAND_FLOATS} floats; per chunk, the output gradient g [nb, O, L] is
 * gathered into [O, nb·L] (one row copy per image and channel), then
 * <ul>
 *   <li>dW (+)= g_chunk · cols_chunkᵀ, cols = im2col of the chunk ({@link CpuIm2col}), on {@link Sgemm} with beta 1
 *       after the first chunk: the chunks add in image order and nb follows from the shapes alone, so the bits are
 *       the same for any thread count;</li>
 *   <li>dcols = Wᵀ · g_chunk, folded into the chunk's dx by col2im while the band is still in cache.</li>
 * </ul>
 * The three bands are per thread and reused from call to call: the whole-batch path ({@code ops.Conv}: im2col, two
 * GEMMs and col2im over [ck, N·L]) allocated and zeroed three tensors the size of the batch's columns every call
 * (about 1.4 MB a 96×96 image in ELIXR-C's conv tower), each written and read back from memory. Grouped convolutions
 * keep that path, except depthwise ones ({@link DepthwiseBackward}, no columns at all). Blocking and vector strategy are those of the parts: Sgemm's packed micro-kernels, im2col and
 * col2im's row copies ({@link StrideTwo} at stride 2).
 */
final class Conv2dBackward {
    /** Floats per column band (2 MB): large enough for long GEMMs, small enough to stay in the last-level cache. */
    static final int BAND_FLOATS = 1 << 19;

    private Conv2dBackward() {}

    /** Images per chunk of a batch of n whose columns are {@code columns} floats an image: a band's worth, at least one. */
    static int chunkImages(long n, long columns) {
        return (int) Math.max(1, Math.min(n, BAND_FLOATS / Math.max(1, columns)));
    }

    /**
     * The floats of the three bands {@link #backward} allocates (g regrouped, the columns and their gradient) for n
     * images of {@code columns} = C·KH·KW·OH·OW floats, o output channels and ohw output positions: one chunk's worth,
     * whatever the batch beyond it.
     */
    static long scratchFloats(long n, long columns, int o, int ohw) {
        long nb = chunkImages(n, columns);
        return nb * ((long) o * ohw + 2 * columns);
    }

    /** x [N,C,H,W], w [O,C,KH,KW], g [N,O,OH,OW] → dx (zero-filled, or null) and dw (or null), both fresh outputs. */
    static void backward(Tensor x, Tensor w, Tensor g, Conv2dParams p, Tensor dx, Tensor dw) {
        if (p.groups() != 1) throw new IllegalArgumentException("conv2d backward: the fused path takes groups = 1, got " + p);
        Tensor xd = HostArrays.dense(x), wd = HostArrays.dense(w), gd = HostArrays.dense(g);
        ConvGeometry q = ConvGeometry.of(x.shape(), w.size(2), w.size(3), p);
        int o = w.size(0), ck = q.ck(), l = q.l(), n = q.n();
        if (n == 0 || l == 0) return;
        int nb = chunkImages(n, (long) ck * l);
        // per call, not kept per thread: a band retained between steps is heap that MemoryPlan's backward replay cannot see
        float[] gb = new float[o * nb * l], cols = dw == null ? null : new float[ck * nb * l], dcols = dx == null ? null : new float[ck * nb * l];
        float[] gs = gd.storage().array(), xs = xd.storage().array(), ws = wd.storage().array();
        int go = gd.offset(), xo = xd.offset(), wo = wd.offset();
        for (int n0 = 0; n0 < n; n0 += nb) {
            int m = Math.min(nb, n - n0), width = m * l, first = n0;
            Parallel.forRange(o, Math.max(1, 16384 / Math.max(1, width)), (s, e) -> {
                for (int oc = s; oc < e; oc++)
                    for (int i = 0; i < m; i++) System.arraycopy(gs, go + ((first + i) * o + oc) * l, gb, oc * width + i * l, l);
            });
            if (dw != null) {
                CpuIm2col.im2col(xs, xo, q, n0, m, cols, 0);
                Sgemm.sgemm(false, true, o, ck, width, 1f, gb, 0, width, cols, 0, width, n0 == 0 ? 0f : 1f,
                        dw.storage().array(), dw.offset(), ck);
            }
            if (dx != null) {
                Sgemm.sgemm(true, false, ck, width, o, 1f, ws, wo, ck, gb, 0, width, 0f, dcols, 0, width);
                CpuIm2col.col2im(dcols, 0, q, n0, m, dx.storage().array(), dx.offset());
            }
        }
    }

}
