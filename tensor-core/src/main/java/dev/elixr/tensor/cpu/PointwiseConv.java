package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import jdk.incubator.vector.FloatVector;

/**
 * A 1×1 convolution at stride 1 without padding (MBConv's expansion and projection, EfficientNet's head) of one image
 * and group as a GEMM with its epilogue: out[og, hw] = ep(W[og, cg] · (gate ⊙ x)[cg, hw]), gate (squeeze-and-excitation,
 * one factor per input channel) optional.
 *
 * <p>Blocking and vectors. The weights are the left operand and are read where they are: the micro-kernel's row form
 * ({@link MicroKernel#rows} of {@link Sgemm#ROWS}: MR rows of W, K contiguous in each, one broadcast per row and k) needs no packed copy of
 * them, so an inference pass packs no weights at all (Sgemm transposed W into MR-tall strips on every call, twice over
 * on two threads when they split the columns) and nothing is cached that an optimiser step or a load could make stale.
 * The image is the right operand, packed into NR-wide strips (one vector load and store per NR/VL floats and k; all of
 * K in one block: at most 1152·NR floats a strip, in L2), the gate multiplied into each row as it is copied, so a
 * gated projection needs neither a gated copy of the weights nor a pass over x. Wide planes (at least two column
 * chunks of about {@link Conv2dKernel#CHUNK_FLOATS} outputs) go in column chunks that the threads take in turn: pack the
 * chunk of x, multiply, then the epilogue over the chunk's og rows while they are in L2. Narrow planes (EfficientNet's
 * 14×14 and 7×7 stages) pack x once and split the rows of W, MR-aligned, across the threads, each running the epilogue
 * over its own rows. Every output is one FMA chain over k in order, whichever tile and thread computes it, so the bits
 * depend on neither the thread count nor the chunking. The packed strips start on a cache line ({@link CacheLines}).
 * {@link #conv2dPlain} is the plain loop, kept as the reference.
 */
final class PointwiseConv {
    /** Per-thread packed strips of x, reused across calls. */
    private static final ThreadLocal<float[][]> PACKED = ThreadLocal.withInitial(() -> new float[1][0]);

    private PointwiseConv() {}

    /** Whether this kernel takes a plane of hw outputs: at least one whole strip (narrower ones go to Sgemm's matrix–vector paths). */
    static boolean suits(int hw) { return hw >= Sgemm.ROWS.nr(); }

    /**
     * out[outOff + r·hw + j] = ep(Σ_c w[wOff + r·cg + c]·gate[gateOff + c]·x[xOff + c·hw + j], channel ch0 + r) for r &lt; og,
     * j &lt; hw; gate null: factor 1.
     */
    static void conv2d(float[] w, int wOff, int og, int cg, float[] x, int xOff, int hw, float[] gate, int gateOff,
                       float[] out, int outOff, ConvEpilogue ep, int ch0) {
        MicroKernel kernel = Sgemm.ROWS;
        int nr = kernel.nr(), mr = kernel.mr();
        int chunk = Sgemm.roundUp(Math.max(64, Conv2dKernel.CHUNK_FLOATS / Math.max(og, cg)), nr);
        boolean parallel = 2L * og * cg * hw >= Sgemm.PARALLEL_FLOPS;
        if (hw >= 2 * chunk || !parallel || Parallel.threads() == 1) {
            Parallel.RangeBody body = (s, e) -> {
                float[] bp = packed(cg * Sgemm.roundUp(e - s, nr));
                int bo = CacheLines.floatsToLine(bp);
                pack(x, xOff + s, hw, cg, e - s, gate, gateOff, nr, bp, bo);
                multiply(kernel, w, wOff, og, cg, bp, bo, e - s, out, outOff + s, hw, ep, ch0);
            };
            if (parallel && Parallel.threads() > 1) Parallel.forChunks(hw, chunk, body);
            else for (int s = 0; s < hw; s += chunk) body.run(s, Math.min(hw, s + chunk));
            return;
        }
        float[] bp = packed(cg * Sgemm.roundUp(hw, nr));
        int bo = CacheLines.floatsToLine(bp);
        pack(x, xOff, hw, cg, hw, gate, gateOff, nr, bp, bo);
        int strips = (og + mr - 1) / mr, per = Math.max(1, strips / (2 * Parallel.threads()));
        Parallel.forChunks(strips, per, (s, e) -> {
            int r0 = s * mr, r1 = Math.min(og, e * mr);
            multiply(kernel, w, wOff + r0 * cg, r1 - r0, cg, bp, bo, hw, out, outOff + r0 * hw, hw, ep, ch0 + r0);
        });
    }

