package dev.elixr.tensor.matvec;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * y[r] = Σ_k W[r,k]·x[k] over a band of rows of a block-quantised W ({@link BlockFormat}), reading the blocks in
 * place. Strategy: two rows at a time sharing each x load; per block, the quantised bytes are loaded as a byte vector
 * of max(8, L) lanes and widened to floats part by part (B2F), Q4_0 nibbles split with a mask and a shift first;
 * a block's products accumulate in a vector that is then scaled by the block's float16 d into the row's
 * accumulator (one FMA per block). A fixed-order lane sum per row. QuantizedMatrix sends Q4_0 products here; Q8_0
 * ones go through the repacked {@link Q8Rows}, which reads faster.
 */
final class BlockDots {
    private static final VectorSpecies<Float> F = Widen.F;
    private static final int L = Widen.L;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final int BL = B.length(), PARTS = BL / L;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BlockDots() {}

    static void rows(BlockFormat f, MemorySegment w, long rowBytes, int r0, int r1, float[] x, int k, float[] y) {
        float[] lanes = new float[L];
        int r = r0;
        for (; r + 2 <= r1; r += 2) {
            long a = r * rowBytes, b = a + rowBytes;
            FloatVector sa = FloatVector.zero(F), sb = sa;
            for (int blk = 0; blk < k / BlockFormat.BLOCK; blk++) {
                long oa = a + (long) blk * f.blockBytes(), ob = b + (long) blk * f.blockBytes();
                int x0 = blk * BlockFormat.BLOCK;
                sa = block(f, w, oa, x, x0).fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, oa))), sa);
                sb = block(f, w, ob, x, x0).fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, ob))), sb);
            }
            y[r] = sum(sa, lanes);
            y[r + 1] = sum(sb, lanes);
        }
        for (; r < r1; r++) {
            long a = r * rowBytes;
            FloatVector sa = FloatVector.zero(F);
            for (int blk = 0; blk < k / BlockFormat.BLOCK; blk++) {
                long oa = a + (long) blk * f.blockBytes();
                sa = block(f, w, oa, x, blk * BlockFormat.BLOCK).fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, oa))), sa);
            }
            y[r] = sum(sa, lanes);
        }
    }

    /** Σ_j q[j]·x[x0 + j] over one block, unscaled, as a vector of partial sums. */
    private static FloatVector block(BlockFormat f, MemorySegment w, long off, float[] x, int x0) {
        FloatVector acc = FloatVector.zero(F);
        if (f == BlockFormat.Q8_0) {
            for (int j = 0; j < BlockFormat.BLOCK; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, w, off + 2 + j, ByteOrder.LITTLE_ENDIAN);
                for (int p = 0; p < PARTS; p++) acc = widen(q, p).fma(FloatVector.fromArray(F, x, x0 + j + p * L), acc);
            }
        } else {
            for (int j = 0; j < 16; j += BL) { // BL (8 or 16) divides 16
                ByteVector q = ByteVector.fromMemorySegment(B, w, off + 2 + j, ByteOrder.LITTLE_ENDIAN);
                ByteVector lo = q.and((byte) 15).sub((byte) 8), hi = q.lanewise(VectorOperators.LSHR, 4).and((byte) 15).sub((byte) 8);
                for (int p = 0; p < PARTS; p++) {
                    acc = widen(lo, p).fma(FloatVector.fromArray(F, x, x0 + j + p * L), acc);
                    acc = widen(hi, p).fma(FloatVector.fromArray(F, x, x0 + 16 + j + p * L), acc);
                }
            }
        }
        return acc;
    }

    /** Part {@code part} of 32 int8 quants widened to floats (B2F). */
    static FloatVector widen(ByteVector q, int part) { return (FloatVector) q.convertShape(VectorOperators.B2F, F, part); }

    /** The lanes of v added in index order (a fixed order, so results do not depend on the species' reduction). */
    static float sum(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float t = 0;
        for (float f : lanes) t += f;
        return t;
    }
}
