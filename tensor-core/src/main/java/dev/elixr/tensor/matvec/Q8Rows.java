package dev.elixr.tensor.matvec;

import dev.elixr.tensor.Parallel;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A Q8_0 matrix repacked for the Vector API, as ggml's CPU backend repacks its blocks into groups of rows at load
 * (block_q8_0x4): rows are taken four at a time (the last group padded with zero rows), and a group stores block b of
 * its four rows one after the other (4 × 32 int8 quants, 128 bytes), then block b + 1, … — one sequential stream per
 * group, which the hardware prefetcher follows better than four row streams. The blocks' float16 scales are widened
 * once into a float array in the same order (group, block, row). The values are exactly the blocks' (weight = d·q).
 *
 * <p>y = W·x ({@link #rows}): a group's four rows share each x load; per block of 32, each row's quants are loaded as
 * byte vectors of max(8, L) lanes and widened to floats part by part (B2F: a sign extension and a convert per L
 * weights), multiplied into a vector of the block's partial sums, which one FMA scales by the block's d into the
 * row's accumulator. No float16 decode and no 34-byte stride in the inner loop, which reading the blocks in place
 * costs ({@link BlockDots}). Fixed-order lane sums, so every JIT tier gives the same bits.
 */
final class Q8Rows {
    private static final VectorSpecies<Float> F = Widen.F;
    private static final int L = Widen.L;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final int BL = B.length(), PARTS = BL / L;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    final MemorySegment quants;
    final float[] scales;
    final int rows, cols;

    private Q8Rows(MemorySegment quants, float[] scales, int rows, int cols) {
        this.quants = quants;
        this.scales = scales;
        this.rows = rows;
        this.cols = cols;
    }

    /** Rows of a group. */
    static final int GROUP = 4;

    /** The repacked copy of rows·cols/32 Q8_0 blocks (2-byte d, then 32 quants each), rows one after the other. */
    static Q8Rows of(MemorySegment blocks, int rows, int cols) {
        int nb = cols / BlockFormat.BLOCK, groups = (rows + GROUP - 1) / GROUP;
        MemorySegment q = Arena.ofAuto().allocate((long) groups * GROUP * cols, 64);
        float[] d = new float[groups * GROUP * nb];
        Parallel.forRange(rows, 64, (s, e) -> {
            for (int r = s; r < e; r++) {
                long group = (long) (r / GROUP) * GROUP * cols;
                for (int b = 0; b < nb; b++) {
                    long at = ((long) r * nb + b) * BlockFormat.Q8_0.blockBytes();
                    int slot = (r / GROUP * nb + b) * GROUP + r % GROUP;
                    d[slot] = Float.float16ToFloat(blocks.get(I16, at));
                    MemorySegment.copy(blocks, at + 2, q, group + (long) slot % (nb * GROUP) * BlockFormat.BLOCK, BlockFormat.BLOCK);
                }
            }
        });
        return new Q8Rows(q, d, rows, cols);
    }

    /** y[r] = Σ_k W[r,k]·x[k] for rows [r0, r1); r0 a multiple of {@link #GROUP}. */
    void rows(int r0, int r1, float[] x, float[] y) {
        if (r0 % GROUP != 0) throw new IllegalArgumentException("Q8Rows: a band of rows starts at " + r0 + ", not a multiple of " + GROUP);
        float[] lanes = new float[L], last = new float[GROUP];
        int r = r0;
        for (; r + GROUP <= r1; r += GROUP) group(quants, scales, cols, r, x, y, r, lanes);
        if (r < r1) {
            group(quants, scales, cols, r, x, last, 0, lanes);
            System.arraycopy(last, 0, y, r, r1 - r);
        }
    }

    /** Rows r … r+3 (a group) into y[o …]. */
    private static void group(MemorySegment quants, float[] scales, int k, int r, float[] x, float[] y, int o, float[] lanes) {
        int nb = k / BlockFormat.BLOCK;
        long a = (long) r * k;
        int d = r * nb;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int b = 0; b < nb; b++) {
            int x0 = b * BlockFormat.BLOCK;
            long at = a + (long) b * GROUP * BlockFormat.BLOCK;
            FloatVector p0 = FloatVector.zero(F), p1 = p0, p2 = p0, p3 = p0;
            for (int j = 0; j < BlockFormat.BLOCK; j += BL) {
                ByteVector q0 = ByteVector.fromMemorySegment(B, quants, at + j, LE);
                ByteVector q1 = ByteVector.fromMemorySegment(B, quants, at + BlockFormat.BLOCK + j, LE);
                ByteVector q2 = ByteVector.fromMemorySegment(B, quants, at + 2 * BlockFormat.BLOCK + j, LE);
                ByteVector q3 = ByteVector.fromMemorySegment(B, quants, at + 3 * BlockFormat.BLOCK + j, LE);
                for (int p = 0; p < PARTS; p++) {
                    FloatVector xv = FloatVector.fromArray(F, x, x0 + j + p * L);
                    p0 = BlockDots.widen(q0, p).fma(xv, p0);
                    p1 = BlockDots.widen(q1, p).fma(xv, p1);
                    p2 = BlockDots.widen(q2, p).fma(xv, p2);
                    p3 = BlockDots.widen(q3, p).fma(xv, p3);
                }
            }
            int db = d + GROUP * b;
            s0 = p0.fma(FloatVector.broadcast(F, scales[db]), s0);
            s1 = p1.fma(FloatVector.broadcast(F, scales[db + 1]), s1);
            s2 = p2.fma(FloatVector.broadcast(F, scales[db + 2]), s2);
            s3 = p3.fma(FloatVector.broadcast(F, scales[db + 3]), s3);
        }
        y[o] = BlockDots.sum(s0, lanes);
        y[o + 1] = BlockDots.sum(s1, lanes);
        y[o + 2] = BlockDots.sum(s2, lanes);
        y[o + 3] = BlockDots.sum(s3, lanes);
    }
}
