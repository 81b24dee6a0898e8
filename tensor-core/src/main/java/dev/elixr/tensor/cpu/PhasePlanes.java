package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The B operand of a stride-2 implicit-GEMM convolution (dilation 1; {@link ImplicitConv}) from "wide rows": each
 * input plane is split once an image into its four phase planes, P[ry][rx][u][v] = xp[2u + ry][2v + rx] of the
 * zero-padded input xp[r][c] = x[r − ph][c − pw], each row WP = OW + ⌊(KW − 1)/2⌋ floats wide and HU = OH +
 * ⌊(KH − 1)/2⌋ rows tall, padding written as zeros once. Output (oy, ox) of tap (ky, kx) then reads
 * P[ky mod 2][kx mod 2][oy + ⌊ky/2⌋][ox + ⌊kx/2⌋]: with the output positions counted in rows of WP (j = oy·WP + ox,
 * the last ⌊(KW − 1)/2⌋ of each row being junk that is computed and never stored), row k = (ci·KH + ky)·KW + kx of the
 * im2col matrix is one contiguous run of a phase plane, starting at {@link #tapOffset}[k]. Packing a KB×NR strip is
 * then KB plain copies of NR floats (NR/VL vector loads and stores each): no per-lane geometry, no masks, no border
 * cases, which {@link ConvPanel} spends as much time on as the micro-kernel on the FMAs at stride 2 (JFR: ELIXR-C's
 * convolution tower, 16 → 32 channels at 48×48, pack, row split and descriptors 55% of the convolution's samples).
 *
 * <p>Blocking and vector strategy: the split reads each input row once as two vectors per 2·VL floats ({@link
 * StrideTwo#evens} and {@link StrideTwo#odds}); {@link #pack} copies row by row across
 * the chunk's strips, one forward run of strips·NR floats per k, as ConvPanel does. The junk columns cost
 * ⌊(KW − 1)/2⌋/WP of the products (4% at 48 → 24, 8% at 24 → 12). The packed floats at the real positions are those of
 * the im2col matrix exactly ({@link ConvPanel#packReference}), so the products are the same bits as ConvPanel's.
 */
final class PhasePlanes {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = S.length();

    private int ow, wp, hu, nr, kk;
    private float[] planes = new float[0];
    private int[] tapOffset = new int[0];
    private int j0, strips;

    /** Whether a convolution with these strides and dilations is packed here: stride 2 both ways, dilation 1. */
    static boolean suits(int sh, int sw, int dh, int dw) { return sh == 2 && sw == 2 && dh == 1 && dw == 1; }

    /** Width of an output row in positions, junk columns included: OW + ⌊(KW − 1)/2⌋. */
    static int wideRow(int ow, int kw) { return ow + (kw - 1) / 2; }

    /**
     * Splits the cg planes of h×w floats at x[xOff] for a KH×KW kernel, padding ph×pw, output oh×ow, strips nr wide;
     * the channels split in parallel when {@code parallel} (else on the calling thread: an image per thread already).
     */
    void configure(float[] x, int xOff, int cg, int h, int w, int kh, int kw, int ph, int pw, int oh, int ow, int nr, boolean parallel) {
        configure(x, xOff, cg, h, w, kh, kw, ph, pw, 0, oh, ow, nr, parallel);
    }

    /**
     * As {@link #configure(float[], int, int, int, int, int, int, int, int, int, int, int, boolean)} for output rows y0 …
     * y0 + oh − 1 only (a band of the output: its planes hold phase rows y0 … y0 + HU − 1, positions count from its first
     * row), so that threads can each split and read their own band of an image.
     */
    void configure(float[] x, int xOff, int cg, int h, int w, int kh, int kw, int ph, int pw, int y0, int oh, int ow, int nr,
                   boolean parallel) {
        this.ow = ow; this.wp = wideRow(ow, kw); this.hu = oh + (kh - 1) / 2; this.nr = nr; this.kk = kh * kw;
        int plane = hu * wp, slack = (kw - 1) / 2 + nr; // the last strip's junk lanes read up to this far past the last plane
        int size = 4 * cg * plane + slack;
        if (planes.length < size) planes = new float[size];
        Arrays.fill(planes, size - slack, size, 0f);
        Parallel.RangeBody channels = (s, e) -> {
            float[] row = new float[w + 1]; // a row split whole when its phase rows are narrower than it
            for (int ci = s; ci < e; ci++)
                for (int u = 0; u < hu; u++) // the input's rows in order (2u + ry): one forward stream for the prefetcher
                    for (int ry = 0; ry < 2; ry++) splitRow(x, xOff + ci * h * w, h, w, 2 * (y0 + u) + ry - ph, pw,
                            ((ci * 2 + ry) * 2) * plane + u * wp, plane, row);
        };
        if (parallel && cg > 1) Parallel.forRange(cg, Math.max(1, (1 << 14) / Math.max(1, h * w)), channels);
        else channels.run(0, cg);
        if (tapOffset.length < cg * kk) tapOffset = new int[cg * kk];
        for (int ci = 0; ci < cg; ci++)
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++)
                    tapOffset[(ci * kh + ky) * kw + kx] = ((ci * 2 + (ky & 1)) * 2 + (kx & 1)) * plane + (ky >> 1) * wp + (kx >> 1);
    }

    /**
     * Row iy of the plane at x[in] into row (rx = 0) at planes[at] and row (rx = 1) at planes[at + plane], zeros where
     * the padded row lies outside the image: x column c goes to phase (c + pw) mod 2 at v = (c + pw) / 2.
     */
    private void splitRow(float[] x, int in, int h, int w, int iy, int pw, int at, int plane, float[] split) {
        if (iy < 0 || iy >= h) {
            Arrays.fill(planes, at, at + wp, 0f);
            Arrays.fill(planes, at + plane, at + plane + wp, 0f);
            return;
        }
        int half = (w + 1) / 2, rxEven = pw & 1, rxOdd = rxEven ^ 1;
        int v0e = pw >> 1, v0o = (pw + 1) >> 1;
        if (v0e + half <= wp && v0o + w / 2 <= wp) { // in place, then the few border columns zeroed
            int e = at + rxEven * plane, o = at + rxOdd * plane;
            split(x, in + iy * w, w, planes, e + v0e, o + v0o);
            for (int v = 0; v < v0e; v++) planes[e + v] = 0f;
            for (int v = v0e + half; v < wp; v++) planes[e + v] = 0f;
            for (int v = 0; v < v0o; v++) planes[o + v] = 0f;
            for (int v = v0o + w / 2; v < wp; v++) planes[o + v] = 0f;
            return;
        }
        split(x, in + iy * w, w, split, 0, half); // a row longer than the phase row: only its first WP columns are kept
        place(split, 0, half, v0e, at + rxEven * plane);
        place(split, half, w / 2, v0o, at + rxOdd * plane);
    }

    /**
     * out[even + t] = x[src + 2t] for t &lt; ⌈w/2⌉, out[odd + t] = x[src + 2t + 1] for t &lt; ⌊w/2⌋: {@link StrideTwo#evens}
     * and {@link StrideTwo#odds} per 2·VL floats, the last VL pairs of a row of 2·VL floats or more as one more such step
     * over floats the step before wrote already (the same values again), what is left float by float (no masks: a masked
     * tail cost a quarter more on rows of 24 and 48, measured); {@link ConvPanel}'s row split too. The vector loop is a
     * counted one (C2 put a safepoint poll in the loop it replaced). With the input's rows taken in order (see {@link
     * #configure}), a stride-2 convolution's split ([1,32,112,112], 3×3, 8 bands of 7 rows, AVX-512, Zen 5, one thread,
     * scratch harness, three launches each) took 74–86 µs against 89–97 before these three changes.
     */
    static void split(float[] x, int src, int w, float[] out, int even, int odd) {
        int pairs = w / 2, t = pairs / VL * VL; // whole vector steps, as a counted loop: no safepoint poll in it
        for (int i = 0; i < t; i += VL) {
            FloatVector a = FloatVector.fromArray(S, x, src + 2 * i), b = FloatVector.fromArray(S, x, src + 2 * i + VL);
            StrideTwo.evens(a, b).intoArray(out, even + i);
            StrideTwo.odds(a, b).intoArray(out, odd + i);
        }
        if (t < pairs && pairs >= VL) { // the last VL pairs as one more vector step, overlapping the one before (same values)
            int u = pairs - VL;
            FloatVector a = FloatVector.fromArray(S, x, src + 2 * u), b = FloatVector.fromArray(S, x, src + 2 * u + VL);
            StrideTwo.evens(a, b).intoArray(out, even + u);
            StrideTwo.odds(a, b).intoArray(out, odd + u);
            t = pairs;
        }
        for (; t < pairs; t++) {
            out[even + t] = x[src + 2 * t];
            out[odd + t] = x[src + 2 * t + 1];
        }
        if ((w & 1) != 0) out[even + t] = x[src + w - 1];
    }

    /** n floats of the split row from split[from] into the phase row at planes[row] from column v0, the rest of its WP columns zero. */
    private void place(float[] split, int from, int n, int v0, int row) {
        int lead = Math.min(v0, wp), copy = Math.max(0, Math.min(n, wp - v0));
        Arrays.fill(planes, row, row + lead, 0f);
        System.arraycopy(split, from, planes, row + lead, copy);
        Arrays.fill(planes, row + lead + copy, row + wp, 0f);
    }

    /** Output positions in rows of {@link #wideRow}: OH·WP. */
    int positions(int oh) { return oh * wp; }

    /** Width of a wide output row. */
    int rowPitch() { return wp; }

    /** Where row k of the wide im2col matrix starts in {@link #planes} (tests). */
    int tapOffset(int k) { return tapOffset[k]; }

    float[] planes() { return planes; }

    /** Where each row k of the wide im2col matrix starts in {@link #planes} (read in place by {@link MicroKernel#runs}). */
    int[] tapOffsets() { return tapOffset; }

    /**
     * Makes {@code other} a view of these planes for another thread, with its own chunk; a view is never configured
     * itself (it holds the owner's arrays).
     */
    PhasePlanes shareWith(PhasePlanes other) {
        other.ow = ow; other.wp = wp; other.hu = hu; other.nr = nr; other.kk = kk;
        other.planes = planes; other.tapOffset = tapOffset;
        return other;
    }

    /** Selects the chunk of {@code strips} strips from wide position j0. */
    void describe(int j0, int strips) { this.j0 = j0; this.strips = strips; }

    /**
     * Packs rows pc … pc + kb − 1 of the described strips into bp: strip s at bp[s·pitch, s·pitch + kb·NR), row by row
     * across the strips (one forward run of strips·NR floats of a phase plane per row).
     */
    void pack(int pc, int kb, float[] bp, int pitch) { packRuns(planes, tapOffset, j0, pc, kb, strips, nr, bp, pitch); }

    /**
     * Rows pc … pc + kb − 1 of {@code strips} NR-wide strips from position j0 into bp (strip s at s·pitch, element (q, j)
     * at q·NR + j), row q being the run p[offsets[pc + q] + j0 …]: one forward run of strips·NR floats per row. Also
     * {@link PhaseInputGradient}'s packer (runs of the output gradient).
     */
    static void packRuns(float[] p, int[] offsets, int j0, int pc, int kb, int strips, int nr, float[] bp, int pitch) {
        if (nr == 2 * VL) { // the micro-kernels of two vectors: written out (a loop of two costs 1.3–2×, measured)
            for (int q = 0; q < kb; q++) {
                int src = offsets[pc + q] + j0, dst = q * nr;
                for (int st = 0; st < strips; st++, src += 2 * VL, dst += pitch) {
                    FloatVector a = FloatVector.fromArray(S, p, src), b = FloatVector.fromArray(S, p, src + VL);
                    a.intoArray(bp, dst);
                    b.intoArray(bp, dst + VL);
                }
            }
            return;
        }
        for (int q = 0; q < kb; q++) {
            int src = offsets[pc + q] + j0, dst = q * nr;
            for (int st = 0; st < strips; st++, src += nr, dst += pitch)
                for (int v = 0; v < nr; v += VL) FloatVector.fromArray(S, p, src + v).intoArray(bp, dst + v);
        }
    }
}
