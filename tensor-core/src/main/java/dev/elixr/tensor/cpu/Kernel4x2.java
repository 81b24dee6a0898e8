package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * The 4×2 micro-kernel: a tile of 4 rows × 2 vectors of C, for 16 vector registers (AVX2/FMA3, NEON-sized files):
 * 8 accumulators + 2 B vectors + the broadcasts C2 schedules ahead (up to 3 seen) = 13. Eight independent FMA chains
 * cover an FMA latency of 4 cycles on 2 ports. C2 spills one of the 6×2 tile's 12 accumulators under UseAVX=2
 * (disassembly: a load and store of the stack slot every k), which costs that tile a third of its speed; this one does not spill.
 * Written out explicitly, as every variant: C2 keeps the accumulators in registers only with constant tile bounds.
 * Per k: 2 vector loads of B, 4 broadcasts of A, 8 FMAs.
 */
final class Kernel4x2 extends MicroKernel {
    private static final int MR = 4, NR = 2 * VL;

    Kernel4x2() { super(MR, 2); }

    @Override
    public void packed(float[] a, int ai, float[] bp, int bi, int kb, float[] out, int o, int pitch, boolean acc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = acc ? FloatVector.fromArray(S, out, o) : z, c01 = acc ? FloatVector.fromArray(S, out, o + VL) : z;
        FloatVector c10 = acc ? FloatVector.fromArray(S, out, o + pitch) : z, c11 = acc ? FloatVector.fromArray(S, out, o + pitch + VL) : z;
        FloatVector c20 = acc ? FloatVector.fromArray(S, out, o + 2 * pitch) : z, c21 = acc ? FloatVector.fromArray(S, out, o + 2 * pitch + VL) : z;
        FloatVector c30 = acc ? FloatVector.fromArray(S, out, o + 3 * pitch) : z, c31 = acc ? FloatVector.fromArray(S, out, o + 3 * pitch + VL) : z;
        for (int p = 0; p < kb; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + 1 * VL);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        c00.intoArray(out, o); c01.intoArray(out, o + 1 * VL);
        c10.intoArray(out, o + 1 * pitch); c11.intoArray(out, o + 1 * pitch + 1 * VL);
        c20.intoArray(out, o + 2 * pitch); c21.intoArray(out, o + 2 * pitch + 1 * VL);
        c30.intoArray(out, o + 3 * pitch); c31.intoArray(out, o + 3 * pitch + 1 * VL);
    }

    @Override
    void rows(float[] a, int ai, int lda, float[] bp, int bi, int kb, float[] out, int o, int pitch) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        int a0 = ai, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < kb; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + 1 * VL);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        c00.intoArray(out, o); c01.intoArray(out, o + 1 * VL);
        c10.intoArray(out, o + 1 * pitch); c11.intoArray(out, o + 1 * pitch + 1 * VL);
        c20.intoArray(out, o + 2 * pitch); c21.intoArray(out, o + 2 * pitch + 1 * VL);
        c30.intoArray(out, o + 3 * pitch); c31.intoArray(out, o + 3 * pitch + 1 * VL);
    }
}
