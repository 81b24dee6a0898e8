package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * The 8×2 micro-kernel: a tile of 8 rows × 2 vectors of C, for 32 vector registers (AVX-512, AArch64):
 * 16 accumulators + 2 B vectors + the 3 broadcasts C2 keeps in flight = 21 (it spills on 16).
 * Written out explicitly, as every variant: C2 keeps the accumulators in registers only with constant tile bounds.
 * Per k: 2 vector loads of B, 8 broadcasts of A, 16 FMAs.
 */
final class Kernel8x2 extends MicroKernel {
    private static final int MR = 8, NR = 2 * VL;

    Kernel8x2() { super(MR, 2); }

    @Override
    public void packed(float[] a, int ai, float[] bp, int bi, int kb, float[] out, int o, int pitch, boolean acc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = acc ? FloatVector.fromArray(S, out, o) : z, c01 = acc ? FloatVector.fromArray(S, out, o + VL) : z;
        FloatVector c10 = acc ? FloatVector.fromArray(S, out, o + pitch) : z, c11 = acc ? FloatVector.fromArray(S, out, o + pitch + VL) : z;
        FloatVector c20 = acc ? FloatVector.fromArray(S, out, o + 2 * pitch) : z, c21 = acc ? FloatVector.fromArray(S, out, o + 2 * pitch + VL) : z;
        FloatVector c30 = acc ? FloatVector.fromArray(S, out, o + 3 * pitch) : z, c31 = acc ? FloatVector.fromArray(S, out, o + 3 * pitch + VL) : z;
        FloatVector c40 = acc ? FloatVector.fromArray(S, out, o + 4 * pitch) : z, c41 = acc ? FloatVector.fromArray(S, out, o + 4 * pitch + VL) : z;
        FloatVector c50 = acc ? FloatVector.fromArray(S, out, o + 5 * pitch) : z, c51 = acc ? FloatVector.fromArray(S, out, o + 5 * pitch + VL) : z;
        FloatVector c60 = acc ? FloatVector.fromArray(S, out, o + 6 * pitch) : z, c61 = acc ? FloatVector.fromArray(S, out, o + 6 * pitch + VL) : z;
        FloatVector c70 = acc ? FloatVector.fromArray(S, out, o + 7 * pitch) : z, c71 = acc ? FloatVector.fromArray(S, out, o + 7 * pitch + VL) : z;
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
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(out, o); c01.intoArray(out, o + 1 * VL);
        c10.intoArray(out, o + 1 * pitch); c11.intoArray(out, o + 1 * pitch + 1 * VL);
        c20.intoArray(out, o + 2 * pitch); c21.intoArray(out, o + 2 * pitch + 1 * VL);
        c30.intoArray(out, o + 3 * pitch); c31.intoArray(out, o + 3 * pitch + 1 * VL);
        c40.intoArray(out, o + 4 * pitch); c41.intoArray(out, o + 4 * pitch + 1 * VL);
        c50.intoArray(out, o + 5 * pitch); c51.intoArray(out, o + 5 * pitch + 1 * VL);
        c60.intoArray(out, o + 6 * pitch); c61.intoArray(out, o + 6 * pitch + 1 * VL);
        c70.intoArray(out, o + 7 * pitch); c71.intoArray(out, o + 7 * pitch + 1 * VL);
    }

    @Override boolean readsRuns() { return true; }