    /** The thread's packing buffer for n floats, with {@link CacheLines#SLACK} to spare to start the strips on a cache line. */
    private static float[] packed(int n) {
        float[][] holder = PACKED.get();
        if (holder[0].length < n + CacheLines.SLACK) holder[0] = new float[n + CacheLines.SLACK];
        return holder[0];
    }

    /** C[og, n] = W·B for B packed in bp from bpOff (all of K), then the epilogue over the og rows of n floats, ldc apart. */
    private static void multiply(MicroKernel kernel, float[] w, int wOff, int og, int cg, float[] bp, int bpOff, int n, float[] c, int cOff,
                                 int ldc, ConvEpilogue ep, int ch0) {
        Sgemm.gemmPackedB(kernel, w, wOff, cg, og, bp, bpOff, n, cg, 1f, 0f, c, cOff, ldc);
        if (ep.isIdentity()) return;
        for (int r = 0; r < og; r++) ep.apply(c, cOff + r * ldc, c, cOff + r * ldc, n, ch0 + r);
    }

    /**
     * Packs n columns of x (cg rows, ld apart, from xOff) into NR-wide strips of bp from bpOff (element (k, j) of a strip
     * at k·NR + j, the last strip zero-padded), row k times gate[gateOff + k] when there is a gate.
     */
    static void pack(float[] x, int xOff, int ld, int cg, int n, float[] gate, int gateOff, int nr, float[] bp, int bpOff) {
        int vl = Simd.L;
        for (int j0 = 0, base = bpOff; j0 < n; j0 += nr, base += cg * nr) {
            int width = Math.min(nr, n - j0);
            if (width == nr) {
                for (int k = 0; k < cg; k++) {
                    int src = xOff + k * ld + j0, dst = base + k * nr;
                    if (gate == null) {
                        for (int v = 0; v < nr; v += vl) FloatVector.fromArray(Simd.F, x, src + v).intoArray(bp, dst + v);
                    } else {
                        FloatVector g = FloatVector.broadcast(Simd.F, gate[gateOff + k]);
                        for (int v = 0; v < nr; v += vl) FloatVector.fromArray(Simd.F, x, src + v).mul(g).intoArray(bp, dst + v);
                    }
                }
                continue;
            }
            for (int k = 0; k < cg; k++) {
                int src = xOff + k * ld + j0, dst = base + k * nr;
                float g = gate == null ? 1f : gate[gateOff + k];
                for (int j = 0; j < width; j++) bp[dst + j] = gate == null ? x[src + j] : x[src + j] * g;
                java.util.Arrays.fill(bp, dst + width, dst + nr, 0f);
            }
        }
    }

    /** The plain loop of {@link #conv2d}: float sums over c in order, the gate multiplied into x first, then the epilogue. */
    static void conv2dPlain(float[] w, int wOff, int og, int cg, float[] x, int xOff, int hw, float[] gate, int gateOff,
                            float[] out, int outOff, ConvEpilogue ep, int ch0) {
        for (int r = 0; r < og; r++)
            for (int j = 0; j < hw; j++) {
                float s = 0f;
                for (int c = 0; c < cg; c++) {
                    float xv = gate == null ? x[xOff + c * hw + j] : x[xOff + c * hw + j] * gate[gateOff + c];
                    s = Math.fma(w[wOff + r * cg + c], xv, s);
                }
                out[outOff + r * hw + j] = ep.applyPlain(s, ch0 + r);
            }
    }
}
