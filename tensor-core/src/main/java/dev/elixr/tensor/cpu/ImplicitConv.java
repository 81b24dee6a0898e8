package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.backend.Conv2dParams;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A dense 2-D convolution (NCHW, any kernel, padding, dilation and groups; column stride 1 or 2) as an implicit GEMM:
 * out[Og, OH·OW] = ep(W[Og, Cg·KH·KW] · col[Cg·KH·KW, OH·OW]) per image and group, with the im2col matrix col never
 * formed: its KC×NR strips are packed by {@link ConvPanel} straight from the input, padding written at pack time, or at
 * stride 2 without dilation by {@link PhasePlanes} from the input split once an image into zero-padded phase planes
 * (output positions then in rows of OW + ⌊(KW − 1)/2⌋, the junk columns never stored).
 *
 * <p>Blocking (Goto and van de Geijn, TOMS 2008; the B panel a chunk of up to {@link #MAX_STRIPS} strips):
 * <pre>
 *   W packed once a call into MR-tall strips, one array per K block (KC from the {@link GemmPlan}, split evenly)
 *   threads take chunks of output positions in turn (a multiple of the thread count, near-equal; with an MR-aligned
 *   block of output channels each when the plane has too few strips; whole images for a batch of small products;
 *   at stride 2, bands of output rows with phase planes of their own, see below)
 *     for each K block: pack col[block, chunk] (KC×NR strips, L2) from x; for each strip (L1 after first use), for
 *       each MR strip of W (L2): micro-kernel, the Og×chunk output tile accumulated in a scratch across the K blocks
 *     the tile leaves the scratch through the {@link ConvEpilogue} (bias or folded batch norm, activation) into out:
 *     one pass over the output, in cache
 * </pre>
 * Vector strategy: the micro-kernel's (one row of W broadcast against NV vectors of a strip per k) and the packer's
 * (vector loads along output rows, masks at the image border). At stride 2 each thread has the phase planes it reads
 * to itself: a batch splits by images, and an image that several threads share, or whose planes would not fit in a
 * quarter of L2, splits into bands of output rows, each band's input rows split into planes by the thread that takes
 * it (JMH {@code ConvBenchmark}, [1,32,112,112] → 64, AVX-512: two threads 659–680 → 531–555 µs, one thread about 10%
 * less; threads reading planes that the other core wrote were the cost). A tile that reads B in place
 * ({@link MicroKernel#readsRuns}: 8×2) takes its rows straight from the planes, with no strips packed (JMH, ELIXR-C's
 * stride-2 convolutions at batch 32, AVX-512: 1–9% less time on one thread, 8–16% on two).
 * The micro-kernels are {@link Sgemm}'s ({@link MicroKernel#packed}, accumulating after the first K block), so every
 * output is one FMA chain over k = (ci·KH + ky)·KW + kx in order, from 0, whatever the thread count or the strip a
 * thread took: the bits depend on neither. They are those of {@link Sgemm} on the im2col matrix (the path this
 * replaced) at every whole tile; Sgemm's partial tiles (the last rows when Og is not a multiple of MR, the last
 * columns of a band) added K blocks after the first as separate partial sums, so there the two differ by rounding
 * when K exceeds one block (measured: bit for bit equal on the three convolutions of {@code bench ops}, which have no
 * such tiles). {@link #conv2dPlain} is the plain loop with that order, kept as the reference.
 */
final class ImplicitConv {
    private ImplicitConv() {}

    /**
     * Smallest plane (OH·OW) of a plain 1×1 convolution taken here rather than by {@link PointwiseConv}: 2048, so
     * 56×56 and up. Both sum each output as one FMA chain over the channels in order, so the bits are the same; on
     * [1,256,56,56]→64 (AVX-512, one thread, CPU time, shared machine) 0.93–0.95 ms here against 1.05–1.10 there. Smaller
     * planes keep PointwiseConv, which reads the weights in place where this packs them every call.
     */
    static final int POINTWISE_MIN_PLANE = 2048;

    /** Floats of a chunk's output tile (all its output channels × its strips): 128 KB, in L2 beside the packed strips. */
    static final int TILE_FLOATS = 1 << 15;
    /** Most strips a chunk: 16 (512 columns with 32-float strips; each input row then read as runs of 2 KB). */
    static final int MAX_STRIPS = 16;
    /** Floats between one packed strip's end and the next one's start (a cache line: strips of 4 KiB multiples would share L1 sets). */
    static final int STRIP_SKEW = 16;

    /** Per-thread strip packer, B strip and output tile, reused across calls. */
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private static final class Workspace {
        final ConvPanel panel = new ConvPanel();
        /** The thread's own phase planes, and its view of another thread's (never configured: it holds their arrays). */
        final PhasePlanes planes = new PhasePlanes(), planesView = new PhasePlanes();
        float[] strip = new float[0], tile = new float[0];
        float[][] packedW = new float[0][];

        float[] strip(int n) { if (strip.length < n) strip = new float[n]; return strip; }
        float[] tile(int n) { if (tile.length < n) tile = new float[n]; return tile; }
    }

    /** Whether this kernel takes the convolution: column stride 1 or 2. */
    static boolean suits(Conv2dParams p) { return ConvPanel.suits(p.strideW()); }

    /** x [n, c, h, w], weight [o, c/groups, kh, kw] → out [n, o, oh, ow] (overwritten) = ep(conv(x, weight)). */
    static void conv2d(float[] x, int xOff, int n, int c, int h, int w, float[] weight, int wOff, int o, int kh, int kw,
                       ConvEpilogue ep, Conv2dParams p, float[] out, int outOff) {
        GemmPlan plan = Sgemm.PLAN;
        MicroKernel kernel = plan.kernel();
        int g = p.groups(), cg = c / g, og = o / g, ckk = cg * kh * kw, mr = kernel.mr();
        int oh = Conv2dParams.outSize(h, kh, p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(w, kw, p.strideW(), p.padW(), p.dilationW()), ohw = oh * ow;
        int kc = Sgemm.evenBlock(ckk, plan.kc(), 1), blocks = (ckk + kc - 1) / kc;
        float[][] packed = packWeights(weight, wOff, g, og, ckk, kc, blocks, mr);
        long flopsPerImage = 2L * o * ohw * ckk;
        if (Conv2dKernel.imagesInParallel(n, flopsPerImage)) {
            Parallel.forChunks(n, 1, (s, e) -> {
                for (int ni = s; ni < e; ni++)
                    image(kernel, x, xOff + ni * c * h * w, c, h, w, packed, og, kh, kw, kc, ep, p, oh, ow, out, outOff + ni * o * ohw, false);
            });
            return;
        }
        boolean parallel = flopsPerImage >= Sgemm.PARALLEL_FLOPS && Parallel.threads() > 1;
        for (int ni = 0; ni < n; ni++)
            image(kernel, x, xOff + ni * c * h * w, c, h, w, packed, og, kh, kw, kc, ep, p, oh, ow, out, outOff + ni * o * ohw, parallel);
    }

    /**
     * W of each group as MR-tall strips per K block: packed[gi·blocks + b] holds rows pc … pc + kb − 1 of its K. The
     * arrays are the calling thread's, reused from call to call (the workers only read them, during the call).
     */
    private static float[][] packWeights(float[] weight, int wOff, int g, int og, int ckk, int kc, int blocks, int mr) {
        Workspace own = WORKSPACE.get();
        if (own.packedW.length < g * blocks) own.packedW = Arrays.copyOf(own.packedW, g * blocks);
        float[][] packed = own.packedW;
        MemorySegment ws = MemorySegment.ofArray(weight);
        int rows = Sgemm.roundUp(og, mr);
        for (int t = 0; t < g * blocks; t++)
            if (packed[t] == null || packed[t].length < rows * kc) packed[t] = new float[rows * kc];
        Parallel.forRange(g * blocks, Math.max(1, (1 << 16) / Math.max(1, rows * kc)), (s, e) -> {
            for (int t = s; t < e; t++) {
                int gi = t / blocks, pc = t % blocks * kc, kb = Math.min(kc, ckk - pc);
                GemmPack.packA(mr, false, ws, wOff + (long) gi * og * ckk, ckk, 0, og, pc, kb, packed[t]);
            }
        });
        return packed;
    }

    /**
     * Whether an image at stride 2 is taken in bands of output rows, each with phase planes of its own
     * ({@code -Delixr.conv.bands=false}: whole images, their planes shared by the threads).
     */
    static final boolean BANDS = !"false".equals(System.getProperty("elixr.conv.bands"));
    /**
     * Whether a tile that can read B in place does so ({@code -Delixr.conv.runs=false}: packed strips, for comparison).
     */
    static final boolean RUNS = !"false".equals(System.getProperty("elixr.conv.runs"));
    /** Fewest output rows a band: a band's planes repeat ⌊(KH − 1)/2⌋ phase rows of the next one's. */
    static final int BAND_ROWS = 8;
    /**
     * Most floats of a band's phase planes: a quarter of L2 ({@code -Delixr.conv.bandFloats}), so that they stay there
     * beside the packed weights and the output tile while every tap reads them.
     */
    static final int BAND_FLOATS = Integer.getInteger("elixr.conv.bandFloats", (int) (MachineProfile.current().l2() / 16));

    /**
     * One image (x at xi, out at oi), every group; in parallel when {@code parallel}. At stride 2 (phase planes), an
     * image whose planes would not fit in {@link #BAND_FLOATS}, or that several threads share, is taken in bands of
     * output rows: each band's rows of the input are split into planes of the thread's own, which its tile reads in place
     * ({@link MicroKernel#runs}), as for a batch split by images. No thread then reads planes another core wrote, and a
     * band's planes stay in L2 while its taps read them. Otherwise the threads share the image's B strips and take
     * chunks of its output positions. Each output is the same FMA chain either way: the bits do not depend on the bands.
     */
    private static void image(MicroKernel kernel, float[] x, int xi, int c, int h, int w, float[][] packed, int og, int kh, int kw,
                              int kc, ConvEpilogue ep, Conv2dParams p, int oh, int ow, float[] out, int oi, boolean parallel) {
        int bands = BANDS && PhasePlanes.suits(p.strideH(), p.strideW(), p.dilationH(), p.dilationW())
                ? bands(c / p.groups(), kh, kw, oh, ow, parallel ? Parallel.threads() : 1) : 1;
        if (bands >= 2) {
            Parallel.RangeBody body = (s, e) -> {
                for (int b = s; b < e; b++)
                    rows(kernel, x, xi, c, h, w, packed, og, kh, kw, kc, ep, p, oh * b / bands, oh * (b + 1) / bands, oh, ow, out, oi, false);
            };
            if (parallel) Parallel.forChunks(bands, 1, body);
            else body.run(0, bands); // a small image, or one thread's image of a batch: its bands on this thread
            return;
        }
        rows(kernel, x, xi, c, h, w, packed, og, kh, kw, kc, ep, p, 0, oh, oh, ow, out, oi, parallel);
    }

    /**
     * Bands of output rows for an image of cg channels per group at stride 2 on t threads: enough that a band's phase
     * planes (4·cg phase rows of WP floats per output row) fit in {@link #BAND_FLOATS}, at least two a thread when
     * several share the image, none under {@link #BAND_ROWS} rows, then rounded up to a multiple of the threads where
     * the bands keep three quarters of that (56 output rows on two threads: 8 bands of 7 rows, not 7 bands of 8, where
     * a 1 MiB L2 fits 8); 1 means the image whole.
     */
    static int bands(int cg, int kh, int kw, int oh, int ow, int threads) {
        long perRow = 4L * cg * PhasePlanes.wideRow(ow, kw);
        int rowsFit = (int) Math.max(BAND_ROWS, BAND_FLOATS / Math.max(1, perRow) - (kh - 1) / 2);
        int bands = (oh + rowsFit - 1) / rowsFit;
        if (threads > 1) bands = Math.max(bands, 2 * threads);
        bands = Math.max(1, Math.min(bands, oh / BAND_ROWS));
        int equal = Sgemm.roundUp(bands, threads); // equal shares: 7 bands on 2 threads keep one waiting an eighth of the time
        return threads > 1 && bands > 1 && oh / equal >= BAND_ROWS * 3 / 4 ? equal : bands;
    }

    /**
     * Output rows y0 … y1 − 1 of one image (of oh), every group; the strips in parallel when {@code parallel}. The B strips
     * come from {@link PhasePlanes} at stride 2 and dilation 1 (output positions then in rows of {@link
     * PhasePlanes#wideRow}, whose junk columns are not stored), else from {@link ConvPanel} (whole images only: y0 = 0,
     * y1 = oh).
     */
    private static void rows(MicroKernel kernel, float[] x, int xi, int c, int h, int w, float[][] packed, int og, int kh, int kw,
                             int kc, ConvEpilogue ep, Conv2dParams p, int y0, int y1, int oh, int ow, float[] out, int oi, boolean parallel) {
        int g = p.groups(), cg = c / g, ckk = cg * kh * kw, ohw = oh * ow, blocks = (ckk + kc - 1) / kc;
        boolean wide = PhasePlanes.suits(p.strideH(), p.strideW(), p.dilationH(), p.dilationW());
        int rowPitch = wide ? PhasePlanes.wideRow(ow, kw) : ow, positions = (y1 - y0) * rowPitch;
        int mr = kernel.mr(), nr = kernel.nr(), strips = (positions + nr - 1) / nr, tiles = (og + mr - 1) / mr;
        int per = Math.max(1, Math.min(MAX_STRIPS, TILE_FLOATS / (Sgemm.roundUp(og, mr) * nr))); // strips a chunk
        int t = parallel ? Parallel.threads() : 1, chunks = (strips + per - 1) / per;
        if (t > 1) { // at least two chunks a thread, a multiple of the threads, of near-equal size
            chunks = Math.min(strips, Sgemm.roundUp(Math.max(chunks, 2 * t), t));
            per = (strips + chunks - 1) / chunks;
            chunks = (strips + per - 1) / per;
        }
        int stripsPerChunk = per;
        // one thread on an image's phase planes: its tile reads them in place (MicroKernel.runs); threads sharing the planes pack strips
        boolean inPlace = RUNS && wide && !parallel && kernel.readsRuns();
        int rowBlocks = chunks >= 2 * t ? 1 : Math.min(tiles, (2 * t + chunks - 1) / chunks);
        for (int gi = 0; gi < g; gi++) {
            Workspace own = WORKSPACE.get();
            int xg = xi + gi * cg * h * w;
            if (wide) own.planes.configure(x, xg, cg, h, w, kh, kw, p.padH(), p.padW(), y0, y1 - y0, ow, nr, parallel);
            else own.panel.configure(x, xg, cg, h, w, kh, kw, p.strideH(), p.strideW(), p.padH(), p.padW(),
                    p.dilationH(), p.dilationW(), oh, ow, nr);
            int group = gi, units = chunks * rowBlocks;
            Parallel.RangeBody body = (s, e) -> {
                Workspace ws = WORKSPACE.get();
                PhasePlanes planes = !wide ? null : ws == own ? own.planes : own.planes.shareWith(ws.planesView);
                ConvPanel panel = wide ? null : ws == own ? own.panel : ws.panel.copyOf(own.panel);
                int stripPitch = kc * nr + STRIP_SKEW;
                float[] strip = ws.strip(stripPitch * stripsPerChunk), tile = ws.tile(tiles * mr * nr * stripsPerChunk);
                for (int u = s; u < e; u++) {
                    int ch = u / rowBlocks, rb = u % rowBlocks, t0 = tiles * rb / rowBlocks, t1 = tiles * (rb + 1) / rowBlocks;
                    if (t1 == t0) continue;
                    int s0 = ch * stripsPerChunk, n = Math.min(stripsPerChunk, strips - s0), pitch = n * nr;
                    if (wide) planes.describe(s0 * nr, n);
                    else panel.describe(s0 * nr, n);
                    for (int b = 0; b < blocks; b++) {
                        int pc = b * kc, kb = Math.min(kc, ckk - pc);
                        float[] ap = packed[group * blocks + b];
                        if (inPlace) { // B rows are runs of this thread's phase planes: read in place, no strips
                            for (int js = 0; js < n; js++)
                                for (int ti = t0; ti < t1; ti++)
                                    kernel.runs(ap, ti * mr * kb, planes.planes(), planes.tapOffsets(), pc, (s0 + js) * nr, kb,
                                            tile, (ti - t0) * mr * pitch + js * nr, pitch, b > 0);
                            continue;
                        }
                        if (wide) planes.pack(pc, kb, strip, stripPitch);
                        else panel.pack(pc, kb, strip, stripPitch);
                        for (int js = 0; js < n; js++)
                            for (int ti = t0; ti < t1; ti++)
                                kernel.packed(ap, ti * mr * kb, strip, js * stripPitch, kb, tile, (ti - t0) * mr * pitch + js * nr, pitch, b > 0);
                    }
                    store(tile, pitch, s0 * nr, Math.min(pitch, positions - s0 * nr), rowPitch, ow, ohw, t0 * mr, Math.min(og, t1 * mr),
                            ep, out, oi + group * og * ohw + y0 * ow, group * og);
                }
            };
            if (parallel && units > 1) Parallel.forChunks(units, 1, body);
            else body.run(0, units);
        }
    }

    /**
     * Output channels r0 … r1 − 1 of a chunk's tile (row r at tile[(r − r0)·pitch], positions j0 … j0 + width − 1, in
     * output rows of rowPitch positions whose first ow are real) through the epilogue into the group's output at
     * out[og0 + r·ohw + oy·ow + ox]; channel c0 + r for the epilogue.
     */
    private static void store(float[] tile, int pitch, int j0, int width, int rowPitch, int ow, int ohw, int r0, int r1,
                              ConvEpilogue ep, float[] out, int og0, int c0) {
        for (int r = r0; r < r1; r++) {
            int from = (r - r0) * pitch, to = og0 + r * ohw;
            if (rowPitch == ow) run(tile, from, out, to + j0, width, ep, c0 + r);
            else
                for (int j = j0, end = j0 + width; j < end; ) { // one run per output row, its junk columns skipped
                    int oy = j / rowPitch, ox = j - oy * rowPitch, next = Math.min(end, (oy + 1) * rowPitch);
                    if (ox < ow) run(tile, from + j - j0, out, to + oy * ow + ox, Math.min(next, oy * rowPitch + ow) - j, ep, c0 + r);
                    j = next;
                }
        }
    }

    private static void run(float[] tile, int from, float[] out, int to, int n, ConvEpilogue ep, int channel) {
        if (ep.isIdentity()) System.arraycopy(tile, from, out, to, n);
        else ep.apply(tile, from, out, to, n, channel);
    }

    /**
     * The plain loop of {@link #conv2d} (tests): per output, s = fma(w, col, s) over k = (ci·KH + ky)·KW + kx in order
     * from 0, padding taps included (as + w·0), then the epilogue's float twin ({@link ConvEpilogue#applyPlain}).
     */
    static void conv2dPlain(float[] x, int xOff, int n, int c, int h, int w, float[] weight, int wOff, int o, int kh, int kw,
                            ConvEpilogue ep, Conv2dParams p, float[] out, int outOff) {
        int g = p.groups(), cg = c / g, og = o / g;
        int oh = Conv2dParams.outSize(h, kh, p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(w, kw, p.strideW(), p.padW(), p.dilationW());
        for (int ni = 0; ni < n; ni++)
            for (int oc = 0; oc < o; oc++)
                for (int y = 0; y < oh; y++)
                    for (int xx = 0; xx < ow; xx++) {
                        float s = 0f;
                        int gi = oc / og;
                        for (int ci = 0; ci < cg; ci++)
                            for (int ky = 0; ky < kh; ky++)
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = y * p.strideH() - p.padH() + ky * p.dilationH(), ix = xx * p.strideW() - p.padW() + kx * p.dilationW();
                                    float v = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : x[xOff + ((ni * c + gi * cg + ci) * h + iy) * w + ix];
                                    s = Math.fma(weight[wOff + ((oc * cg + ci) * kh + ky) * kw + kx], v, s);
                                }
                        int at = outOff + ((ni * o + oc) * oh + y) * ow + xx;
                        out[at] = ep.isIdentity() ? s : ep.applyPlain(s, oc);
                    }
    }
}
