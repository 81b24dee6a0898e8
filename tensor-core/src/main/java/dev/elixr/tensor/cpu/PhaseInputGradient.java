package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The input gradient of a stride-2 convolution (dilation 1, groups 1) as four stride-1 implicit GEMMs, one per phase
 * plane of the input (the phase or "sub-pixel" decomposition of a transposed convolution; Shi et al., CVPR 2016, §2.2),
 * with no column matrix. The forward ({@link PhasePlanes}) reads output (oy, ox)'s tap (ky, kx) from phase plane
 * P[ky mod 2][kx mod 2] at (oy + ⌊ky/2⌋, ox + ⌊kx/2⌋); so the gradient of phase plane (ry, rx) is
 * <pre>
 *   dP[ry][rx][ci][u][v] = Σ over taps ky ≡ ry, kx ≡ rx (mod 2) and output channels o of
 *                          W[o][ci][ky][kx] · g[o][u − ⌊ky/2⌋][v − ⌊kx/2⌋]       (g = 0 outside OH × OW)
 * </pre>
 * over the planes' HU × WP positions ({@link PhasePlanes#wideRow}, HU = OH + ⌊(KH − 1)/2⌋): a [C × O·taps] ·
 * [O·taps × HU·WP] product whose B row (tap, o) is one contiguous run of g laid out with zero borders (rows of WP
 * floats, ⌊(KW − 1)/2⌋ zeros before each row's OW values, ⌊(KH − 1)/2⌋ zero rows above and below), as the forward's B rows are runs of
 * the phase planes. {@link PhaseCol2im#merge} then interleaves the four planes of each channel into dx.
 *
 * <p>Where this replaced Wᵀ·g into a column gradient [C·KH·KW, OH·WP] and {@link PhaseCol2im}'s adds: that column
 * matrix is KH·KW/4 times the planes' size, written by a GEMM whose K is only O (a few dozen FMAs per float written) and
 * read back once — memory-bound. Here each float of a plane is written once, from an FMA chain over O·taps, into a
 * per-image buffer that stays in L2 for the merge. The junk positions of the planes (padding, and the last strip's
 * lanes past the plane) are computed and dropped.
 *
 * <p>Blocking and vector strategy: {@link Sgemm}'s micro-kernel on MR-tall strips of the phase's weights (packed once
 * a call, K blocks of KC) and NR-wide strips of the runs. With C rows of A only (16–64 here) a packed B strip would feed
 * just C/MR tiles, so its copy cost about as much as the FMAs (a scratch harness on AVX-512: packing 1.0 of 2.7 ms at
 * 16 → 32 channels, 48²); the 8×2 tile reads B in place ({@link MicroKernel#runs}), other tiles get one strip packed
 * for all their tiles ({@link PhasePlanes#packRuns}). Each plane is a whole number of strips and the C planes of an
 * image sit {@link #channelPitch} apart, so the tiles go straight into them (junk rows past C, junk columns past HU·WP).
 * Images go to threads whole, so each dx float is computed by one thread in one order: the same bits for any thread
 * count. The sums run over k = tap·O + o in order from 0, so the bits differ from col2im's (which adds each tap's
 * GEMM result separately); both are held to a float64 reference in the tests.
 */
final class PhaseInputGradient {
    private PhaseInputGradient() {}

    /** Whether this path takes the input gradient of a convolution: stride 2 both ways, dilation 1, groups 1. */
    static boolean suits(ConvGeometry q) { return PhaseCol2im.suits(q); }

    /** Per-thread buffers, reused across calls. */
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private static final class Workspace {
        float[] runs = new float[0], planes = new float[0], strip = new float[0];

        static float[] atLeast(float[] a, int n) { return a.length >= n ? a : new float[n]; }
    }

    /** One phase plane's product: its taps, the packed weights per K block and where each B row's run starts. */
    private record Phase(int ry, int rx, int k, int kc, float[][] packed, int[] runStart) {
        boolean empty() { return k == 0; }
        int blocks() { return packed.length; }
    }

    /**
     * dx [n, C, H, W] at dx[xo] (every float written) from g [n, O, OH, OW] at gs[go] and w [O, C, KH, KW] at ws[wo].
     */
    static void compute(float[] gs, int go, float[] ws, int wo, ConvGeometry q, int o, float[] dx, int xo) {
        compute(gs, go, ws, wo, q, o, dx, xo, PLANE_FLOATS);
    }

    /**
     * Floats of an image's phase planes held at once (2 MB): channels go in blocks of whole MR tiles that fit, at least
     * one tile, each block merged into dx before the next; an image of the ELIXR-C tower at 96×96 is one block, one of
     * 1024×1024 with 16 channels would otherwise hold 67 MB of planes a thread.
     */
    static final int PLANE_FLOATS = 1 << 19;

    /**
     * The sizes of one call: WP, the zero rows SY and columns SX around g's runs, a plane (HU·WP rounded up to whole
     * strips), a channel's runs (HU + SY + 1 rows of WP: a run may wrap one row past the last) and the channels held at once.
     */
    private record Layout(int wp, int sy, int sx, int plane, int runPlane, int block) {
        static Layout of(ConvGeometry q, MicroKernel kernel, int planeFloats) {
            int wp = PhasePlanes.wideRow(q.ow(), q.kw()), sy = (q.kh() - 1) / 2, sx = (q.kw() - 1) / 2, hu = q.oh() + sy, mr = kernel.mr();
            int plane = Sgemm.roundUp(hu * wp, kernel.nr());
            int block = Math.min(Sgemm.roundUp(q.c(), mr), Math.max(mr, planeFloats / channelPitch(plane) / mr * mr));
            return new Layout(wp, sy, sx, plane, (hu + sy + 1) * wp, block);
        }
    }

    /** {@link #compute} with channel blocks of at most {@code planeFloats} floats of planes (tests). */
    static void compute(float[] gs, int go, float[] ws, int wo, ConvGeometry q, int o, float[] dx, int xo, int planeFloats) {
        MicroKernel kernel = Sgemm.PLAN.kernel();
        Layout l = Layout.of(q, kernel, planeFloats);
        int wp = l.wp(), sy = l.sy(), sx = l.sx(), plane = l.plane(), runPlane = l.runPlane(), block = l.block();
        Phase[] phases = new Phase[4];
        for (int ph = 0; ph < 4; ph++) phases[ph] = phase(ph >> 1, ph & 1, ws, wo, q, o, runPlane, wp, sy, sx, kernel.mr());
        int image = q.c() * q.h() * q.w(), out = o * q.oh() * q.ow();
        Parallel.forChunks(q.n(), 1, (s, e) -> {
            Workspace w = WORKSPACE.get();
            w.runs = Workspace.atLeast(w.runs, o * runPlane + kernel.nr());
            w.planes = Workspace.atLeast(w.planes, block * channelPitch(plane)); // whole tiles: rows past C are junk
            w.strip = Workspace.atLeast(w.strip, Sgemm.PLAN.kc() * kernel.nr());
            for (int i = s; i < e; i++) {
                runs(gs, go + i * out, q, o, wp, sy, sx, runPlane, w.runs);
                for (int c0 = 0; c0 < q.c(); c0 += block) {
                    int c1 = Math.min(q.c(), c0 + block);
                    for (Phase p : phases) product(kernel, p, c0, c1, plane, w);
                    for (int ci = c0; ci < c1; ci++)
                        PhaseCol2im.merge(w.planes, (ci - c0) * channelPitch(plane), q, wp, plane, dx, xo + i * image + ci * q.h() * q.w(),
                                PhaseCol2im.MASKED_TAILS);
                }
            }
        });
    }

    /**
     * Floats from one channel's four planes to the next's: 4·plane and a cache line, so that a tile's 8 rows do not
     * fall on addresses 4 KiB apart (plane is a multiple of NR, 4·plane often of 1,024 floats).
     */
    static int channelPitch(int plane) { return 4 * plane + ImplicitConv.STRIP_SKEW; }

    /**
     * Floats this path allocates for a call: the four phases' weights (C × O·KH·KW in all, packed in whole MR strips)
     * and each thread's runs, planes (a channel block's, {@link #PLANE_FLOATS}) and strip (kept between calls).
     */
    static long scratchFloats(ConvGeometry q, int o, int threads) {
        MicroKernel kernel = Sgemm.PLAN.kernel();
        Layout l = Layout.of(q, kernel, PLANE_FLOATS);
        long weights = 2L * Sgemm.roundUp(q.c(), kernel.mr()) * o * q.kh() * q.kw() + 4L * Sgemm.PLAN.kc() * kernel.mr();
        long perThread = (long) o * l.runPlane() + kernel.nr() + (long) l.block() * channelPitch(l.plane()) + (long) Sgemm.PLAN.kc() * kernel.nr();
        return weights + threads * perThread;
    }

    /** Phase (ry, rx)'s taps, its weights [C × O·taps] (k = tap·O + o) packed in MR strips per K block, and its run starts. */
    private static Phase phase(int ry, int rx, float[] ws, int wo, ConvGeometry q, int o, int runPlane, int wp, int sy, int sx, int mr) {
        int kh = q.kh(), kw = q.kw(), c = q.c(), taps = ((kh - ry + 1) / 2) * ((kw - rx + 1) / 2), k = taps * o;
        if (k == 0) return new Phase(ry, rx, 0, 0, new float[0][], new int[0]);
        float[] a = new float[c * k];
        int[] runStart = new int[k];
        int t = 0;
        for (int ky = ry; ky < kh; ky += 2)
            for (int kx = rx; kx < kw; kx += 2, t++)
                for (int oc = 0; oc < o; oc++) {
                    int col = t * o + oc;
                    runStart[col] = oc * runPlane + (sy - (ky >> 1)) * wp + (sx - (kx >> 1));
                    for (int ci = 0; ci < c; ci++) a[ci * k + col] = ws[wo + ((oc * c + ci) * kh + ky) * kw + kx];
                }
        int kc = Sgemm.evenBlock(k, Sgemm.PLAN.kc(), 1), blocks = (k + kc - 1) / kc;
        float[][] packed = new float[blocks][Sgemm.roundUp(c, mr) * kc];
        MemorySegment as = MemorySegment.ofArray(a);
        for (int b = 0; b < blocks; b++) GemmPack.packA(mr, false, as, 0, k, 0, c, b * kc, Math.min(kc, k - b * kc), packed[b]);
        return new Phase(ry, rx, k, kc, packed, runStart);
    }

    /**
     * g's O planes of one image (at gs[gi]) into runs: per channel HU + SY + 1 rows of WP floats, row SY + oy holding
     * SX zeros then g's row oy; every other float 0.
     */
    private static void runs(float[] gs, int gi, ConvGeometry q, int o, int wp, int sy, int sx, int runPlane, float[] runs) {
        Arrays.fill(runs, 0, Math.min(runs.length, o * runPlane + Sgemm.PLAN.nr()), 0f);
        int ow = q.ow(), ohw = q.oh() * ow;
        for (int oc = 0; oc < o; oc++)
            for (int oy = 0; oy < q.oh(); oy++)
                System.arraycopy(gs, gi + oc * ohw + oy * ow, runs, oc * runPlane + (sy + oy) * wp + sx, ow);
    }

    /**
     * Phase p's planes of HU·WP positions for channels c0 … c1 − 1 (c0 a multiple of MR) into w.planes (channel ci's at
     * (ci − c0)·{@link #channelPitch} + (2·ry + rx)·plane, plane a whole number of strips): the micro-kernel's tiles
     * straight into them, junk rows and columns included.
     */
    private static void product(MicroKernel kernel, Phase p, int c0, int c1, int plane, Workspace w) {
        int at = (2 * p.ry() + p.rx()) * plane;
        if (p.empty()) { // a kernel of one row or column at stride 2: no tap reads this phase
            for (int ci = 0; ci < c1 - c0; ci++) Arrays.fill(w.planes, ci * channelPitch(plane) + at, ci * channelPitch(plane) + at + plane, 0f);
            return;
        }
        int mr = kernel.mr(), nr = kernel.nr(), t0 = c0 / mr, tiles = (c1 - c0 + mr - 1) / mr, strips = (plane + nr - 1) / nr;
        int pitch = channelPitch(plane);
        for (int b = 0; b < p.blocks(); b++) {
            int pc = b * p.kc(), kb = Math.min(p.kc(), p.k() - pc);
            float[] ap = p.packed()[b];
            if (kernel.readsRuns()) // B straight from the runs: no packed strips
                for (int ti = 0; ti < tiles; ti++)
                    for (int js = 0; js < strips; js++)
                        kernel.runs(ap, (t0 + ti) * mr * kb, w.runs, p.runStart(), pc, js * nr, kb, w.planes, ti * mr * pitch + at + js * nr, pitch, b > 0);
            else
                for (int js = 0; js < strips; js++) { // one strip packed for all the tiles
                    PhasePlanes.packRuns(w.runs, p.runStart(), js * nr, pc, kb, 1, nr, w.strip, 0);
                    for (int ti = 0; ti < tiles; ti++)
                        kernel.packed(ap, (t0 + ti) * mr * kb, w.strip, 0, kb, w.planes, ti * mr * pitch + at + js * nr, pitch, b > 0);
                }
        }
    }
}
