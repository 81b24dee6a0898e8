package dev.elixr.tensor.cpu;

import jdk.incubator.vector.VectorSpecies;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An MR × NR micro-kernel of {@link Sgemm} (Goto and van de Geijn, TOMS 2008, §4; the "register block" of BLIS):
 * an MR-row × NV-vector tile of C (NR = NV·VL floats) held in MR·NV vector registers over a K block, with, per k,
 * NV vector loads of the packed B strip, MR broadcasts from the packed A strip and MR·NV FMAs. It fits a machine when
 * MR·NV + NV + 3 vector registers (accumulators, B vectors, and the up to three broadcasts C2's scheduler issues ahead
 * of their FMAs) are at most its count; a tile that does not fit still computes the same numbers, spilling
 * accumulators to the stack (slower). The "+ 3" is measured, not BLIS's "+ 1": disassembled under -XX:UseAVX=2
 * (16 ymm registers), the 6×2 tile (12 + 2 + 1 = 15 by the hand-written count) holds three broadcasts at once and
 * reloads and stores one accumulator from the stack every k, which held it to ≈ 66% of the FMA peak on L1-resident
 * panels, against ≈ 90% for the 4×2 tile (13 registers, no spill).
 *
 * <p>The tile shape is a parameter, not a property of the hardware: each variant is its own class with constant
 * bounds (C2 keeps accumulators in registers only then), {@link GemmPlan} picks one for the machine, and the tests
 * run every variant on any machine. Results land in a row-major MR×NR tile (element (r, j) at r·pitch + j): a scratch (pitch NR) or C itself.
 */
public abstract sealed class MicroKernel permits Kernel6x2, Kernel5x2, Kernel4x2, Kernel4x3, Kernel8x2, Kernel8x3, Kernel12x2 {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = Simd.L;

    /** Every variant: 5×2 (kept in registers by {@link Kernel5x2}'s profile seeding), 4×2 (A read in place) and the spilling 6×2, 4×3 for 16 vector registers; 8×2, 8×3, 12×2 for 32. */
    static final List<MicroKernel> VARIANTS = List.of(new Kernel6x2(), new Kernel5x2(), new Kernel4x2(), new Kernel4x3(), new Kernel8x2(), new Kernel8x3(), new Kernel12x2());

    private final int mr, nv;

    MicroKernel(int mr, int nv) {
        this.mr = mr;
        this.nv = nv;
    }

    /** Rows of the tile (broadcasts of A per k). */
    public int mr() { return mr; }

    /** Vectors across the tile (loads of B per k). */
    public int nv() { return nv; }

    /** Columns of the tile in floats: NV·VL. */
    public int nr() { return nv * VL; }

    /** Vector registers the loop body needs as C2 compiles it: MR·NV accumulators, NV B vectors, three broadcasts in flight. */
    public int registers() { return mr * nv + nv + 3; }

    /** "MRxNV", e.g. "6x2". */
    public String name() { return mr + "x" + nv; }

    @Override public String toString() { return name() + " (" + mr + "×" + nr() + " floats)"; }

    /** Every variant there is (for tests, benchmarks and {@code elixr info}). */
    public static List<MicroKernel> variants() { return VARIANTS; }

    /** The variant named "MRxNV" (rows × vectors), or an error listing those there are. */
    public static MicroKernel named(String tile) {
        String t = tile.trim().toLowerCase(java.util.Locale.ROOT).replace('×', 'x');
        for (MicroKernel k : VARIANTS) if (k.name().equals(t)) return k;
        throw new IllegalArgumentException("GEMM micro-kernel '" + tile + "' does not exist; the tiles (rows x vectors) are "
                + VARIANTS.stream().map(MicroKernel::name).collect(Collectors.joining(", ")));
    }

    /**
     * The tile over one K block of packed panels: A strip from a[ai] (element (r, p) at ai + p·MR + r), B strip from
     * bp[bi] (element (p, j) at bi + p·NR + j), kb values of k; tile[r·NR + j] = Σ_p A(r, p)·B(p, j).
     */
    public final void packed(float[] a, int ai, float[] bp, int bi, int kb, float[] tile) { packed(a, ai, bp, bi, kb, tile, 0, nr()); }

    /**
     * As {@link #packed(float[], int, float[], int, int, float[])}, the tile stored straight into {@code out}: element
     * (r, j) at o + r·pitch + j (C itself, for a whole tile with alpha = 1 and beta = 0: no scratch, no merge).
     */
    public final void packed(float[] a, int ai, float[] bp, int bi, int kb, float[] out, int o, int pitch) {
        packed(a, ai, bp, bi, kb, out, o, pitch, false);
    }

    /**
     * As {@link #packed(float[], int, float[], int, int, float[], int, int)}; with {@code accumulate} the tile is added to
     * what {@code out} holds (the accumulators start from it), so a later K block of C += A·B (alpha = 1, beta = 1) needs
     * no scratch and no merge pass.
     */
    public abstract void packed(float[] a, int ai, float[] bp, int bi, int kb, float[] out, int o, int pitch, boolean accumulate);

    /** As {@link #packed(float[], int, float[], int, int, float[], int, int)}, with A read in place: row r of the tile at a[ai + r·lda], its k contiguous. */
    abstract void rows(float[] a, int ai, int lda, float[] bp, int bi, int kb, float[] out, int o, int pitch);

    /**
     * As {@link #packed(float[], int, float[], int, int, float[], int, int, boolean)}, with B read in place from runs:
     * B(p, j) = b[start[ks + p] + jb + j] for p &lt; kb, j &lt; NR (row p of the strip one contiguous run of b, anywhere:
     * the im2col rows of a stride-2 convolution's phase planes, or of its output gradient). No packed B strip: where a
     * strip serves few rows of A, copying it costs as much as the FMAs it feeds. Variants without their own loop
     * ({@link #readsRuns} false) pack the strip and run {@link #packed}: the same sums, in the same order.
     */
    void runs(float[] a, int ai, float[] b, int[] start, int ks, int jb, int kb, float[] out, int o, int pitch, boolean accumulate) {
        int nr = nr();
        float[] strip = new float[kb * nr];
        for (int p = 0; p < kb; p++) System.arraycopy(b, start[ks + p] + jb, strip, p * nr, nr);
        packed(a, ai, strip, 0, kb, out, o, pitch, accumulate);
    }

    /**
     * Whether {@link #runs} is a loop of its own, B read in place (8×2, AVX-512's tile); else callers with several
     * tiles per strip pack the strip once and call {@link #packed} (5×2 keeps its profile seeding there).
     */
    boolean readsRuns() { return false; }
}
