package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;

import java.util.Arrays;

/**
 * im2col and its adjoint col2im (Chellapilla et al. 2006) for the convolution backward, cols laid out
 * [G, Cg·KH·KW, N·OH·OW]. Strategy: im2col runs one column row (g, c, i, j) per task and copies whole output rows
 * of in-image pixels (System.arraycopy at stride 1, {@link StrideTwo}'s vector gather at stride 2, a strided loop
 * otherwise), the in-image column range computed
 * once per kernel column, and writes the padding zeros around them (every entry written once: the column buffer is
 * the largest tensor of a convolution backward); col2im runs one (image, channel) plane per task, so every dx cell is written by one
 * thread, and adds back in im2col's order (deterministic for any thread count; at stride 2 by {@link StrideTwo#scatterAdd},
 * the same adds).
 */
final class CpuIm2col {
    private CpuIm2col() {}

    static void im2col(Tensor x, int kh, int kw, Conv2dParams p, Tensor cols) {
        if (cols.numel() == 0) return;
        Tensor xd = HostArrays.dense(x);
        ConvGeometry q = ConvGeometry.of(x.shape(), kh, kw, p);
        im2col(xd.storage().array(), xd.offset(), q, 0, q.n(), cols.storage().array(), cols.offset());
    }

    /** The columns of images n0 … n0+count−1 of x (dense at xo) as [G, ck, count·L] at co. */
    static void im2col(float[] in, int xo, ConvGeometry q, int n0, int count, float[] out, int co) {
        if (q.sw() == 2) {
            im2colStrideTwo(in, xo, q, n0, count, out, co);
            return;
        }
        int kh = q.kh(), kw = q.kw(), nl = count * q.l();
        Parallel.forRange(q.groups() * q.ck(), 1, (s, e) -> {
            for (int row = s; row < e; row++) {
                int gi = row / q.ck(), r = row % q.ck(), c = r / (kh * kw), i = (r / kw) % kh, j = r % kw;
                int ch = gi * q.cg() + c, lo = q.firstColumn(j), run = q.lastColumn(j) - lo, dx = lo * q.sw() - q.pw() + j * q.dw();
                for (int n = n0; n < n0 + count; n++) {
                    int xBase = xo + (n * q.c() + ch) * q.h() * q.w(), cBase = co + row * nl + (n - n0) * q.l();
                    for (int oy = 0; oy < q.oh(); oy++) {
                        int iy = oy * q.sh() - q.ph() + i * q.dh(), line = cBase + oy * q.ow();
                        if (iy < 0 || iy >= q.h() || run <= 0) {
                            Arrays.fill(out, line, line + q.ow(), 0f);
                            continue;
                        }
                        Arrays.fill(out, line, line + lo, 0f);
                        Arrays.fill(out, line + lo + run, line + q.ow(), 0f);
                        int src = xBase + iy * q.w() + dx, dst = line + lo;
                        if (q.sw() == 1) System.arraycopy(in, src, out, dst, run);
                        else if (q.sw() == 2) StrideTwo.gather(in, src, out, dst, run);
                        else for (int t = 0; t < run; t++) out[dst + t] = in[src + t * q.sw()];
                    }
                }
            }
        });
    }

    /**
     * im2col at a column stride of 2 over phase planes: one task per input channel splits each of its image planes
     * once into the even and the odd floats of every row ({@link StrideTwo#gather}; one long gather over the whole
     * plane when rows are of even length), after which the in-image part of every column line is one
     * System.arraycopy from a phase plane, for all kh·kw kernel positions. The per-line gather this replaces ran as a
     * scalar loop on lines shorter than two vectors (every line of the demo's conv tower below 48×48 on 512 bits).
     * Every float is copied, so the columns equal those of the per-line loop exactly.
     */
    private static void im2colStrideTwo(float[] in, int xo, ConvGeometry q, int n0, int count, float[] out, int co) {
        int nl = count * q.l(), h = q.h(), w = q.w(), half = (w + 1) / 2;
        Parallel.forRange(q.groups() * q.cg() * count, 1, (s, e) -> {
            float[] even = new float[h * half], odd = new float[h * half];
            for (int task = s; task < e; task++) {
                int ch = task / count, n = n0 + task % count;
                splitPhases(in, xo + (n * q.c() + ch) * h * w, 0, h, w, even, odd);
                planeColumns(q, ch, n - n0, nl, even, odd, out, co);
            }
        });
    }

