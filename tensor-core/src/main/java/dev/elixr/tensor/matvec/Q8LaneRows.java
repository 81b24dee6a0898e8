package dev.elixr.tensor.matvec;

import dev.elixr.tensor.Parallel;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A Q8_0 matrix repacked so that each lane of a float vector is one row: rows are taken L at a time (L = the float
 * lanes of the species; the last group padded with zero rows), and a group stores, for block b, weight j of its L rows
 * side by side (L int8 quants), j = 0 … 31, then block b + 1, … — one sequential stream per group. The blocks' float16
 * scales are widened once into a float array in the same order (group, block, row). The values are exactly the
 * blocks' (weight = d·q).
 *
 * <p>y = W·x ({@link #rows}): per block, the group's L quants of weight j are widened to floats (B2F) and multiplied by
 * x[j] broadcast into a vector of the L rows' partial sums (two chains, even and odd j, added at the end of the block);
 * one FMA by the vector of the L rows' scales adds the block into the rows' accumulator, which is stored as L outputs
 * at once. Against {@link Q8Rows} (four rows, lanes along k) this drops the per-block scale FMA of each row, the x
 * loads and the horizontal sums (1.3× the cached speed of Q8Rows on one Zen 5 core). Four groups go together (one
 * from each quarter of the band; two or one at the end of a band), eight FMA chains sharing each x broadcast. Each row's sum runs in the same order
 * whatever band and tile it falls in, so the bits do not depend on the thread count.
 */
final class Q8LaneRows {
    private static final VectorSpecies<Float> F = Widen.F;
    /** Rows of a group: one per float lane. */
    static final int GROUP = Widen.L;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, GROUP * 8)));
    private static final int BL = B.length(), PARTS = BL / GROUP, STEP = BL; // a load covers PARTS weights j of the group
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int BLOCK = BlockFormat.BLOCK, GROUP_BLOCK = GROUP * BLOCK;

    final MemorySegment quants;
    final float[] scales;
    final int rows, cols;

    private Q8LaneRows(MemorySegment quants, float[] scales, int rows, int cols) {
        this.quants = quants;
        this.scales = scales;
        this.rows = rows;
        this.cols = cols;
    }

    /** The repacked copy of rows·cols/32 Q8_0 blocks (2-byte d, then 32 quants each), rows one after the other. */
    static Q8LaneRows of(MemorySegment blocks, int rows, int cols) {
        int nb = cols / BLOCK, groups = (rows + GROUP - 1) / GROUP;
        MemorySegment q = dev.elixr.tensor.HugePages.allocate((long) groups * GROUP * cols);
        float[] d = new float[groups * GROUP * nb];
        Parallel.forRange(rows, 64, (s, e) -> {
            for (int r = s; r < e; r++) {
                int g = r / GROUP, lane = r % GROUP;
                for (int b = 0; b < nb; b++) {
                    long at = ((long) r * nb + b) * BlockFormat.Q8_0.blockBytes();
                    int slot = g * nb + b;
                    d[slot * GROUP + lane] = Float.float16ToFloat(blocks.get(I16, at));
                    long to = (long) slot * GROUP_BLOCK + lane;
                    for (int j = 0; j < BLOCK; j++) q.set(ValueLayout.JAVA_BYTE, to + (long) j * GROUP, blocks.get(ValueLayout.JAVA_BYTE, at + 2 + j));
                }
            }
        });
        return new Q8LaneRows(q, d, rows, cols);
    }

    /** Rows per chunk of a parallel product: about eight chunks per thread, a multiple of four groups. */
    static int chunk(int rows, int threads) {
        int tile = 4 * GROUP;
        return Math.max(tile, (rows / (8 * threads) + tile - 1) / tile * tile);
    }

    /** y[r] = Σ_k W[r,k]·x[k] for rows [r0, r1); r0 a multiple of {@link #GROUP}, r1 one too or the last row. */
    void rows(int r0, int r1, float[] x, float[] y) {
        if (r0 % GROUP != 0) throw new IllegalArgumentException("Q8LaneRows: a band of rows starts at " + r0 + ", not a multiple of " + GROUP);
        int g = r0 / GROUP, full = r1 / GROUP, end = (r1 + GROUP - 1) / GROUP;
        if (SUB_BANDS && full - g >= 8) { // four sub-bands of groups side by side: each stream runs on from group to group
            int q = (full - g) / 4;
            for (int i = 0; i < q; i++) quad(g + i, q, x, y);
            g += 4 * q;
        }
        for (; g + 4 <= full; g += 4) quad(g, 1, x, y);
        for (; g + 2 <= full; g += 2) pair(g, x, y, g * GROUP);
        for (; g < end; g++) {
            if (g < full) one(g, x, y, g * GROUP);
            else {
                float[] last = new float[GROUP];
                one(g, x, last, 0);
                System.arraycopy(last, 0, y, g * GROUP, r1 - g * GROUP);
            }
        }
    }

    /**
     * A band's groups as four sub-bands read side by side (group j of each quarter of the band at once), as
     * {@link RowDots} reads half-precision rows, so that each of the four streams runs on from one group into the next
     * instead of three of them starting afresh every four groups; the same bits. Measured on the 336M random Llama's
     * Q8_0 decode, 2 threads, alternated with neighbouring groups (docs/results.md): 73.8–88.2 tok/s against 62.2–74.9.
     * {@code -Delixr.q8.subBands=false} goes back to neighbouring groups.
     */
    static final boolean SUB_BANDS = Boolean.parseBoolean(System.getProperty("elixr.q8.subBands", "true"));

    /** Groups g, g + gap, g + 2·gap, g + 3·gap: the same operations in the same order as four calls of {@link #one}. */
    private void quad(int g, int gap, float[] x, float[] y) {
        int nb = cols / BLOCK;
        long gs = (long) nb * GROUP_BLOCK, a = (long) g * gs, c = a + gap * gs, e = c + gap * gs, h = e + gap * gs;
        int o = g * GROUP, og = gap * GROUP;
        int da = g * nb * GROUP, dc = da + gap * nb * GROUP, de = dc + gap * nb * GROUP, dh = de + gap * nb * GROUP;
        FloatVector sa = FloatVector.zero(F), sc = sa, se = sa, sh = sa;
        for (int b = 0; b < nb; b++) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, c0 = a0, c1 = a0, e0 = a0, e1 = a0, h0 = a0, h1 = a0;
            long bo = (long) b * GROUP_BLOCK, at = a + bo, ct = c + bo, et = e + bo, ht = h + bo;
            int x0 = b * BLOCK;
            for (int j = 0; j < BLOCK * GROUP; j += 2 * STEP) {
                ByteVector qa = ByteVector.fromMemorySegment(B, quants, at + j, LE), qa1 = ByteVector.fromMemorySegment(B, quants, at + j + STEP, LE);
                ByteVector qc = ByteVector.fromMemorySegment(B, quants, ct + j, LE), qc1 = ByteVector.fromMemorySegment(B, quants, ct + j + STEP, LE);
                ByteVector qe = ByteVector.fromMemorySegment(B, quants, et + j, LE), qe1 = ByteVector.fromMemorySegment(B, quants, et + j + STEP, LE);
                ByteVector qh = ByteVector.fromMemorySegment(B, quants, ht + j, LE), qh1 = ByteVector.fromMemorySegment(B, quants, ht + j + STEP, LE);
                int xj = x0 + j / GROUP;
                for (int p = 0; p < PARTS; p++) {
                    FloatVector xv = FloatVector.broadcast(F, x[xj + p]), xw = FloatVector.broadcast(F, x[xj + PARTS + p]);
                    a0 = BlockDots.widen(qa, p).fma(xv, a0);
                    c0 = BlockDots.widen(qc, p).fma(xv, c0);
                    e0 = BlockDots.widen(qe, p).fma(xv, e0);
                    h0 = BlockDots.widen(qh, p).fma(xv, h0);
                    a1 = BlockDots.widen(qa1, p).fma(xw, a1);
                    c1 = BlockDots.widen(qc1, p).fma(xw, c1);
                    e1 = BlockDots.widen(qe1, p).fma(xw, e1);
                    h1 = BlockDots.widen(qh1, p).fma(xw, h1);
                }
            }
            sa = a0.add(a1).fma(FloatVector.fromArray(F, scales, da + b * GROUP), sa);
            sc = c0.add(c1).fma(FloatVector.fromArray(F, scales, dc + b * GROUP), sc);
            se = e0.add(e1).fma(FloatVector.fromArray(F, scales, de + b * GROUP), se);
            sh = h0.add(h1).fma(FloatVector.fromArray(F, scales, dh + b * GROUP), sh);
        }
        sa.intoArray(y, o);
        sc.intoArray(y, o + og);
        se.intoArray(y, o + 2 * og);
        sh.intoArray(y, o + 3 * og);
    }

    /** Groups g and g + 1 into y[o …]: the same operations in the same order as two calls of {@link #one}. */
    private void pair(int g, float[] x, float[] y, int o) {
        int nb = cols / BLOCK;
        long a = (long) g * nb * GROUP_BLOCK, c = a + (long) nb * GROUP_BLOCK;
        int da = g * nb * GROUP, dc = da + nb * GROUP;
        FloatVector sa = FloatVector.zero(F), sc = sa;
        for (int b = 0; b < nb; b++) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, c0 = a0, c1 = a0;
            long at = a + (long) b * GROUP_BLOCK, ct = c + (long) b * GROUP_BLOCK;
            int x0 = b * BLOCK;
            for (int j = 0; j < BLOCK * GROUP; j += 2 * STEP) {
                ByteVector qa = ByteVector.fromMemorySegment(B, quants, at + j, LE), qa1 = ByteVector.fromMemorySegment(B, quants, at + j + STEP, LE);
                ByteVector qc = ByteVector.fromMemorySegment(B, quants, ct + j, LE), qc1 = ByteVector.fromMemorySegment(B, quants, ct + j + STEP, LE);
                int xj = x0 + j / GROUP;
                for (int p = 0; p < PARTS; p++) {
                    FloatVector xv = FloatVector.broadcast(F, x[xj + p]), xw = FloatVector.broadcast(F, x[xj + PARTS + p]);
                    a0 = BlockDots.widen(qa, p).fma(xv, a0);
                    c0 = BlockDots.widen(qc, p).fma(xv, c0);
                    a1 = BlockDots.widen(qa1, p).fma(xw, a1);
                    c1 = BlockDots.widen(qc1, p).fma(xw, c1);
                }
            }
            sa = a0.add(a1).fma(FloatVector.fromArray(F, scales, da + b * GROUP), sa);
            sc = c0.add(c1).fma(FloatVector.fromArray(F, scales, dc + b * GROUP), sc);
        }
        sa.intoArray(y, o);
        sc.intoArray(y, o + GROUP);
    }

    /** Group g into y[o …]. */
    private void one(int g, float[] x, float[] y, int o) {
        int nb = cols / BLOCK;
        long a = (long) g * nb * GROUP_BLOCK;
        int da = g * nb * GROUP;
        FloatVector sa = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0;
            long at = a + (long) b * GROUP_BLOCK;
            int x0 = b * BLOCK;
            for (int j = 0; j < BLOCK * GROUP; j += 2 * STEP) {
                ByteVector qa = ByteVector.fromMemorySegment(B, quants, at + j, LE), qa1 = ByteVector.fromMemorySegment(B, quants, at + j + STEP, LE);
                int xj = x0 + j / GROUP;
                for (int p = 0; p < PARTS; p++) {
                    a0 = BlockDots.widen(qa, p).fma(FloatVector.broadcast(F, x[xj + p]), a0);
                    a1 = BlockDots.widen(qa1, p).fma(FloatVector.broadcast(F, x[xj + PARTS + p]), a1);
                }
            }
            sa = a0.add(a1).fma(FloatVector.fromArray(F, scales, da + b * GROUP), sa);
        }
        sa.intoArray(y, o);
    }
}
