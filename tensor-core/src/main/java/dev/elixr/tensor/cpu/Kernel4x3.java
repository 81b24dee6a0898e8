package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * The 4×3 micro-kernel: a tile of 4 rows × 3 vectors of C, for 16 vector registers:
 * 12 accumulators + 3 B vectors + 1 broadcast = 16 in assembly, fewer broadcasts per FMA than 6×2 but no spare register;
 * C2 keeps three broadcasts in flight (18 registers), so it spills on 16. Kept for comparison.
 * Written out explicitly, as every variant: C2 keeps the accumulators in registers only with constant tile bounds.
 * Per k: 3 vector loads of B, 4 broadcasts of A, 12 FMAs.
 */
final class Kernel4x3 extends MicroKernel {
    private static final int MR = 4, NR = 3 * VL;

    Kernel4x3() { super(MR, 3); }

    @Override
    public void packed(float[] a, int ai, float[] bp, int bi, int kb, float[] out, int o, int pitch, boolean acc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = acc ? FloatVector.fromArray(S, out, o) : z, c01 = acc ? FloatVector.fromArray(S, out, o + VL) : z, c02 = acc ? FloatVector.fromArray(S, out, o + 2 * VL) : z;
        FloatVector c10 = acc ? FloatVector.fromArray(S, out, o + pitch) : z, c11 = acc ? FloatVector.fromArray(S, out, o + pitch + VL) : z, c12 = acc ? FloatVector.fromArray(S, out, o + pitch + 2 * VL) : z;
        FloatVector c20 = acc ? FloatVector.fromArray(S, out, o + 2 * pitch) : z, c21 = acc ? FloatVector.fromArray(S, out, o + 2 * pitch + VL) : z, c22 = acc ? FloatVector.fromArray(S, out, o + 2 * pitch + 2 * VL) : z;
        FloatVector c30 = acc ? FloatVector.fromArray(S, out, o + 3 * pitch) : z, c31 = acc ? FloatVector.fromArray(S, out, o + 3 * pitch + VL) : z, c32 = acc ? FloatVector.fromArray(S, out, o + 3 * pitch + 2 * VL) : z;
        for (int p = 0; p < kb; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + 1 * VL), b2 = FloatVector.fromArray(S, bp, bi + 2 * VL);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
        }
        c00.intoArray(out, o); c01.intoArray(out, o + 1 * VL); c02.intoArray(out, o + 2 * VL);
        c10.intoArray(out, o + 1 * pitch); c11.intoArray(out, o + 1 * pitch + 1 * VL); c12.intoArray(out, o + 1 * pitch + 2 * VL);
        c20.intoArray(out, o + 2 * pitch); c21.intoArray(out, o + 2 * pitch + 1 * VL); c22.intoArray(out, o + 2 * pitch + 2 * VL);
        c30.intoArray(out, o + 3 * pitch); c31.intoArray(out, o + 3 * pitch + 1 * VL); c32.intoArray(out, o + 3 * pitch + 2 * VL);
    }

    @Override
    void rows(float[] a, int ai, int lda, float[] bp, int bi, int kb, float[] out, int o, int pitch) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z;
        FloatVector c10 = z, c11 = z, c12 = z;
        FloatVector c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z;
        int a0 = ai, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < kb; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + 1 * VL), b2 = FloatVector.fromArray(S, bp, bi + 2 * VL);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
        }
        c00.intoArray(out, o); c01.intoArray(out, o + 1 * VL); c02.intoArray(out, o + 2 * VL);
        c10.intoArray(out, o + 1 * pitch); c11.intoArray(out, o + 1 * pitch + 1 * VL); c12.intoArray(out, o + 1 * pitch + 2 * VL);
        c20.intoArray(out, o + 2 * pitch); c21.intoArray(out, o + 2 * pitch + 1 * VL); c22.intoArray(out, o + 2 * pitch + 2 * VL);
        c30.intoArray(out, o + 3 * pitch); c31.intoArray(out, o + 3 * pitch + 1 * VL); c32.intoArray(out, o + 3 * pitch + 2 * VL);
    }
}