    /** The kh·kw column lines of channel ch of the chunk's image ni from its phase planes, zeros where they leave the image. */
    private static void planeColumns(ConvGeometry q, int ch, int ni, int nl, float[] even, float[] odd, float[] out, int co) {
        int kh = q.kh(), kw = q.kw(), h = q.h(), half = (q.w() + 1) / 2, ow = q.ow(), gi = ch / q.cg(), c = ch % q.cg();
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int row = gi * q.ck() + (c * kh + i) * kw + j, cBase = co + row * nl + ni * q.l();
                int lo = q.firstColumn(j), run = q.lastColumn(j) - lo, dx = lo * 2 - q.pw() + j * q.dw();
                float[] phase = (dx & 1) == 0 ? even : odd;
                int shift = dx >> 1;
                for (int oy = 0; oy < q.oh(); oy++) {
                    int iy = oy * q.sh() - q.ph() + i * q.dh(), line = cBase + oy * ow;
                    if (iy < 0 || iy >= h || run <= 0) {
                        Arrays.fill(out, line, line + ow, 0f);
                        continue;
                    }
                    Arrays.fill(out, line, line + lo, 0f);
                    System.arraycopy(phase, iy * half + shift, out, line + lo, run);
                    Arrays.fill(out, line + lo + run, line + ow, 0f);
                }
            }
        }
    }

    /**
     * even[r·half + u] = plane[r·w + 2u], odd[r·half + u] = plane[r·w + 2u + 1] (half = ⌈w/2⌉) for rows r0 ≤ r &lt; r1 of
     * a w-wide plane; one gather per phase over all those rows when w is even (they are then contiguous in both).
     */
    static void splitPhases(float[] in, int plane, int r0, int r1, int w, float[] even, float[] odd) {
        int half = (w + 1) / 2;
        if (r1 <= r0) return;
        if (w % 2 == 0) {
            StrideTwo.gather(in, plane + r0 * w, even, r0 * half, (r1 - r0) * half);
            StrideTwo.gather(in, plane + r0 * w + 1, odd, r0 * half, (r1 - r0) * half);
            return;
        }
        for (int r = r0; r < r1; r++) {
            StrideTwo.gather(in, plane + r * w, even, r * half, half);
            StrideTwo.gather(in, plane + r * w + 1, odd, r * half, w / 2);
        }
    }

    static void col2im(Tensor cols, int kh, int kw, Conv2dParams p, Tensor dx) {
        if (dx.numel() == 0) return;
        Tensor cd = HostArrays.dense(cols);
        ConvGeometry q = ConvGeometry.of(dx.shape(), kh, kw, p);
        col2im(cd.storage().array(), cd.offset(), q, 0, q.n(), dx.storage().array(), dx.offset());
    }

    /** Adds the columns [G, ck, count·L] at co of images n0 … n0+count−1 into those images of dx (dense at xo). */
    static void col2im(float[] in, int co, ConvGeometry q, int n0, int count, float[] out, int xo) {
        int kh = q.kh(), kw = q.kw(), nl = count * q.l();
        Parallel.forRange(count * q.c(), 1, (s, e) -> {
            for (int k = s; k < e; k++) {
                int n = n0 + k / q.c(), ch = k % q.c(), gi = ch / q.cg(), c = ch % q.cg(), xBase = xo + (n * q.c() + ch) * q.h() * q.w();
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        int row = gi * q.ck() + (c * kh + i) * kw + j, cBase = co + row * nl + (n - n0) * q.l();
                        int lo = q.firstColumn(j), run = q.lastColumn(j) - lo, dxOff = lo * q.sw() - q.pw() + j * q.dw();
                        for (int oy = 0; oy < q.oh(); oy++) {
                            int iy = oy * q.sh() - q.ph() + i * q.dh();
                            if (iy < 0 || iy >= q.h()) continue;
                            int dst = xBase + iy * q.w() + dxOff, src = cBase + oy * q.ow() + lo;
                            if (q.sw() == 2) StrideTwo.scatterAdd(in, src, out, dst, run);
                            else for (int t = 0; t < run; t++) out[dst + t * q.sw()] += in[src + t];
                        }
                    }
                }
            }
        });
    }
}