    /**
     * C2's register allocator, left to spill general registers into vector registers (the JVM's default,
     * {@code -XX:+UseFPUForSpilling}), keeps a and b in XMM registers here and moves them back to general ones every k
     * ({@code vmovq}): the stride-2 convolution that runs on this loop, [1,32,112,112] → 64, runs 11–22% faster without
     * it (AVX-512, Zen 5, a scratch harness and {@code elixr bench ops}; docs/results.md, session 37). The launcher passes
     * {@code -XX:-UseFPUForSpilling} on AVX-512 machines. Loop strip mining (G1's default) hid it too (session 36).
     */
    @Override
    void runs(float[] a, int ai, float[] b, int[] start, int ks, int jb, int kb, float[] out, int o, int pitch, boolean acc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = acc ? FloatVector.fromArray(S, out, o) : z, c01 = acc ? FloatVector.fromArray(S, out, o + VL) : z;
        FloatVector c10 = acc ? FloatVector.fromArray(S, out, o + pitch) : z, c11 = acc ? FloatVector.fromArray(S, out, o + pitch + VL) : z;
        FloatVector c20 = acc ? FloatVector.fromArray(S, out, o + 2 * pitch) : z, c21 = acc ? FloatVector.fromArray(S, out, o + 2 * pitch + VL) : z;
        FloatVector c30 = acc ? FloatVector.fromArray(S, out, o + 3 * pitch) : z, c31 = acc ? FloatVector.fromArray(S, out, o + 3 * pitch + VL) : z;
        FloatVector c40 = acc ? FloatVector.fromArray(S, out, o + 4 * pitch) : z, c41 = acc ? FloatVector.fromArray(S, out, o + 4 * pitch + VL) : z;
        FloatVector c50 = acc ? FloatVector.fromArray(S, out, o + 5 * pitch) : z, c51 = acc ? FloatVector.fromArray(S, out, o + 5 * pitch + VL) : z;
        FloatVector c60 = acc ? FloatVector.fromArray(S, out, o + 6 * pitch) : z, c61 = acc ? FloatVector.fromArray(S, out, o + 6 * pitch + VL) : z;
        FloatVector c70 = acc ? FloatVector.fromArray(S, out, o + 7 * pitch) : z, c71 = acc ? FloatVector.fromArray(S, out, o + 7 * pitch + VL) : z;
        for (int p = 0; p < kb; p++, ai += MR) {
            int bi = start[ks + p] + jb;
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + 1 * VL);
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
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(out, o); c01.intoArray(out, o + 1 * VL);
        c10.intoArray(out, o + 1 * pitch); c11.intoArray(out, o + 1 * pitch + 1 * VL);
        c20.intoArray(out, o + 2 * pitch); c21.intoArray(out, o + 2 * pitch + 1 * VL);
        c30.intoArray(out, o + 3 * pitch); c31.intoArray(out, o + 3 * pitch + 1 * VL);
        c40.intoArray(out, o + 4 * pitch); c41.intoArray(out, o + 4 * pitch + 1 * VL);
        c50.intoArray(out, o + 5 * pitch); c51.intoArray(out, o + 5 * pitch + 1 * VL);
        c60.intoArray(out, o + 6 * pitch); c61.intoArray(out, o + 6 * pitch + 1 * VL);
        c70.intoArray(out, o + 7 * pitch); c71.intoArray(out, o + 7 * pitch + 1 * VL);
    }

    @Override
    void rows(float[] a, int ai, int lda, float[] bp, int bi, int kb, float[] out, int o, int pitch) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z;
        FloatVector c70 = z, c71 = z;
        int a0 = ai, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
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
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[a6 + p]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[a7 + p]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(out, o); c01.intoArray(out, o + 1 * VL);
        c10.intoArray(out, o + 1 * pitch); c11.intoArray(out, o + 1 * pitch + 1 * VL);
        c20.intoArray(out, o + 2 * pitch); c21.intoArray(out, o + 2 * pitch + 1 * VL);
        c30.intoArray(out, o + 3 * pitch); c31.intoArray(out, o + 3 * pitch + 1 * VL);
        c40.intoArray(out, o + 4 * pitch); c41.intoArray(out, o + 4 * pitch + 1 * VL);
        c50.intoArray(out, o + 5 * pitch); c51.intoArray(out, o + 5 * pitch + 1 * VL);
        c60.intoArray(out, o + 6 * pitch); c61.intoArray(out, o + 6 * pitch + 1 * VL);
        c70.intoArray(out, o + 7 * pitch); c71.intoArray(out, o + 7 * pitch + 1 * VL);
    }
}
