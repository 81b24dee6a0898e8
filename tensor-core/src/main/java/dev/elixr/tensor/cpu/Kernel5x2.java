package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * The 5×2 micro-kernel: a tile of 5 rows × 2 vectors of C for 16 vector registers (AVX2/FMA3): 10 accumulators + 2 B
 * vectors + the broadcasts C2 schedules ahead = 15 by {@link MicroKernel#registers()}. Ten FMA chains instead of the
 * 4×2 tile's eight leave slack over an FMA latency of 4 cycles on 2 ports: with all ten in registers it runs 5–12% above
 * 4×2 on a Zen 5 and 10–20% above it on a Sapphire-Rapids-class Xeon (AVX2 code, thread CPU time; docs/results.md).
 *
 * <p>Whether C2 keeps the ten accumulators in registers depends on the branch profile of {@link #tile} when it is
 * compiled, not on the machine. Compiled after only fresh tiles (accumulators from zero: every product of the process
 * fits one K block), its loop issues all five broadcasts ahead of their FMAs (5 + 2 + 10 = 17 live vectors) and keeps one
 * accumulator on the stack, a load and store every k (≈ 45–58 GFLOP/s against ≈ 100; disassembled); compiled after both
 * fresh and accumulating tiles, it reuses two broadcast registers and spills nothing (docs/results.md, "A 5×2 tile for 16
 * vector registers" and "The AVX2 path on an AVX-512 Xeon: a 5×2 tile kept in registers"). So the first {@value #SEED_CALLS} fresh tiles of the process are
 * each run as two calls, the first {@value #LEAD} values of k from zero and the rest accumulating onto them: both
 * branches are in the profile before C2 compiles {@link #tile}, whatever the process multiplies. The sums are the same
 * bits either way (one FMA chain per element, in k order; a float accumulator stored and reloaded unchanged). After
 * those, fresh tiles run as one call: splitting costs a store and reload of C, ≈ 10% when C's tile is not in cache.
 * Written out explicitly, as every variant. Per k: 2 vector loads of B, 5 broadcasts of A, 10 FMAs.
 */
final class Kernel5x2 extends MicroKernel {
    private static final int MR = 5, NR = 2 * VL;

    Kernel5x2() { super(MR, 2); }

    /** While seeding, a tile that starts from zero runs its first LEAD values of k as a call of its own (see the class comment). */
    static final int LEAD = 8;
    /** How many fresh tiles are split to seed the profile: C2 compiles {@link #tile} after a few hundred calls. */
    static final int SEED_CALLS = 20000;
    /** Fresh tiles still to split (see the class comment); racy across threads, which only blurs the count. */
    private static int seedCalls = SEED_CALLS;

    @Override
    public void packed(float[] a, int ai, float[] bp, int bi, int kb, float[] out, int o, int pitch, boolean acc) {
        if (acc || kb <= 2 * LEAD || seedCalls <= 0) {
            tile(a, ai, bp, bi, kb, out, o, pitch, acc);
        } else {
            seedCalls--;
            tile(a, ai, bp, bi, LEAD, out, o, pitch, false);
            tile(a, ai + LEAD * MR, bp, bi + LEAD * NR, kb - LEAD, out, o, pitch, true);
        }
    }

    /** The tile over kb values of k, its accumulators from zero or (acc) from out; see the class comment for why it is a method of its own. */
    static void tile(float[] a, int ai, float[] bp, int bi, int kb, float[] out, int o, int pitch, boolean acc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = acc ? FloatVector.fromArray(S, out, o) : z, c01 = acc ? FloatVector.fromArray(S, out, o + VL) : z;
        FloatVector c10 = acc ? FloatVector.fromArray(S, out, o + pitch) : z, c11 = acc ? FloatVector.fromArray(S, out, o + pitch + VL) : z;
        FloatVector c20 = acc ? FloatVector.fromArray(S, out, o + 2 * pitch) : z, c21 = acc ? FloatVector.fromArray(S, out, o + 2 * pitch + VL) : z;
        FloatVector c30 = acc ? FloatVector.fromArray(S, out, o + 3 * pitch) : z, c31 = acc ? FloatVector.fromArray(S, out, o + 3 * pitch + VL) : z;
        FloatVector c40 = acc ? FloatVector.fromArray(S, out, o + 4 * pitch) : z, c41 = acc ? FloatVector.fromArray(S, out, o + 4 * pitch + VL) : z;
        for (int p = 0; p < kb; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
        }
        c00.intoArray(out, o); c01.intoArray(out, o + VL);
        c10.intoArray(out, o + 1 * pitch); c11.intoArray(out, o + 1 * pitch + VL);
        c20.intoArray(out, o + 2 * pitch); c21.intoArray(out, o + 2 * pitch + VL);
        c30.intoArray(out, o + 3 * pitch); c31.intoArray(out, o + 3 * pitch + VL);
        c40.intoArray(out, o + 4 * pitch); c41.intoArray(out, o + 4 * pitch + VL);
    }

    @Override
    void rows(float[] a, int ai, int lda, float[] bp, int bi, int kb, float[] out, int o, int pitch) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        int a0 = ai, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda;
        for (int p = 0; p < kb; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
        }
        c00.intoArray(out, o); c01.intoArray(out, o + VL);
        c10.intoArray(out, o + 1 * pitch); c11.intoArray(out, o + 1 * pitch + VL);
        c20.intoArray(out, o + 2 * pitch); c21.intoArray(out, o + 2 * pitch + VL);
        c30.intoArray(out, o + 3 * pitch); c31.intoArray(out, o + 3 * pitch + VL);
        c40.intoArray(out, o + 4 * pitch); c41.intoArray(out, o + 4 * pitch + VL);
    }
}
