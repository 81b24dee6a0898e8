package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Attention;
import dev.elixr.tensor.ops.Elementwise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused CPU attention backward (per head, in blocks of queries) against the float64 reference and the composed backward. */
class AttentionBackwardTest {
    static Stream<Long> seeds() { return LongStream.range(0, 40).boxed(); }

    private record Case(Tensor q, Tensor k, Tensor v, Tensor g, Tensor mask, boolean causal, float scale, String what) {
        static Case of(long seed) {
            Gen gen = new Gen(seed);
            int b = 1 + gen.rng.nextInt(3), h = 1 + gen.rng.nextInt(3), tk = 1 + gen.rng.nextInt(40);
            int tq = seed % 3 == 0 ? tk : 1 + gen.rng.nextInt(40), d = 1 + gen.rng.nextInt(40), dv = seed % 5 == 0 ? 1 + gen.rng.nextInt(40) : d;
            Tensor q = seed % 2 == 0 ? gen.values(1f, b, tq, h, d).permute(0, 2, 1, 3) : gen.tensor(b, h, tq, d);
            Tensor k = seed % 4 == 1 ? gen.values(1f, b, tk, h, d).permute(0, 2, 1, 3) : gen.tensor(b, h, tk, d);
            Tensor v = gen.tensor(b, h, tk, dv), g = gen.tensor(b, h, tq, dv);
            Tensor mask = switch ((int) (seed % 4)) {
                case 0 -> null;
                case 1 -> gen.tensor(b, 1, 1, tk);
                // 0 / −30, not −1e9: a causal row whose visible keys are all at −1e9 is uniform in float (s·scale − 1e9
                // rounds to −1e9) but not in the float64 reference
                case 2 -> Elementwise.mul(Elementwise.lt(gen.values(1f, tq, tk), -0.5f), -30f);
                default -> gen.tensor(b, h, tq, tk);
            };
            boolean causal = seed % 3 != 1;
            return new Case(q, k, v, g, mask, causal, (float) (1 / Math.sqrt(d)),
                    "B" + b + " H" + h + " Tq" + tq + " Tk" + tk + " D" + d + " Dv" + dv + " causal " + causal + " mask " + seed % 4);
        }

