package dev.elixr.tensor.cpu;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** {@link StrideTwo}'s vector gather and scatter-add give the bits of their plain loops, for lengths around the vector width. */
class StrideTwoTest {
    static Stream<Long> seeds() { return LongStream.range(0, 40).boxed(); }

    /** A length from 0 to 5 vectors and a bit (odd sizes included), offsets 0 to 6. */
    record Case(int n, int src, int dst, float[] in, float[] out) {
        static Case of(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int n = (int) (seed % 5) * StrideTwo.VL + r.nextInt(StrideTwo.VL + 2), src = r.nextInt(7), dst = r.nextInt(7);
            float[] in = new float[src + 2 * n + r.nextInt(3)], out = new float[dst + 2 * n + r.nextInt(3)];
            for (int i = 0; i < in.length; i++) in[i] = (float) r.nextGaussian();
            for (int i = 0; i < out.length; i++) out[i] = (float) r.nextGaussian();
            return new Case(n, src, dst, in, out);
        }
    }

    @ParameterizedTest @MethodSource("seeds")
    void gatherEqualsThePlainLoop(long seed) {
        Case c = Case.of(seed);
        float[] want = c.out().clone(), got = c.out().clone();
        StrideTwo.gatherReference(c.in(), c.src(), want, c.dst(), c.n());
        StrideTwo.gather(c.in(), c.src(), got, c.dst(), c.n());
        assertArrayEquals(want, got, "gather of " + c.n() + " floats (vector length " + StrideTwo.VL + ")");
    }

    @ParameterizedTest @MethodSource("seeds")
    void scatterAddEqualsThePlainLoop(long seed) {
        Case c = Case.of(seed);
        float[] want = c.out().clone(), got = c.out().clone();
        StrideTwo.scatterAddReference(c.in(), c.src(), want, c.dst(), c.n());
        StrideTwo.scatterAdd(c.in(), c.src(), got, c.dst(), c.n());
        assertArrayEquals(want, got, "scatter-add of " + c.n() + " floats (vector length " + StrideTwo.VL + ")");
    }

    /** Both permute strategies (two-source at 512 bits, one-source and a blend elsewhere) on this machine's vectors. */
    @ParameterizedTest @MethodSource("seeds")
    void evensOddsAndZipsOfBothStrategiesFollowTheirLaneDefinitions(long seed) {
        int vl = StrideTwo.VL;
        SplittableRandom r = new SplittableRandom(seed);
        float[] ab = new float[2 * vl];
        for (int i = 0; i < ab.length; i++) ab[i] = (float) r.nextGaussian();
        var a = jdk.incubator.vector.FloatVector.fromArray(StrideTwo.S, ab, 0);
        var b = jdk.incubator.vector.FloatVector.fromArray(StrideTwo.S, ab, vl);
        float[] evens = new float[vl], odds = new float[vl], lo = new float[vl], hi = new float[vl];
        for (int i = 0; i < vl; i++) {
            evens[i] = ab[2 * i];
            odds[i] = ab[2 * i + 1];
            lo[i] = i % 2 == 0 ? ab[i / 2] : 0f;
            hi[i] = i % 2 == 0 ? ab[vl / 2 + i / 2] : 0f;
        }
        for (boolean twoSource : new boolean[] {true, false}) {
            String how = (twoSource ? "two-source" : "one-source") + " permutes, vector length " + vl;
            assertArrayEquals(evens, StrideTwo.evens(a, b, twoSource).toArray(), "evens, " + how);
            assertArrayEquals(odds, StrideTwo.odds(a, b, twoSource).toArray(), "odds, " + how);
            assertArrayEquals(lo, StrideTwo.zip(a, false, twoSource).toArray(), "lower zip, " + how);
            assertArrayEquals(hi, StrideTwo.zip(a, true, twoSource).toArray(), "upper zip, " + how);
        }
    }
}
