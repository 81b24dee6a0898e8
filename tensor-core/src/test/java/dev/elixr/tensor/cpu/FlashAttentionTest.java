package dev.elixr.tensor.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link FlashAttention} against a float64 softmax(QKᵀ·scale + mask)·V that materialises the scores. */
class FlashAttentionTest {
    enum MaskKind { NONE, FULL, KEY_PADDING, ALL_MASKED_HEAD }

    record Case(int b, int h, int tq, int tk, int d, int dv, MaskKind mask, boolean causal, boolean interleaved, long seed) {}

    static Stream<Arguments> cases() {
        SplittableRandom r = new SplittableRandom(41);
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of(new Case(1, 2, 64, 64, 64, 64, MaskKind.NONE, false, false, 1)));
        out.add(Arguments.of(new Case(1, 1, 300, 300, 64, 64, MaskKind.NONE, true, false, 2)));      // several key blocks, causal skip
        out.add(Arguments.of(new Case(2, 3, 1, 257, 64, 64, MaskKind.KEY_PADDING, true, true, 3)));  // decode step against a cache
        out.add(Arguments.of(new Case(1, 2, 129, 200, 40, 24, MaskKind.FULL, false, true, 4)));
        out.add(Arguments.of(new Case(2, 1, 70, 70, 17, 17, MaskKind.KEY_PADDING, true, false, 5)));
        out.add(Arguments.of(new Case(1, 1, 150, 90, 8, 8, MaskKind.NONE, true, false, 6)));       // Tq > Tk: early rows see nothing
        // one query per head (decode): inline and split across threads, head sizes off the vector width, a lone key
        out.add(Arguments.of(new Case(1, 16, 1, 48, 64, 64, MaskKind.NONE, true, false, 7)));
        out.add(Arguments.of(new Case(2, 8, 1, 3000, 64, 64, MaskKind.NONE, true, true, 8)));
        out.add(Arguments.of(new Case(1, 3, 1, 1, 19, 5, MaskKind.FULL, false, false, 9)));
        out.add(Arguments.of(new Case(3, 2, 1, 77, 7, 33, MaskKind.KEY_PADDING, false, true, 10)));
        for (int i = 0; i < 14; i++) {
            int tq = 1 + r.nextInt(200), tk = r.nextBoolean() ? tq : 1 + r.nextInt(300), d = 1 + r.nextInt(80);
            out.add(Arguments.of(new Case(1 + r.nextInt(2), 1 + r.nextInt(3), tq, tk, d, r.nextBoolean() ? d : 1 + r.nextInt(70),
                    MaskKind.values()[r.nextInt(3)], r.nextBoolean(), r.nextBoolean(), r.nextLong())));
        }
        return out.stream();
    }

    static float[] random(SplittableRandom r, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (scale * r.nextDouble(-1, 1));
        return x;
    }

    /** [B,H,T,D] either contiguous or as the permuted view of a [B,T,H,D] tensor. */
    static FlashAttention.Operand operand(float[] data, Case c, int t, int d, boolean interleaved) {
        return interleaved ? new FlashAttention.Operand(data, 0, t * c.h() * d, d, c.h() * d)
                : new FlashAttention.Operand(data, 0, c.h() * t * d, t * d, d);
    }

    static float at(FlashAttention.Operand o, int b, int h, int t, int d) { return o.data()[o.base(b, h) + t * o.st() + d]; }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesMaterialisedFloat64(Case c) {
        SplittableRandom r = new SplittableRandom(c.seed());
        float[] qd = random(r, c.b() * c.h() * c.tq() * c.d(), 2), kd = random(r, c.b() * c.h() * c.tk() * c.d(), 2),
                vd = random(r, c.b() * c.h() * c.tk() * c.dv(), 1);
        var q = operand(qd, c, c.tq(), c.d(), c.interleaved());
        var k = operand(kd, c, c.tk(), c.d(), c.interleaved());
        var v = operand(vd, c, c.tk(), c.dv(), c.interleaved());
        FlashAttention.Mask mask = switch (c.mask()) {
            case NONE -> null;
            case FULL -> new FlashAttention.Mask(random(r, c.b() * c.h() * c.tq() * c.tk(), 3), 0,
                    c.h() * c.tq() * c.tk(), c.tq() * c.tk(), c.tk(), 1);
            case KEY_PADDING -> { // [B,1,1,Tk]: 0 or −∞, key 0 always visible
                float[] m = new float[c.b() * c.tk()];
                for (int i = 0; i < m.length; i++) m[i] = i % c.tk() != 0 && r.nextInt(4) == 0 ? Float.NEGATIVE_INFINITY : 0f;
                yield new FlashAttention.Mask(m, 0, c.tk(), 0, 0, 1);
            }
            case ALL_MASKED_HEAD -> throw new IllegalArgumentException("ALL_MASKED_HEAD is a grouped-decode case only");
        };
        float scale = (float) (1 / Math.sqrt(c.d()));
        float[] od = new float[c.b() * c.h() * c.tq() * c.dv()];
        java.util.Arrays.fill(od, Float.NaN); // overwritten
        var out = operand(od, c, c.tq(), c.dv(), c.interleaved());
        FlashAttention.attention(c.b(), c.h(), c.tq(), c.tk(), c.d(), c.dv(), q, k, v, mask, c.causal(), scale, out);
        double[] s = new double[c.tk()];
        for (int b = 0; b < c.b(); b++)
            for (int h = 0; h < c.h(); h++)
                for (int i = 0; i < c.tq(); i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < c.tk(); j++) {
                        double dot = 0;
                        for (int e = 0; e < c.d(); e++) dot += (double) at(q, b, h, i, e) * at(k, b, h, j, e);
                        s[j] = dot * scale;
                        if (mask != null) s[j] += mask.data()[mask.off() + b * mask.sb() + h * mask.sh() + i * mask.sq() + j * mask.sk()];
                        if (c.causal() && j > i + c.tk() - c.tq()) s[j] = Double.NEGATIVE_INFINITY;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < c.tk(); j++) sum += s[j] = max == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
                    for (int e = 0; e < c.dv(); e++) {
                        double o = 0;
                        for (int j = 0; j < c.tk(); j++) o += sum == 0 ? 0 : s[j] / sum * at(v, b, h, j, e);
                        final int fi = i, fe = e;
                        assertEquals(o, at(out, b, h, i, e), 2e-5, () -> c + " out[" + fi + "," + fe + "]");
                    }
                }
    }

    @Test
    void decodeStepReadsSharedKeyValueHeadsInPlaceAsCopiesOfThem() {
        // grouped-query attention's expand: 4 query heads over one key-value head (head stride 0) against 4 copies
        SplittableRandom r = new SplittableRandom(12);
        int heads = 4, tk = 37, d = 64;
        float[] q = random(r, heads * d, 2), k = random(r, tk * d, 2), v = random(r, tk * d, 1);
        float[] kCopies = new float[heads * tk * d], vCopies = new float[heads * tk * d];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(k, 0, kCopies, h * tk * d, tk * d);
            System.arraycopy(v, 0, vCopies, h * tk * d, tk * d);
        }
        float[] shared = new float[heads * d], copied = new float[heads * d];
        var qo = new FlashAttention.Operand(q, 0, heads * d, d, d);
        FlashAttention.attention(1, heads, 1, tk, d, d, qo, new FlashAttention.Operand(k, 0, 0, 0, d), new FlashAttention.Operand(v, 0, 0, 0, d),
                null, true, 0.125f, new FlashAttention.Operand(shared, 0, heads * d, d, d));
        FlashAttention.attention(1, heads, 1, tk, d, d, qo, new FlashAttention.Operand(kCopies, 0, heads * tk * d, tk * d, d),
                new FlashAttention.Operand(vCopies, 0, heads * tk * d, tk * d, d), null, true, 0.125f, new FlashAttention.Operand(copied, 0, heads * d, d, d));
        org.junit.jupiter.api.Assertions.assertArrayEquals(copied, shared);
    }

    /** Key-value heads × query heads per group, keys, head size, value size, mask kind: sizes around VL, a head with no visible key. */
    static Stream<Arguments> groupedDecodeCases() {
        return Stream.of(Arguments.of(4, 4, 160, 64, 64, MaskKind.NONE), Arguments.of(2, 6, 37, 64, 64, MaskKind.NONE),
                Arguments.of(3, 5, 70, 19, 33, MaskKind.FULL), Arguments.of(2, 2, 1, 8, 8, MaskKind.KEY_PADDING),
                Arguments.of(8, 3, 300, 64, 17, MaskKind.KEY_PADDING), Arguments.of(1, 8, 90, 128, 128, MaskKind.NONE),
                Arguments.of(2, 4, 5, 8, 8, MaskKind.ALL_MASKED_HEAD));
    }

    @ParameterizedTest(name = "kv heads {0}, group {1}, keys {2}, d {3}, dv {4}, mask {5}")
    @MethodSource("groupedDecodeCases")
    void decodeOfSharedKeyValueHeadsGivesTheBitsOfCopiesAndMatchesFloat64(int kvHeads, int group, int tk, int d, int dv, MaskKind maskKind) {
        // grouped-query attention's expand (K, V head stride 0) against per-head copies, which take the per-head path
        SplittableRandom r = new SplittableRandom(31L * kvHeads + group + tk);
        float[] q = random(r, kvHeads * group * d, 2), k = random(r, kvHeads * tk * d, 2), v = random(r, kvHeads * tk * dv, 1);
        float[] kCopies = new float[kvHeads * group * tk * d], vCopies = new float[kvHeads * group * tk * dv];
        for (int b = 0; b < kvHeads; b++)
            for (int h = 0; h < group; h++) {
                System.arraycopy(k, b * tk * d, kCopies, (b * group + h) * tk * d, tk * d);
                System.arraycopy(v, b * tk * dv, vCopies, (b * group + h) * tk * dv, tk * dv);
            }
        FlashAttention.Mask mask = switch (maskKind) {
            case NONE -> null;
            case FULL -> new FlashAttention.Mask(random(r, kvHeads * group * tk, 3), 0, group * tk, tk, tk, 1);
            case KEY_PADDING -> {
                float[] m = new float[kvHeads * tk];
                for (int i = 0; i < m.length; i++) m[i] = i % tk != 0 && r.nextInt(4) == 0 ? Float.NEGATIVE_INFINITY : 0f;
                yield new FlashAttention.Mask(m, 0, tk, 0, 0, 1);
            }
            case ALL_MASKED_HEAD -> { // head 1 of every group sees no key: zeros
                float[] m = new float[kvHeads * group * tk];
                for (int i = 0; i < m.length; i++) if ((i / tk) % group == 1) m[i] = Float.NEGATIVE_INFINITY;
                yield new FlashAttention.Mask(m, 0, group * tk, tk, tk, 1);
            }
        };
        float[] shared = new float[kvHeads * group * dv], copied = new float[kvHeads * group * dv];
        var qo = new FlashAttention.Operand(q, 0, group * d, d, d);
        float scale = (float) (1 / Math.sqrt(d));
        FlashAttention.attention(kvHeads, group, 1, tk, d, dv, qo, new FlashAttention.Operand(k, 0, tk * d, 0, d),
                new FlashAttention.Operand(v, 0, tk * dv, 0, dv), mask, true, scale, new FlashAttention.Operand(shared, 0, group * dv, dv, dv));
        FlashAttention.attention(kvHeads, group, 1, tk, d, dv, qo, new FlashAttention.Operand(kCopies, 0, group * tk * d, tk * d, d),
                new FlashAttention.Operand(vCopies, 0, group * tk * dv, tk * dv, dv), mask, true, scale, new FlashAttention.Operand(copied, 0, group * dv, dv, dv));
        org.junit.jupiter.api.Assertions.assertArrayEquals(copied, shared);
        // and the float64 reference
        for (int b = 0; b < kvHeads; b++)
            for (int h = 0; h < group; h++) {
                double[] s = new double[tk];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < tk; j++) {
                    double dot = 0;
                    for (int e = 0; e < d; e++) dot += (double) q[(b * group + h) * d + e] * k[(b * tk + j) * d + e];
                    s[j] = dot * scale + (mask == null ? 0 : mask.data()[b * mask.sb() + h * mask.sh() + j * mask.sk()]);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < tk; j++) sum += s[j] = max == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
                for (int e = 0; e < dv; e++) {
                    double o = 0;
                    for (int j = 0; j < tk; j++) o += sum == 0 ? 0 : s[j] / sum * v[(b * tk + j) * dv + e];
                    assertEquals(o, shared[(b * group + h) * dv + e], 2e-5);
                }
            }
    }

    @Test
    void decodeStepWithEveryKeyMaskedGivesZeros() {
        int d = 8, tk = 5;
        float[] q = new float[d], k = new float[tk * d], v = new float[tk * d], out = new float[d];
        java.util.Arrays.fill(v, 1f);
        float[] m = new float[tk];
        java.util.Arrays.fill(m, Float.NEGATIVE_INFINITY);
        FlashAttention.attention(1, 1, 1, tk, d, d, new FlashAttention.Operand(q, 0, 0, 0, d), new FlashAttention.Operand(k, 0, 0, 0, d),
                new FlashAttention.Operand(v, 0, 0, 0, d), new FlashAttention.Mask(m, 0, 0, 0, 0, 1), true, 0.5f, new FlashAttention.Operand(out, 0, 0, 0, d));
        for (float o : out) assertEquals(0f, o);
    }

    @Test
    void fullyMaskedRowGivesZerosAsTheReference() {
        int d = 4, t = 3;
        float[] q = new float[t * d], k = new float[t * d], v = new float[t * d], out = new float[t * d];
        java.util.Arrays.fill(v, 1f);
        float[] m = {0, 0, 0, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0, 0, 0};
        var op = new FlashAttention.Operand(q, 0, 0, 0, d);
        FlashAttention.attention(1, 1, t, t, d, d, op, new FlashAttention.Operand(k, 0, 0, 0, d), new FlashAttention.Operand(v, 0, 0, 0, d),
                new FlashAttention.Mask(m, 0, 0, 0, t, 1), false, 0.5f, new FlashAttention.Operand(out, 0, 0, 0, d));
        assertEquals(1f, out[0], 1e-6);
        for (int c = 0; c < d; c++) assertEquals(0f, out[d + c]);
        assertEquals(1f, out[2 * d], 1e-6);
    }

    @Test
    void causalBlockReadsNoValueAfterItsLastQuery() {
        // a NaN value row at key 100 reaches the queries that see it (100 and later) and may reach the other queries of
        // their causal block (P = 0 times NaN), but no query of an earlier block: a block that ran P·V over the whole
        // packed key block turned every query of it into NaN
        SplittableRandom r = new SplittableRandom(13);
        int t = 121, d = 32, poisoned = 100, blockStart = poisoned / FlashAttention.CAUSAL_BQ * FlashAttention.CAUSAL_BQ;
        float[] q = random(r, t * d, 2), k = random(r, t * d, 2), v = random(r, t * d, 1), clean = v.clone();
        for (int e = 0; e < d; e++) v[poisoned * d + e] = Float.NaN;
        float[] out = new float[t * d], ref = new float[t * d];
        var qo = new FlashAttention.Operand(q, 0, 0, t * d, d);
        var ko = new FlashAttention.Operand(k, 0, 0, t * d, d);
        FlashAttention.attention(1, 1, t, t, d, d, qo, ko, new FlashAttention.Operand(v, 0, 0, t * d, d), null, true, 0.2f,
                new FlashAttention.Operand(out, 0, 0, t * d, d));
        FlashAttention.attention(1, 1, t, t, d, d, qo, ko, new FlashAttention.Operand(clean, 0, 0, t * d, d), null, true, 0.2f,
                new FlashAttention.Operand(ref, 0, 0, t * d, d));
        for (int i = 0; i < t; i++)
            for (int e = 0; e < d; e++) {
                final int fi = i;
                if (i < blockStart) assertEquals(ref[i * d + e], out[i * d + e], () -> "query " + fi + " reads the poisoned key");
                else if (i >= poisoned) org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(out[i * d + e]), () -> "query " + fi + " sees key 100");
            }
    }
}
