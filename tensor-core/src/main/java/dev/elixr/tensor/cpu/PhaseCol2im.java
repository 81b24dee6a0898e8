package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * col2im at stride 2 (dilation 1, groups 1) through phase planes, the adjoint of {@link PhasePlanes}: the column
 * gradient dcols[(ci·KH + ky)·KW + kx][j] over wide output positions (rows of WP = OW + ⌊(KW − 1)/2⌋, the junk
 * columns 0 because the output gradient was laid out with zeros there) is added row by row into the four zero-padded
 * phase planes of one input channel, P[ky mod 2][kx mod 2] from (⌊ky/2⌋, ⌊kx/2⌋) on: one contiguous run of vector adds
 * per kernel tap, where {@link CpuIm2col#col2im} adds each output row into every other float of an input row
 * ({@link StrideTwo#scatterAdd}). Then the planes are interleaved back into the channel's rows of dx, padding dropped:
 * dx[iy][2t + e] = P[(iy + ph) mod 2][(e + pw) mod 2][(iy + ph)/2][t + (e + pw)/2], two rows zipped per 2·VL floats
 * ({@link GemmPack#zipLo} and {@link GemmPack#zipHi}).
 *
 * <p>Since {@link PhaseInputGradient} (dx with no column gradient at all) the backward takes this path only with
 * {@code -Delixr.conv.phaseInputGradient=false} (comparisons; {@code StrideTwoBackwardBenchmark}); its {@link #merge}
 * serves both.
 *
 * <p>Each dx element receives its taps' values in im2col's order, from zero, as in CpuIm2col.col2im, plus the exact
 * zeros of junk columns that wrap onto it (x + 0 = x; only a −0 would become +0). One (image, channel) a task, so
 * every dx float is written by one thread: the same bits for any thread count.
 */
final class PhaseCol2im {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = S.length();

    private PhaseCol2im() {}

    /**
     * Whether the part of a dx row past its whole vectors (all of a row of 24 or 12 floats, a third of a row of 48, on
     * 512-bit vectors) moves as masked vector steps rather than float by float: by default where the vectors are 512
     * bits wide. Intel Xeon, one thread, col2im of 32 images at the ELIXR-C tower's stride-2 shapes (16 channels of 48²,
     * 32 of 24², 64 of 12²; a scratch harness, best of 0.3 s, two JVMs each way), float by float → masked: AVX-512
     * 1,024 → 722–737, 970–993 → 518–536 and 647–671 → 493–495 µs; its AVX2 code path (-XX:UseAVX=2) 613 → 601–606,
     * 603–616 → 510–518, 611–664 → 489–497, but the whole input gradient there (StrideTwoBackwardBenchmark: Wᵀ·g,
     * col2im, the new dx) moved by −3.5% to +2.7% only, where on AVX-512 it fell 10–19%. So below 512 bits the default stays
     * float by float (on the AMD Zen 3 a masked tail made the phase-plane split a quarter slower).
     * {@code -Delixr.phaseCol2im.maskedTails=true|false} overrides.
     */
    static final boolean MASKED_TAILS = Boolean.parseBoolean(System.getProperty("elixr.phaseCol2im.maskedTails",
            Boolean.toString(S.vectorBitSize() >= 512)));

    /** Whether this path takes the col2im of a convolution: stride 2 both ways, dilation 1, groups 1. */
    static boolean suits(ConvGeometry q) { return q.groups() == 1 && PhasePlanes.suits(q.sh(), q.sw(), q.dh(), q.dw()); }

    /**
     * Writes dx of images n0 … n0 + count − 1 (dense at xo; every float of their planes written) from the column gradient
     * at in[co …] laid out [ck][count · OH · WP].
     */
    static void col2im(float[] in, int co, ConvGeometry q, int n0, int count, float[] dx, int xo) {
        col2im(in, co, q, n0, count, dx, xo, MASKED_TAILS);
    }

    /** {@link #col2im} with the rows' tails masked or float by float (tests hold both to col2im on any machine). */
    static void col2im(float[] in, int co, ConvGeometry q, int n0, int count, float[] dx, int xo, boolean maskedTails) {
        int wp = PhasePlanes.wideRow(q.ow(), q.kw()), hu = q.oh() + (q.kh() - 1) / 2, plane = hu * wp, lw = q.oh() * wp;
        int kk = q.kh() * q.kw(), nl = count * lw, size = 4 * plane + wp + VL; // wrapped junk reaches ≤ WP past the last plane
        Parallel.forRange(count * q.c(), 1, (s, e) -> {
            float[] p = new float[size];
            for (int t = s; t < e; t++) {
                int i = t / q.c(), ci = t % q.c();
                Arrays.fill(p, 0f);
                for (int ky = 0; ky < q.kh(); ky++)
                    for (int kx = 0; kx < q.kw(); kx++) {
                        int row = co + (ci * kk + ky * q.kw() + kx) * nl + i * lw;
                        add(in, row, p, ((ky & 1) * 2 + (kx & 1)) * plane + (ky >> 1) * wp + (kx >> 1), lw);
                    }
                merge(p, 0, q, wp, plane, dx, xo + ((n0 + i) * q.c() + ci) * q.h() * q.w(), maskedTails);
            }
        });
    }

    /** p[to + j] += in[from + j] for j &lt; n. */
    private static void add(float[] in, int from, float[] p, int to, int n) {
        int j = 0;
        for (int b = S.loopBound(n); j < b; j += VL)
            FloatVector.fromArray(S, p, to + j).add(FloatVector.fromArray(S, in, from + j)).intoArray(p, to + j);
        for (; j < n; j++) p[to + j] += in[from + j];
    }

    /**
     * The channel's dx rows (H × W at out[at]) from its phase planes (P[ry][rx] at p[po + (2·ry + rx)·plane], HU rows
     * of wp floats, HU = OH + ⌊(KH − 1)/2⌋, plane ≥ HU·wp; also {@link PhaseInputGradient}'s): padded row r = iy + ph, column c = ix + pw. Rows
     * and columns no tap reads (past the planes: a kernel that stops short of the image's last row or column) are 0.
     * A row's last floats, after the whole vectors, move as masked steps when {@code masked} (phase-plane columns past
     * WP are masked off the loads, which gives their 0), else float by float.
     */
    static void merge(float[] p, int po, ConvGeometry q, int wp, int plane, float[] out, int at, boolean masked) {
        int w = q.w(), hu = q.oh() + (q.kh() - 1) / 2, pw = q.pw(), rx0 = pw & 1, off0 = pw >> 1, rx1 = (1 + pw) & 1, off1 = (1 + pw) >> 1;
        int vec = Math.max(0, Math.min(w / 2, Math.min(wp - off0, wp - off1)) - VL + 1); // t below this: whole vectors in the row
        for (int iy = 0; iy < q.h(); iy++) {
            int r = iy + q.ph(), dst = at + iy * w;
            if (r >> 1 >= hu) {
                Arrays.fill(out, dst, dst + w, 0f);
                continue;
            }
            int base = po + (r & 1) * 2 * plane + (r >> 1) * wp, a = base + rx0 * plane + off0, b = base + rx1 * plane + off1, t = 0;
            for (; t < vec; t += VL) { // the even floats of 2·VL from plane rx0, the odd ones from rx1
                FloatVector ev = FloatVector.fromArray(S, p, a + t), od = FloatVector.fromArray(S, p, b + t);
                GemmPack.zipLo(ev, od).intoArray(out, dst + 2 * t);
                GemmPack.zipHi(ev, od).intoArray(out, dst + 2 * t + VL);
            }
            if (masked) {
                for (; 2 * t < w; t += VL) { // evens t … t + VL − 1 (even floats 2t …), odds likewise
                    int rest = w - 2 * t;
                    FloatVector ev = FloatVector.fromArray(S, p, a + t, S.indexInRange(0, Math.min((rest + 1) / 2, wp - off0 - t)));
                    FloatVector od = FloatVector.fromArray(S, p, b + t, S.indexInRange(0, Math.min(rest / 2, wp - off1 - t)));
                    GemmPack.zipLo(ev, od).intoArray(out, dst + 2 * t, S.indexInRange(0, rest));
                    if (rest > VL) GemmPack.zipHi(ev, od).intoArray(out, dst + 2 * t + VL, S.indexInRange(VL, rest));
                }
                continue;
            }
            for (int ix = 2 * t; ix < w; ix++) {
                int e = ix & 1, v = ix / 2 + (e == 0 ? off0 : off1);
                out[dst + ix] = v >= wp ? 0f : p[(e == 0 ? a - off0 : b - off1) + v];
            }
        }
    }
}
