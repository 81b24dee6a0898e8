package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * The 5×2 micro-kernel: a tile of 5 rows × 2 vectors of C for 16 vector registers (AVX2/FMA3): 10 accumulators + 2 B
 * vectors + the broadcasts C2 schedules ahead = 15 by {@link MicroKernel#registers()}. Ten FMA chains instead of the
 * 4×2 tile's eight leave slack over an FMA latency of 4 cycles on 2 ports, and when C2 keeps them all in registers it
 * runs 5–12% above 4×2 (AVX2 code on a Zen 5, thread CPU time). It is <em>not</em> chosen by {@link GemmPlan}: whether
 * C2 spills one accumulator (a stack load and store every k, seen in the disassembly, ≈ 45 against ≈ 110 GFLOP/s)
 * depends on the branch profile it compiled with: a process whose products all fit one K block (the accumulate branch
 * never taken) gets the spilling code for good. docs/results.md, "A 5×2 tile for 16 vector registers". Kept for
 * experiments ({@code -Delixr.gemm.tile=5x2}) and tested with every tile. Written out explicitly, as every variant.
 * Per k: 2 vector loads of B, 5 broadcasts of A, 10 FMAs.
 */
final class Kernel5x2 extends MicroKernel {
    private static final int MR = 5, NR = 2 * VL;

    Kernel5x2() { super(MR, 2); }

    @Override
    public void packed(float[] a, int ai, float[] bp, int bi, int kb, float[] out, int o, int pitch, boolean acc) {
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