        Tensor[] fused(int bq, boolean needQ, boolean needK, boolean needV) {
            Tensor dq = needQ ? Tensor.zeros(q.shape()) : null, dk = needK ? Tensor.zeros(k.shape()) : null;
            Tensor dv = needV ? Tensor.zeros(v.shape()) : null;
            AttentionBackward.backward(q, k, v, mask, causal, scale, g, null, dq, dk, dv, bq);
            return new Tensor[] {dq, dk, dv};
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void fusedGradientsMatchTheFloat64ReferenceForEveryQueryBlockSize(long seed) {
        Case c = Case.of(seed);
        Tensor[] want = dev.elixr.tensor.reference.Attention.backward(c.q(), c.k(), c.v(), c.mask(), c.causal(), c.scale(), c.g());
        int tq = c.q().size(2);
        for (int bq : new int[] {1, 3, 8, tq}) {
            Tensor[] got = c.fused(bq, true, true, true);
            for (int i = 0; i < 3; i++)
                Close.assertClose(want[i], got[i], 1e-5, 1e-4, "d" + "qkv".charAt(i) + " " + c.what() + ", " + bq + " queries a block");
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void keptProbabilitiesGiveTheFloat64GradientsAndTheForwardItsOwnOutputBits(long seed) {
        Case c = Case.of(seed);
        checkKept(c.q(), c.k(), c.v(), c.g(), c.mask(), c.causal(), c.scale(), c.what());
    }

    @Test
    void keptProbabilitiesOverSeveralKeyBlocksAreRescaledToTheFinalMax() {
        // 300 keys: three key blocks of the forward, whose running max grows from block to block
        Gen gen = new Gen(77);
        int b = 1, h = 2, t = 300, d = 16;
        Tensor q = gen.values(2f, b, h, t, d), k = gen.values(2f, b, h, t, d), v = gen.tensor(b, h, t, d), g = gen.tensor(b, h, t, d);
        checkKept(q, k, v, g, null, true, 0.5f, "[1,2,300,16] causal");
        checkKept(q, k, v, g, null, false, 0.5f, "[1,2,300,16]");
    }

    /** P kept by the forward: the forward's output bits unchanged, P and the gradients read from it as the float64 reference. */
    private static void checkKept(Tensor q, Tensor k, Tensor v, Tensor g, Tensor mask, boolean causal, float scale, String what) {
        Tensor[] kept = Attention.scaledDotProductKeeping(q, k, v, mask, causal, scale);
        assertTrue(kept[1] != null, "the CPU keeps P of " + what);
        assertArrayEquals(Attention.scaledDotProduct(q, k, v, mask, causal, scale).toFloatArray(), kept[0].toFloatArray(), what);
        Close.assertClose(dev.elixr.tensor.reference.Attention.probabilities(q, k, mask, causal, scale), kept[1], 1e-6, 1e-5, "P " + what);
        Tensor[] want = dev.elixr.tensor.reference.Attention.backward(q, k, v, mask, causal, scale, g);
        Tensor[] got = Attention.backward(q, k, v, mask, causal, scale, g, kept[1], true, true, true);
        for (int i = 0; i < 3; i++) Close.assertClose(want[i], got[i], 1e-5, 1e-4, "d" + "qkv".charAt(i) + " from kept P, " + what);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void fusedGradientsMatchTheComposedBackwardAndSkipThoseNotAskedFor(long seed) {
        Case c = Case.of(seed);
        boolean needQ = seed % 5 != 1, needK = seed % 5 != 2, needV = seed % 5 != 3;
        Tensor[] want = Attention.composedBackward(c.q(), c.k(), c.v(), c.mask(), c.causal(), c.scale(), c.g(), needQ, needK, needV, Long.MAX_VALUE);
        Tensor[] got = Attention.backward(c.q(), c.k(), c.v(), c.mask(), c.causal(), c.scale(), c.g(), needQ, needK, needV);
        for (int i = 0; i < 3; i++) {
            if (want[i] == null) assertNull(got[i], "d" + "qkv".charAt(i) + " not asked for, " + c.what());
            else Close.assertClose(want[i], got[i], 1e-5, 1e-5, "d" + "qkv".charAt(i) + " " + c.what());
        }
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        Case c = Case.of(6);
        Tensor[] one, two;
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            one = c.fused(5, true, true, true);
            Parallel.setThreads(2);
            two = c.fused(5, true, true, true);
        } finally {
            Parallel.setThreads(threads);
        }
        for (int i = 0; i < 3; i++) assertArrayEquals(one[i].toFloatArray(), two[i].toFloatArray(), "d" + "qkv".charAt(i) + " " + c.what());
    }

    @Test
    void rowsWithEveryKeyMaskedGiveZeroGradients() {
        Gen gen = new Gen(3);
        Tensor q = gen.tensor(1, 2, 4, 8), k = gen.tensor(1, 2, 6, 8), v = gen.tensor(1, 2, 6, 8), g = gen.tensor(1, 2, 4, 8);
        float[] m = new float[4 * 6];
        java.util.Arrays.fill(m, Float.NEGATIVE_INFINITY); // every key masked for every query
        Tensor mask = Tensor.of(m, 4, 6);
        Tensor[] d = Attention.backward(q, k, v, mask, false, 0.3f, g, true, true, true);
        for (int i = 0; i < 3; i++)
            for (float x : d[i].toFloatArray()) assertEquals(0f, x, "d" + "qkv".charAt(i) + " of a fully masked attention");
    }

    @Test
    void zeroHeadSizesGiveTheComposedGradients() {
        Gen gen = new Gen(5);
        for (int[] s : new int[][] {{2, 2, 3, 0, 4}, {2, 2, 3, 4, 0}}) { // B, H, Tq, D, Dv with Tk 5
            Tensor q = gen.tensor(s[0], s[1], s[2], s[3]), k = gen.tensor(s[0], s[1], 5, s[3]), v = gen.tensor(s[0], s[1], 5, s[4]);
            Tensor g = gen.tensor(s[0], s[1], s[2], s[4]);
            Tensor[] got = Attention.backward(q, k, v, null, false, 0.5f, g, true, true, true);
            Tensor[] want = Attention.composedBackward(q, k, v, null, false, 0.5f, g, true, true, true, Long.MAX_VALUE);
            for (int i = 0; i < 3; i++)
                assertArrayEquals(want[i].toFloatArray(), got[i].toFloatArray(), "d" + "qkv".charAt(i) + " with D " + s[3] + ", Dv " + s[4]);
        }
    }

    @Test
    void causalBlocksHoldAtMostCausalBqQueriesAndNonCausalBlocksAsManyAsTheScratchAllows() {
        assertEquals(AttentionBackward.CAUSAL_BQ, AttentionBackward.queriesPerBlock(121, 121, true));
        assertEquals(121, AttentionBackward.queriesPerBlock(121, 121, false));
        assertEquals(40, AttentionBackward.queriesPerBlock(40, 40, true));
    }

    @Test
    void declaredScratchIsTwoBlocksPerThreadWhateverTheBatch() {
        Tensor q = Tensor.zeros(1, 12, 577, 64), k = Tensor.zeros(1, 12, 577, 64), v = Tensor.zeros(1, 12, 577, 64);
        int bq = AttentionBackward.queriesPerBlock(577, 577);
        assertEquals(AttentionBackward.BLOCK_FLOATS / 577, bq);
        long want = Parallel.threads() * 2L * bq * 577;
        assertEquals(want, Attention.backwardScratchFloats(1, q, k, v));
        assertEquals(want, Attention.backwardScratchFloats(Integer.MAX_VALUE, q, k, v));
        assertTrue(want < 2L * 12 * 577 * 577, "less than one image's P and dS of the composed backward");
    }
}
