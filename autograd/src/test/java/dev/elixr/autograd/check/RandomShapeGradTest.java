package dev.elixr.autograd.check;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.LongStream;

/** Backward vs finite differences on shapes drawn from the seed: broadcasting patterns, batch dims, axes, geometries. */
class RandomShapeGradTest {
    static LongStream seeds() { return LongStream.rangeClosed(1, 8); }

    static Tensor normal(SplittableRandom r, int... shape) { return GradCheck.grid(Tensor.normal(r, 0f, 1f, shape)); }

    static Tensor positive(SplittableRandom r, int... shape) { return GradCheck.grid(Tensor.uniform(r, 0.5f, 2f, shape)); }

    /**
     * Normal values plus 0.5·i along the last dimension: every row keeps a variance well away from 0, where
     * normalisation is so curved that finite differences with the probing step would be meaningless.
     */
    static Tensor spread(SplittableRandom r, int... shape) {
        float[] v = Tensor.normal(r, 0f, 1f, shape).toFloatArray();
        int d = shape[shape.length - 1];
        for (int i = 0; i < v.length; i++) v[i] += 0.5f * (i % d);
        return GradCheck.grid(Tensor.wrap(v, shape));
    }

    static int[] shape(SplittableRandom r, int rank) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = 1 + r.nextInt(4);
        return s;
    }

    /** A shape that broadcasts to s: some leading dimensions dropped, some others set to 1. */
    static int[] broadcastable(SplittableRandom r, int[] s) {
        int drop = r.nextInt(s.length + 1);
        int[] b = java.util.Arrays.copyOfRange(s, drop, s.length);
        for (int i = 0; i < b.length; i++) if (r.nextInt(3) == 0) b[i] = 1;
        return b;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void broadcastArithmetic(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] s = shape(r, 1 + r.nextInt(3)), t = broadcastable(r, s);
        boolean swap = r.nextBoolean();
        Tensor a = normal(r, swap ? t : s), b = positive(r, swap ? s : t);
        GradCheck.check(v -> v[0].mul(v[1]).add(v[0].div(v[1])).sub(v[1]), seed, a, b);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void batchedMatmulWithBroadcastBatch(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int m = 1 + r.nextInt(4), k = 1 + r.nextInt(4), n = 1 + r.nextInt(4);
        int[] batch = shape(r, r.nextInt(3)), other = broadcastable(r, batch);
        Tensor a = normal(r, concat(batch, m, k)), b = normal(r, concat(other, k, n));
        GradCheck.check(v -> v[0].matmul(v[1]), seed, a, b);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void reductionsAndSoftmaxOverRandomAxes(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] s = shape(r, 1 + r.nextInt(3));
        int axis = r.nextInt(s.length);
        boolean keep = r.nextBoolean();
        GradCheck.check(v -> v[0].softmax(axis).mul(v[0]).sum(keep, axis), seed, normal(r, s));
        GradCheck.check(v -> v[0].logSoftmax(axis).mean(keep, axis), seed, normal(r, s));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void norms(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] s = shape(r, 1 + r.nextInt(3));
        s[s.length - 1] = 3 + r.nextInt(6);
        int d = s[s.length - 1];
        GradCheck.check(v -> Functional.layerNorm(v[0], v[1], v[2], 1e-5f), seed, spread(r, s), normal(r, d), normal(r, d));
        GradCheck.check(v -> Functional.rmsNorm(v[0], v[1], 1e-6f), seed, spread(r, s), normal(r, d));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void attentionWithRandomLengthsAndCausality(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int b = 1 + r.nextInt(2), h = 1 + r.nextInt(2), tq = 1 + r.nextInt(4), tk = tq + r.nextInt(3), d = 1 + r.nextInt(4);
        boolean causal = r.nextBoolean();
        Tensor mask = r.nextBoolean() ? null : normal(r, 1, 1, tq, tk);
        GradCheck.check(v -> Functional.attention(v[0], v[1], v[2], mask, causal), seed, normal(r, b, h, tq, d), normal(r, b, h, tk, d),
                normal(r, b, h, tk, 1 + r.nextInt(3)));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void conv2dWithRandomGeometry(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int groups = 1 + r.nextInt(3), cg = 1 + r.nextInt(2), og = 1 + r.nextInt(2), k = 1 + r.nextInt(3);
        int stride = 1 + r.nextInt(2), pad = r.nextInt(2), dil = 1 + r.nextInt(2);
        int hw = dil * (k - 1) + 1 + r.nextInt(3);
        Tensor x = normal(r, 1 + r.nextInt(2), groups * cg, hw, hw + r.nextInt(2));
        Tensor w = normal(r, groups * og, cg, k, k), bias = normal(r, groups * og);
        GradCheck.check(v -> Functional.conv2d(v[0], v[1], v[2], stride, pad, dil, groups), seed, x, w, bias);
    }

    private static int[] concat(int[] batch, int a, int b) {
        int[] s = java.util.Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = a;
        s[batch.length + 1] = b;
        return s;
    }
}
