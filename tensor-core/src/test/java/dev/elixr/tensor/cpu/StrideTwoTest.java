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
}
