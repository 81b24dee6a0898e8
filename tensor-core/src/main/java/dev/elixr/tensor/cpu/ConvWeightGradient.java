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
 * small images as fill one), whose xt (and, for several images, g's rows regrouped to [O][group·L]) is written in
 * parallel, then per K block each thread packs A (L2), and per strip packs B (L1) and runs the micro-kernel over every
 * MR strip of A, accumulating into its columns of dW' after the first block. The scratch is one group's, whatever the
 * batch ({@link #scratchFloats}). Every dW'
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
        long image = (long) ((q.oh() - 1) * q.sh() + q.kh()) * ((q.ow() - 1) * q.sw() + q.kw()) * q.c();
        return group * image + (group > 1 ? (long) o * group * q.l() : 0) + 2 * pitch + rows * pitch
                + threads * (rows * kc + kc * nr + kc);
    }

    /** dw [o, C, KH, KW] (dense at dwo, overwritten) from x [N, C, H, W] (dense at xo) and g [N, o, OH, OW] (dense at go). */
    static void compute(float[] xs, int xo, float[] gs, int go, ConvGeometry q, int o, float[] dw, int dwo) {
        int n = q.n(), c = q.c(), l = q.l(), kk = q.kh() * q.kw(), cols = kk * c;
        int hp = (q.oh() - 1) * q.sh() + q.kh(), wp = (q.ow() - 1) * q.sw() + q.kw(), image = hp * wp * c;
        GemmPlan plan = Sgemm.PLAN;
        MicroKernel kernel = plan.kernel();
        int mr = kernel.mr(), nr = kernel.nr(), strips = (cols + nr - 1) / nr, pitch = strips * nr, rows = Sgemm.roundUp(o, mr);
        int group = group(q), kc = Sgemm.evenBlock(group * l, plan.kc(), 1);
        int[] colOff = new int[pitch];
        for (int j = 0; j < pitch; j++) colOff[j] = j < cols ? (j / c / q.kw() * wp + j / c % q.kw()) * c + j % c : -1;
        // a group of several images has its g rows regrouped to [o][group·L]; one image's are g's own rows (lda L)
        float[] xt = new float[group * image], gg = group > 1 ? new float[o * group * l] : null, dwp = new float[rows * pitch];
        int threads = 2L * o * cols * n * l >= Sgemm.PARALLEL_FLOPS ? Math.min(Parallel.threads(), strips) : 1;
        for (int g0 = 0; g0 < n; g0 += group) {
            int first = g0, m = Math.min(group, n - g0), width = m * l;
            Parallel.forRange(m, 1, (s, e) -> {
                for (int i = s; i < e; i++) {
                    channelsLast(xs, xo + (first + i) * c * q.h() * q.w(), q, hp, wp, xt, i * image);
                    if (gg != null) for (int oc = 0; oc < o; oc++) System.arraycopy(gs, go + ((first + i) * o + oc) * l, gg, oc * width + i * l, l);
                }
            });
            MemorySegment a = MemorySegment.ofArray(gg != null ? gg : gs);
            int aOff = gg != null ? 0 : go + first * o * l;
            Parallel.RangeBody body = (s, e) -> {
                int s0 = strips * s / threads, s1 = strips * e / threads;
                float[] ap = new float[rows * kc], bp = new float[kc * nr];
                int[] pix = new int[kc];
                for (int k0 = 0; k0 < width; k0 += kc) {
                    int kb = Math.min(kc, width - k0);
                    GemmPack.packA(mr, false, a, aOff, width, 0, o, k0, kb, ap);
                    for (int p = 0; p < kb; p++) {
                        int pos = k0 + p, ni = pos / l, j = pos - ni * l, oy = j / q.ow(), ox = j - oy * q.ow();
                        pix[p] = ni * image + (oy * q.sh() * wp + ox * q.sw()) * c;
                    }
                    boolean acc = first > 0 || k0 > 0;
                    for (int js = s0; js < s1; js++) {
                        packStrip(xt, pix, kb, colOff, js * nr, nr, bp);
                        for (int ti = 0; ti * mr < o; ti++)
                            kernel.packed(ap, ti * mr * kb, bp, 0, kb, dwp, ti * mr * pitch + js * nr, pitch, acc);
                    }
                }
            };
            if (threads > 1) Parallel.forChunks(threads, 1, body);
            else body.run(0, 1);
        }
        for (int oc = 0; oc < o; oc++)
            for (int j = 0; j < cols; j++) dw[dwo + (oc * c + j % c) * kk + j / c] = dwp[oc * pitch + j];
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
     * Image x (C planes of H×W at xs[xi]) into xt[at …] as [HP][WP][C], zeros outside the image (xt is reused from
     * group to group): per in-image row, 8 channels × VL columns at a time by an 8×VL register transpose, the ragged
     * columns float by float.
     */
    static void channelsLast(float[] xs, int xi, ConvGeometry q, int hp, int wp, float[] xt, int at) {
        int c = q.c(), h = q.h(), w = q.w(), plane = h * w;
        int first = Math.min(q.pw(), wp), last = Math.min(wp, w + q.pw()), n = Math.max(0, last - first), vec = n - n % VL;
        for (int r = 0; r < hp; r++) {
            int iy = r - q.ph(), row = at + r * wp * c;
            if (iy < 0 || iy >= h) {
                Arrays.fill(xt, row, row + wp * c, 0f);
                continue;
            }
            Arrays.fill(xt, row, row + first * c, 0f);
            Arrays.fill(xt, row + (first + n) * c, row + wp * c, 0f);
            for (int ix = 0; ix < vec; ix += VL)
                for (int c0 = 0; c0 < c; c0 += 8)
                    GemmPackArrays.transpose8Strided(xs, xi + c0 * plane + iy * w + ix, plane, xt, row + (first + ix) * c + c0, c);
            for (int ix = vec; ix < n; ix++)
                for (int ci = 0; ci < c; ci++) xt[row + (first + ix) * c + ci] = xs[xi + ci * plane + iy * w + ix];
        }
    }
}
