package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The B operand of an implicit-GEMM convolution ({@link ImplicitConv}): strips of the im2col matrix
 * col[(ci·KH + ky)·KW + kx][oy·OW + ox] = x[ci][oy·sh − ph + ky·dh][ox·sw − pw + kx·dw] (0 outside the image) of one
 * image and group, packed straight from the NCHW input into the micro-kernel's layout (element (p, j) of a KB×NR
 * strip at p·NR + j, p counted from the K block's first row), the padding written as zeros at pack time. No im2col
 * matrix exists.
 *
 * <p>Blocking and vector strategy. The strips are packed a chunk at a time (up to {@link ImplicitConv#MAX_STRIPS}), row
 * by row across the chunk's strips, so each input row is read as one forward run of up to 512 floats (one strip alone
 * would read 2·NR/VL floats from each of K rows: too many streams for the prefetchers; measured 2× slower on a
 * 1×1 whose input is in L3). Lane j of a strip reads, for kernel tap (ky, kx), the float at rel(j) = iy·W + ix of the
 * channel's plane. At column stride 1, rel(j) − j is the same for every lane of one output row, so the in-image lanes
 * of a vector form at most a few runs, each one contiguous source range: a run is (base, lanes), lane l reading
 * plane + base + l. {@link #describe} computes the runs of every (tap, vector) of a chunk once, per output-row segment
 * (one division a segment, not a lane); they hold for every input channel and K block, since only the plane base
 * changes with the channel. Packing a vector is then one plain load (all lanes one run: the bulk), one masked load
 * (a run with holes: the image border, the ragged end of the plane; masked-off lanes read as +0), a zero store and
 * masked loads and stores (a vector across output rows whose source ranges differ) or a zero store (all padding). At
 * 'same' padding and stride 1 (OW = W) every vector is a single run, row crossings included, and vector i of a chunk
 * reads from base + i·VL for the whole chunk: such a tap is packed as one straight copy of the chunk's floats, then
 * its vectors with holes or padding (a quarter or less) are packed again by descriptor. At column stride 2 the
 * image is first split into phase planes (even and odd columns, and even and odd rows at row stride 2; one pass over
 * the input, {@link PhasePlanes#split}: {@link StrideTwo#evens} and {@link StrideTwo#odds} per two loads), in which a tap reads consecutive floats again (rel = (iy / rows)·⌈W/2⌉ + ix / 2
 * in phase (iy mod rows, ix mod 2)); at 'same' padding ⌈W/2⌉ = OW, and again one run a vector. Other column strides
 * are not taken ({@link #suits}). The packed floats are those of the im2col matrix exactly ({@link #packReference}).
 */
final class ConvPanel {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = S.length();

    // geometry of the current image and group
    private int h, w, kh, kw, kk, sh, sw, ph, pw, dh, dw, ow, ohw, nr, nv;
    private float[] image, src;
    private int imageOff, cg, base, chanStride;
    // column stride 2: the chunk's input rows split into phase planes (row phases rows2 = 1 or 2, w2 = ⌈w/2⌉ wide)
    private boolean phases;
    private int rows2, w2;
    private int[] phaseOff = new int[0];
    private float[] split = new float[0];

    // per descriptor d = (strip·KK + tap)·NV + vector: kind, first run and run count; per run: base and lane mask
    /** 0 all padding, 1 one run over every lane (plain loads), 2 one run with holes, 3 several runs. */
    private byte[] kind = new byte[0];
    private int[] first = new int[0], count = new int[0];
    private int[] runBase = new int[0], runLanes = new int[0];
    /** Lane masks of the runs as 1 (lane in the run) or 0, VL floats a run: a vector compare makes the mask (a boolean[] mask load is not intrinsified everywhere). */
    private float[] runMask = new float[0];
    private int runs, described;
    /**
     * Per tap: whether vector i of the chunk (all strips) reads plane + uniformBase[tap] + i·VL wherever it reads at all
     * (every tap of a 'same' convolution): it is then packed as one straight copy of the chunk's floats, after which
     * the vectors listed in fix[fixFirst[tap] …] (holes, padding) are packed again by their descriptors.
     */
    private boolean[] uniform = new boolean[0];
    private int[] uniformBase = new int[0], fixFirst = new int[0], fix = new int[0];
    // output-row segments of each vector of the described strips: row, first column, first lane, lanes
    private int[] segRow = new int[0], segCol = new int[0], segLane = new int[0], segLen = new int[0], segFirst = new int[0];

    /** Whether a convolution with this column stride is packed here (1 or 2). */
    static boolean suits(int sw) { return sw == 1 || sw == 2; }

    /** Sets the convolution of one image and group: the cg planes of h×w floats at x[xOff]; strips nr = nv·VL wide. */
    void configure(float[] x, int xOff, int cg, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                   int oh, int ow, int nr) {
        this.h = h; this.w = w; this.kh = kh; this.kw = kw; this.kk = kh * kw;
        this.sh = sh; this.sw = sw; this.ph = ph; this.pw = pw; this.dh = dh; this.dw = dw;
        this.ow = ow; this.ohw = oh * ow; this.nr = nr; this.nv = nr / VL;
        this.image = x; this.imageOff = xOff; this.cg = cg;
        phases = sw == 2;
        rows2 = sh == 2 ? 2 : 1;
        w2 = (w + 1) / 2;
        if (phaseOff.length < kk) phaseOff = new int[kk];
        Arrays.fill(phaseOff, 0, kk, 0);
        src = x; base = xOff; chanStride = h * w;
    }

    /** Takes another packer's convolution and returns this (its own descriptors and phase planes). */
    ConvPanel copyOf(ConvPanel o) {
        configure(o.image, o.imageOff, o.cg, o.h, o.w, o.kh, o.kw, o.sh, o.sw, o.ph, o.pw, o.dh, o.dw, o.ohw / o.ow, o.ow, o.nr);
        return this;
    }

    /**
     * Column stride 2: splits input rows iy0 … iy1 (iy0 a multiple of the row phases) of every channel into phase
     * planes of ⌈(iy1 − iy0 + 1)/rows⌉ rows, the source of the next packs; returns their first row iy0.
     */
    private int splitRows(int iyFirst, int iyLast) {
        int rows = rows2, half = w2, iy0 = iyFirst / rows * rows, u = (iyLast - iy0) / rows + 1, plane = u * half;
        chanStride = 2 * rows * plane;
        if (split.length < cg * chanStride) split = new float[cg * chanStride];
        src = split;
        base = 0;
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
                phaseOff[ky * kw + kx] = (Math.floorMod(ky * dh - ph, rows) * 2 + Math.floorMod(kx * dw - pw, 2)) * plane;
        for (int ci = 0; ci < cg; ci++) {
            int in = imageOff + ci * h * w, to = ci * chanStride;
            for (int iy = iy0; iy <= iyLast; iy++) {
                int row = to + (iy % rows) * 2 * plane + (iy - iy0) / rows * half;
                PhasePlanes.split(image, in + iy * w, w, split, row, row + plane);
            }
        }
        return iy0;
    }

    /**
     * Computes the runs of {@code strips} strips of output positions from j0 (strip s: j0 + s·NR …; positions past the
     * plane read as padding). Each vector's lanes are cut into output-row segments once; per tap, a segment's in-image
     * lanes are one interval, read from base + sw·lane with base = iy·W + sw·(ox₀ − lane₀) + kx·dw − pw, and segments of
     * equal base share a run.
     */
    void describe(int j0, int strips) {
        described = strips;
        int iy0 = 0;
        if (phases) { // the input rows the chunk's output rows read, clamped to the image
            int oyFirst = j0 / ow, oyLast = (Math.min(ohw, j0 + strips * nr) - 1) / ow;
            int first = Math.max(0, oyFirst * sh - ph), last = Math.min(h - 1, oyLast * sh - ph + (kh - 1) * dh);
            iy0 = last >= first ? splitRows(first, last) : 0;
        }
        int vectors = strips * nv, descriptors = vectors * kk;
        if (first.length < descriptors) { first = new int[descriptors]; count = new int[descriptors]; kind = new byte[descriptors]; }
        if (segFirst.length < vectors + 1) segFirst = new int[vectors + 1];
        int segs = 0;
        for (int vec = 0; vec < vectors; vec++) {
            segFirst[vec] = segs;
            int j = j0 + vec * VL, end = Math.min(ohw, j + VL);
            while (j < end) {
                int oy = j / ow, ox = j - oy * ow, len = Math.min(end - j, ow - ox);
                if (segRow.length <= segs) growSegments();
                segRow[segs] = oy; segCol[segs] = ox; segLane[segs] = j - (j0 + vec * VL); segLen[segs] = len;
                segs++;
                j += len;
            }
        }
        segFirst[vectors] = segs;
        runs = 0;
        for (int st = 0; st < strips; st++)
            for (int ky = 0; ky < kh; ky++) {
                int dy = ky * dh - ph;
                for (int kx = 0; kx < kw; kx++) {
                    int dx = kx * dw - pw, tap = ky * kw + kx;
                    int lo = Math.max(0, Math.ceilDiv(-dx, sw)), hi = Math.floorDiv(w - 1 - dx, sw) + 1; // ox with ix in the image
                    for (int v = 0; v < nv; v++) {
                        int vec = st * nv + v, d = (st * kk + tap) * nv + v, r0 = runs;
                        for (int sg = segFirst[vec]; sg < segFirst[vec + 1]; sg++) {
                            int iy = segRow[sg] * sh + dy;
                            if (iy < 0 || iy >= h) continue;
                            int ox0 = segCol[sg], l0 = segLane[sg];
                            int a = Math.max(ox0, lo), e = Math.min(ox0 + segLen[sg], hi); // in-image columns of the segment
                            if (a >= e) continue;
                            int b = phases ? (iy - iy0) / rows2 * w2 + ox0 - l0 + Math.floorDiv(dx, 2) : iy * w + ox0 - l0 + dx, r = r0;
                            while (r < runs && runBase[r] != b) r++;
                            if (r == runs) newRun(b);
                            Arrays.fill(runMask, r * VL + l0 + a - ox0, r * VL + l0 + e - ox0, 1f);
                            runLanes[r] += e - a;
                        }
                        first[d] = r0;
                        count[d] = runs - r0;
                        kind[d] = (byte) (count[d] == 0 ? 0 : count[d] > 1 ? 3 : runLanes[r0] == VL ? 1 : 2);
                    }
                }
            }
        findUniformTaps(strips);
    }

    /** Sets {@link #uniform}, {@link #uniformBase} and the fix-up lists of the described chunk. */
    private void findUniformTaps(int strips) {
        if (uniform.length < kk) { uniform = new boolean[kk]; uniformBase = new int[kk]; }
        if (fixFirst.length < kk + 1) fixFirst = new int[kk + 1];
        int vectors = strips * nv, fixes = 0;
        if (fix.length < kk * vectors) fix = new int[kk * vectors];
        for (int tap = 0; tap < kk; tap++) {
            fixFirst[tap] = fixes;
            boolean ok = true, known = false;
            int b0 = 0, start = fixes;
            for (int vec = 0; vec < vectors && ok; vec++) {
                int d = (vec / nv * kk + tap) * nv + vec % nv, k = kind[d];
                if (k == 3) ok = false;
                else if (k != 0) {
                    int b = runBase[first[d]] - vec * VL;
                    if (!known) { b0 = b; known = true; }
                    else if (b != b0) ok = false;
                }
                if (k != 1) fix[fixes++] = vec;
            }
            uniform[tap] = ok && known && fixes - start < vectors / 2;
            uniformBase[tap] = b0;
            if (!uniform[tap]) fixes = start;
        }
        fixFirst[kk] = fixes;
    }

    private void growSegments() {
        int n = Math.max(16, 2 * segRow.length);
        segRow = Arrays.copyOf(segRow, n); segCol = Arrays.copyOf(segCol, n);
        segLane = Arrays.copyOf(segLane, n); segLen = Arrays.copyOf(segLen, n);
    }

    private void newRun(int b) {
        if (runBase.length <= runs) {
            runBase = Arrays.copyOf(runBase, Math.max(16, 2 * runs));
            runLanes = Arrays.copyOf(runLanes, runBase.length);
            runMask = Arrays.copyOf(runMask, runBase.length * VL);
        }
        runBase[runs] = b;
        runLanes[runs] = 0;
        Arrays.fill(runMask, runs * VL, runs * VL + VL, 0f);
        runs++;
    }

    /**
     * Packs rows pc … pc + kb − 1 of the described strips into bp: strip s at bp[s·pitch, s·pitch + kb·NR). Row by row
     * across the strips, so that each input row is read as one forward run (a strip alone would touch 2·NR/VL floats
     * of each of K rows: too many streams for the prefetchers).
     */
    void pack(int pc, int kb, float[] bp, int pitch) {
        int ci = pc / kk, tap = pc % kk, nv = this.nv, nr = this.nr, strips = described, step = kk * nv;
        float[] x = src;
        int lanes = strips * nr;
        for (int q = 0; q < kb; q++) {
            int plane = base + ci * chanStride + phaseOff[tap], row = q * nr;
            int from = plane + uniformBase[tap];
            if (uniform[tap] && from >= 0 && from + lanes <= x.length) {
                for (int st = 0, at = from, dst = row; st < strips; st++, at += nr, dst += pitch)
                    for (int v = 0; v < nr; v += VL) FloatVector.fromArray(S, x, at + v).intoArray(bp, dst + v);
                for (int f = fixFirst[tap], e = fixFirst[tap + 1]; f < e; f++) {
                    int vec = fix[f], st = vec / nv, v = vec - st * nv;
                    vector(x, plane, (st * kk + tap) * nv + v, bp, row + st * pitch + v * VL);
                }
            } else {
                for (int st = 0, d0 = tap * nv, dst0 = row; st < strips; st++, d0 += step, dst0 += pitch)
                    for (int v = 0, d = d0, dst = dst0; v < nv; v++, d++, dst += VL) vector(x, plane, d, bp, dst);
            }
            if (++tap == kk) {
                tap = 0;
                ci++;
            }
        }
    }

    /** One vector of a strip by its descriptor d: zeros, a plain load, a masked load, or several masked runs. */
    private void vector(float[] x, int plane, int d, float[] bp, int dst) {
        int r = first[d];
        switch (kind[d]) {
            case 0 -> FloatVector.zero(S).intoArray(bp, dst);
            case 1 -> FloatVector.fromArray(S, x, plane + runBase[r]).intoArray(bp, dst);
            case 2 -> FloatVector.fromArray(S, x, plane + runBase[r], mask(r)).intoArray(bp, dst);
            default -> runs(x, plane, r, count[d], bp, dst);
        }
    }

    private VectorMask<Float> mask(int r) {
        return FloatVector.fromArray(S, runMask, r * VL).compare(VectorOperators.NE, 0f);
    }

    /** Several runs into one vector of the strip: zeros, then each run's lanes stored under its mask. */
    private void runs(float[] x, int plane, int r, int n, float[] bp, int dst) {
        FloatVector.zero(S).intoArray(bp, dst);
        for (int e = r + n; r < e; r++) {
            VectorMask<Float> m = mask(r);
            FloatVector.fromArray(S, x, plane + runBase[r], m).intoArray(bp, dst, m);
        }
    }

    /**
     * The plain loop (tests): rows pc … pc + kb − 1, columns j0 … j0 + nr − 1 of the im2col matrix of the cg planes at
     * x[xOff], as a strip at bp[0, kb·nr), zeros outside the image and past the plane.
     */
    static void packReference(float[] x, int xOff, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                              int oh, int ow, int j0, int nr, int pc, int kb, float[] bp) {
        for (int q = 0; q < kb; q++) {
            int p = pc + q, ci = p / (kh * kw), ky = p % (kh * kw) / kw, kx = p % kw;
            for (int l = 0; l < nr; l++) {
                int j = j0 + l;
                float v = 0f;
                if (j < oh * ow) {
                    int iy = j / ow * sh - ph + ky * dh, ix = j % ow * sw - pw + kx * dw;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) v = x[xOff + (ci * h + iy) * w + ix];
                }
                bp[q * nr + l] = v;
            }
        }
    }
}
