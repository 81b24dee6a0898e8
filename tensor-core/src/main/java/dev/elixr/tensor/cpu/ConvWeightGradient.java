package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The weight gradient of a dense convolution (groups 1, dilation 1, C a multiple of the vector length and of 8) as an
 * implicit GEMM over a channels-last copy of the input:
 * <pre>
 *   dW'[o][(ky·KW + kx)·C + ci] = Σ over images n and output positions (oy, ox) of g[n][o][oy·OW + ox] · xt[n][oy·sh + ky][ox·sw + kx][ci]
 * </pre>
 * with xt the input zero-padded and transposed to [N][HP][WP][C] (HP = (OH − 1)·sh + KH, WP = (OW − 1)·sw + KW), and
 * dW[o][ci][ky][kx] = dW'[o][(ky·KW + kx)·C + ci] at the end. Against the im2col path ({@link Conv2dBackward}: the
 * column matrix gathered, then transposed again by {@link Sgemm}'s packing, both K·9 floats an output position), the
 * only transpose here is of the input itself (xt: C floats an input position, 8×VL register transposes), and a B strip
 * (KC output positions × NR consecutive columns of dW') is KC runs of NR channels of one tap, each a plain vector copy
 * from xt.
 *
 * <p>Blocking (Goto and van de Geijn, TOMS 2008): M = O (the output gradient g, packed into MR-tall strips a K block at
 * a time), N = KH·KW·C (the B strips, each thread a contiguous range of them), K = the N·L output positions in KC
 * blocks, in order. The images go in groups ({@link #group}: one image whose plane spans several K blocks, or as many
 * small images as fill one). Per K block, the padded rows of xt it reads are written in parallel (a whole group's
 * images, or the band of rows one block of a large image reads: {@link #bandRows}; for several images g's rows are
 * regrouped to [O][group·L] too), then each thread packs A (L2), and per strip packs B (L1) and runs the micro-kernel
 * over every MR strip of A, accumulating into its columns of dW' after the first block. The transposes read 8 channel
 * rows front to back at a time: taking all C channels of one column block first kept C read streams open, which the
 * prefetchers did not follow (1×1 144 → 24 at 56×56, batch 8: dW 8.9 ms, 6.0 with this order, 5.7–5.9 by im2col).
 * The scratch is one group's or band's, whatever the batch ({@link #scratchFloats}). Every dW'
 * element is one FMA chain over the positions in order from 0, whatever the thread count or the thread that took
 * its strip. Vector strategy: the micro-kernel's; the B strips' vector copies; xt by {@link GemmPackArrays}' 8×VL
 * register transposes.
 */
final class ConvWeightGradient {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = S.length();

    private ConvWeightGradient() {}

    /** Whether this kernel takes the weight gradient: groups 1, dilation 1, C a multiple of 8 and of VL. */
    static boolean suits(ConvGeometry q) {
        return q.groups() == 1 && q.dh() == 1 && q.dw() == 1 && q.c() % Math.max(8, VL) == 0 && GemmPack.TRANSPOSE;
    }

    /** Images a group: a KC block's worth of small images (their xt in L2 while their K blocks run), or one image in blocks. */
    static int group(ConvGeometry q) {
        return q.l() >= Sgemm.PLAN.kc() ? 1 : Math.max(1, Math.min(q.n(), Sgemm.PLAN.kc() / q.l()));
    }

    /** Floats {@link #compute} allocates for o output channels on {@code threads} threads: one group's worth, whatever the batch. */
    static long scratchFloats(ConvGeometry q, int o, int threads) {
        int group = group(q), mr = Sgemm.PLAN.kernel().mr(), nr = Sgemm.PLAN.kernel().nr(), rows = Sgemm.roundUp(o, mr);
        long cols = (long) q.kh() * q.kw() * q.c(), pitch = Sgemm.roundUp((int) cols, nr), kc = Sgemm.PLAN.kc();
        long image = (long) bandRows(q, group, (int) kc) * ((q.ow() - 1) * q.sw() + q.kw()) * q.c();
        return group * image + (group > 1 ? (long) o * group * q.l() : 0) + 2 * pitch + rows * pitch
                + threads * (rows * kc + kc * nr + kc);
    }

    /** dw [o, C, KH, KW] (dense at dwo, overwritten) from x [N, C, H, W] (dense at xo) and g [N, o, OH, OW] (dense at go). */
    static void compute(float[] xs, int xo, float[] gs, int go, ConvGeometry q, int o, float[] dw, int dwo) {
        int n = q.n(), l = q.l(), kk = q.kh() * q.kw();
        Call w = new Call(q, o);
        // a group of several images has its g rows regrouped to [o][group·L]; one image's are g's own rows (lda L)
        float[] gg = w.group > 1 ? new float[o * w.group * l] : null;
        // units: a group of whole images (one K block), or one image's K block with only the padded rows it reads
        for (int g0 = 0; g0 < n; g0 += w.group) {
            int first = g0, m = Math.min(w.group, n - g0), width = m * l;
            if (gg != null)
                for (int i = 0; i < m; i++)
                    for (int oc = 0; oc < o; oc++) System.arraycopy(gs, go + ((first + i) * o + oc) * l, gg, oc * width + i * l, l);
            MemorySegment a = MemorySegment.ofArray(gg != null ? gg : gs);
            int aOff = gg != null ? 0 : go + first * o * l;
            for (int k0 = 0; k0 < width; k0 += w.kc) {
                int kb = Math.min(w.kc, width - k0), from = k0, r0 = w.group > 1 ? 0 : from / q.ow() * q.sh();
                int r1 = w.group > 1 ? w.band : (from + kb - 1) / q.ow() * q.sh() + q.kh();
                w.copyRows(xs, xo, first, m, r0, r1);
                boolean acc = first > 0 || k0 > 0;
                Parallel.RangeBody body = (s, e) -> { for (int t = s; t < e; t++) w.block(t, a, aOff, width, from, kb, r0, acc); };
                if (w.threads > 1) Parallel.forChunks(w.threads, 1, body);
                else body.run(0, 1);
            }
        }
        for (int oc = 0; oc < o; oc++)
            for (int j = 0; j < w.cols; j++) dw[dwo + (oc * q.c() + j % q.c()) * kk + j / q.c()] = w.dwp[oc * w.pitch + j];
    }

    /** One call's sizes and buffers: xt (a group's or band's rows), dW' and each thread slot's packing arrays. */
    private static final class Call {
        final ConvGeometry q;
        final MicroKernel kernel = Sgemm.PLAN.kernel();
        final int o, c, cols, wp, rowFloats, mr, nr, strips, pitch, rows, group, kc, band, threads;
        final int[] colOff;
        final float[] xt, dwp;
        final float[][] aps, bps; // per thread slot (forChunks of 1)
        final int[][] pixes;

        Call(ConvGeometry q, int o) {
            this.q = q; this.o = o; c = q.c(); cols = q.kh() * q.kw() * c;
            wp = (q.ow() - 1) * q.sw() + q.kw(); rowFloats = wp * c;
            mr = kernel.mr(); nr = kernel.nr(); strips = (cols + nr - 1) / nr; pitch = strips * nr; rows = Sgemm.roundUp(o, mr);
            group = group(q); kc = Sgemm.evenBlock(group * q.l(), Sgemm.PLAN.kc(), 1); band = bandRows(q, group, kc);
            colOff = new int[pitch];
            for (int j = 0; j < pitch; j++) colOff[j] = j < cols ? (j / c / q.kw() * wp + j / c % q.kw()) * c + j % c : -1;
            xt = new float[group * band * rowFloats];
            dwp = new float[rows * pitch];
            threads = 2L * o * cols * q.n() * q.l() >= Sgemm.PARALLEL_FLOPS ? Math.min(Parallel.threads(), strips) : 1;
            aps = new float[threads][rows * kc];
            bps = new float[threads][kc * nr];
            pixes = new int[threads][kc];
        }

        /** Padded rows r0 … r1 − 1 of images first … first + m − 1 into xt, in parallel. */
        void copyRows(float[] xs, int xo, int first, int m, int r0, int r1) {
            int plane = c * q.h() * q.w(), span = r1 - r0;
            Parallel.forRange(m * span, Math.max(1, 4096 / Math.max(1, rowFloats)), (s, e) -> {
                float[] scratch = GemmPackArrays.transposeScratch();
                for (int t = s; t < e; t++) {
                    int i = t / span, r = r0 + t % span;
                    channelsLastRow(xs, xo + (first + i) * plane, q, r, wp, xt, (i * band + r - r0) * rowFloats, scratch);
                }
            });
        }

        /**
         * Thread slot s's strips of the K block of kb positions from position {@code from} of the unit (A = g rows at
         * a[aOff], lda width; xt's rows from padded row r0): pack A, then per strip pack B and run every MR strip of A.
         */
        void block(int s, MemorySegment a, int aOff, int width, int from, int kb, int r0, boolean acc) {
            int s0 = strips * s / threads, s1 = strips * (s + 1) / threads, l = q.l();
            float[] ap = aps[s], bp = bps[s];
            int[] pix = pixes[s];
            GemmPack.packA(mr, false, a, aOff, width, 0, o, from, kb, ap);
            for (int p = 0; p < kb; p++) {
                int pos = from + p, ni = pos / l, j = pos - ni * l, oy = j / q.ow(), ox = j - oy * q.ow();
                pix[p] = (ni * band + oy * q.sh() - r0) * rowFloats + ox * q.sw() * c;
            }
            for (int js = s0; js < s1; js++) {
                packStrip(xt, pix, kb, colOff, js * nr, nr, bp);
                for (int ti = 0; ti * mr < o; ti++)
                    kernel.packed(ap, ti * mr * kb, bp, 0, kb, dwp, ti * mr * pitch + js * nr, pitch, acc);
            }
        }
    }

    /** Padded rows an image's copy holds: all HP for a group of whole images, else the most one K block of kc positions reads. */
    static int bandRows(ConvGeometry q, int group, int kc) {
        int hp = (q.oh() - 1) * q.sh() + q.kh();
        if (group > 1) return hp;
        int outRows = Math.min(q.oh(), (kc - 1) / q.ow() + 2); // a block of kc positions starting anywhere in a row
        return Math.min(hp, (outRows - 1) * q.sh() + q.kh());
    }

    /** Strip bp[p·NR + jj] = xt[pix[p] + colOff[j0 + jj]] for p &lt; kb: VL-float runs (C is a multiple of VL), zeros past the columns. */
    private static void packStrip(float[] xt, int[] pix, int kb, int[] colOff, int j0, int nr, float[] bp) {
        for (int v = 0; v < nr; v += VL) {
            int off = colOff[j0 + v];
            if (off < 0) {
                for (int p = 0; p < kb; p++) FloatVector.zero(S).intoArray(bp, p * nr + v);
                continue;
            }
            for (int p = 0; p < kb; p++) FloatVector.fromArray(S, xt, pix[p] + off).intoArray(bp, p * nr + v);
        }
    }

    /**
     * Image x (C planes of H×W at xs[xi]) into xt[at …] as [HP][WP][C], zeros outside the image (tests; {@link #compute}
     * copies only the rows a K block reads, {@link #channelsLastRow}).
     */
    static void channelsLast(float[] xs, int xi, ConvGeometry q, int hp, int wp, float[] xt, int at) {
        float[] scratch = GemmPackArrays.transposeScratch();
        for (int r = 0; r < hp; r++) channelsLastRow(xs, xi, q, r, wp, xt, at + r * wp * q.c(), scratch);
    }

    /**
     * Padded row r of image x (C planes of H×W at xs[xi]) into xt[at, at + WP·C) as [WP][C], zeros outside the image
     * (xt is reused): 8 channels × VL columns at a time by an 8×VL register transpose (through {@code scratch},
     * {@link GemmPackArrays#transposeScratch}), the ragged columns float by float.
     */
    static void channelsLastRow(float[] xs, int xi, ConvGeometry q, int r, int wp, float[] xt, int row, float[] scratch) {
        int c = q.c(), h = q.h(), w = q.w(), plane = h * w, iy = r - q.ph();
        if (iy < 0 || iy >= h) {
            Arrays.fill(xt, row, row + wp * c, 0f);
            return;
        }
        int first = Math.min(q.pw(), wp), last = Math.min(wp, w + q.pw()), n = Math.max(0, last - first), vec = n - n % VL;
        Arrays.fill(xt, row, row + first * c, 0f);
        Arrays.fill(xt, row + (first + n) * c, row + wp * c, 0f);
        for (int c0 = 0; c0 < c; c0 += 8) // 8 channel rows read front to back (8 streams, not C), each transposed VL columns at a time
            for (int ix = 0; ix < vec; ix += VL)
                GemmPackArrays.transpose8Strided(xs, xi + c0 * plane + iy * w + ix, plane, xt, row + (first + ix) * c + c0, c, scratch);
        for (int ix = vec; ix < n; ix++)
            for (int ci = 0; ci < c; ci++) xt[row + (first + ix) * c + ci] = xs[xi + ci * plane + iy * w + ix];
    }
}
