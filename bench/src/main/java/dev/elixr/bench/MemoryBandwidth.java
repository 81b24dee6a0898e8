package dev.elixr.bench;

import dev.elixr.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Memory read bandwidth as the kernels see it: every thread of the kernel pool sums its share of a buffer far
 * larger than the caches with vector loads; the best of several passes, in GB/s. The yardstick of memory-bound
 * decoding (weight bytes per token ÷ this = the tokens/s bound). {@link #copy} measures read + write bandwidth, the
 * basis of ops that read a tensor and write another.
 */
public final class MemoryBandwidth {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private MemoryBandwidth() {}

    /** GB/s over a buffer of the given size in MiB. */
    public static double measure(int mib, int passes) { return measure(buffer(mib), passes); }

    /** A probe buffer of the given size in MiB (a multiple of the vector size times 4), filled with ones, for {@link #measure(float[], int)}. */
    public static float[] buffer(int mib) {
        float[] buf = new float[mib << 18];
        java.util.Arrays.fill(buf, 1f);
        return buf;
    }

    /**
     * A probe buffer of the given size in MiB off the heap, allocated as decoding's weights are
     * ({@link dev.elixr.tensor.HugePages}), filled with ones, for {@link #measure(MemorySegment, int)}.
     */
    public static MemorySegment segment(int mib) {
        MemorySegment m = dev.elixr.tensor.HugePages.allocate((long) mib << 20);
        long n = m.byteSize() / 4;
        Parallel.forRange((int) (n >> 12), 1, (s, e) -> {
            for (long i = (long) s << 12; i < (long) e << 12; i++) m.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, 1f);
        });
        return m;
    }

    /** GB/s over buf (from {@link #segment}), the best of passes after one warm-up pass, as {@link #measure(float[], int)}. */
    public static double measure(MemorySegment buf, int passes) {
        long vectors = buf.byteSize() / S.vectorByteSize() / 4 * 4;
        double best = 0;
        for (int p = 0; p < passes + 1; p++) {
            double[] sink = new double[1];
            long t0 = System.nanoTime();
            Parallel.forRange((int) (vectors / 4), 1 << 12, (s, e) -> {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0; // four chains: no add waits on the one before
                long step = S.vectorByteSize();
                for (long o = 4L * s * step, end = 4L * e * step; o < end; o += 4 * step) {
                    a0 = a0.add(FloatVector.fromMemorySegment(S, buf, o, ByteOrder.nativeOrder()));
                    a1 = a1.add(FloatVector.fromMemorySegment(S, buf, o + step, ByteOrder.nativeOrder()));
                    a2 = a2.add(FloatVector.fromMemorySegment(S, buf, o + 2 * step, ByteOrder.nativeOrder()));
                    a3 = a3.add(FloatVector.fromMemorySegment(S, buf, o + 3 * step, ByteOrder.nativeOrder()));
                }
                synchronized (sink) { sink[0] += a0.add(a1).add(a2.add(a3)).reduceLanes(jdk.incubator.vector.VectorOperators.ADD); }
            });
            double seconds = (System.nanoTime() - t0) * 1e-9;
            double want = (double) vectors * S.length();
            if (sink[0] != want) throw new IllegalStateException("bandwidth probe summed " + sink[0] + ", expected " + want);
            if (p > 0) best = Math.max(best, 4.0 * want / seconds / 1e9); // the first pass warms up
        }
        return best;
    }

    /**
     * Copy bandwidth in GB/s, counted as bytes read + bytes written (2 × 4 × length per pass): every thread of the kernel
     * pool copies its share of src into dst (an existing buffer of the same length, so no allocation is timed) with the
     * kernels' vector loads and stores; the best of passes after one warm-up pass. The basis for ops that read a tensor and
     * write one of the same size: a store to a line not in cache reads it first (write-allocate), so such an op moves
     * more than its counted bytes, as this probe does.
     */
    public static double copy(float[] src, float[] dst, int passes) {
        if (dst.length != src.length || src.length % (4 * S.length()) != 0)
            throw new IllegalArgumentException("copy probe: buffers of " + src.length + " and " + dst.length + " floats");
        double best = 0;
        for (int p = 0; p < passes + 1; p++) {
            long t0 = System.nanoTime();
            Parallel.forRange(src.length / S.length() / 4, 1 << 12, (s, e) -> {
                for (int i = 4 * s * S.length(), end = 4 * e * S.length(); i < end; i += S.length()) FloatVector.fromArray(S, src, i).intoArray(dst, i);
            });
            double seconds = (System.nanoTime() - t0) * 1e-9;
            if (dst[dst.length - 1] != src[src.length - 1] || dst[0] != src[0]) throw new IllegalStateException("copy probe did not copy");
            if (p > 0) best = Math.max(best, 2.0 * 4 * src.length / seconds / 1e9);
        }
        return best;
    }

    /** GB/s over buf (from {@link #buffer}), the best of passes after one warm-up pass. */
    public static double measure(float[] buf, int passes) {
        double best = 0;
        for (int p = 0; p < passes + 1; p++) {
            double[] sink = new double[1];
            long t0 = System.nanoTime();
            Parallel.forRange(buf.length / S.length() / 4, 1 << 12, (s, e) -> {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0; // four chains: no add waits on the one before
                for (int i = 4 * s; i < 4 * e; i += 4) {
                    a0 = a0.add(FloatVector.fromArray(S, buf, i * S.length()));
                    a1 = a1.add(FloatVector.fromArray(S, buf, (i + 1) * S.length()));
                    a2 = a2.add(FloatVector.fromArray(S, buf, (i + 2) * S.length()));
                    a3 = a3.add(FloatVector.fromArray(S, buf, (i + 3) * S.length()));
                }
                synchronized (sink) { sink[0] += a0.add(a1).add(a2.add(a3)).reduceLanes(jdk.incubator.vector.VectorOperators.ADD); }
            });
            double seconds = (System.nanoTime() - t0) * 1e-9;
            if (sink[0] != buf.length) throw new IllegalStateException("bandwidth probe summed " + sink[0] + ", expected " + buf.length);
            if (p > 0) best = Math.max(best, 4.0 * buf.length / seconds / 1e9); // the first pass warms up
        }
        return best;
    }
}
