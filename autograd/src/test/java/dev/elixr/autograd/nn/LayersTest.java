package dev.elixr.autograd.nn;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.GradMode;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.reference.Attention;
import dev.elixr.tensor.reference.MatMul;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layers against plain reference computations (the tensor-core references) and their PyTorch conventions. */
class LayersTest {
    static void close(Tensor expected, Tensor actual, float tol) {
        assertArrayEquals(expected.shape(), actual.shape());
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], tol * Math.max(1, Math.abs(e[i])), "element " + i);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void multiHeadSelfAttentionMatchesReference(long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        MultiHeadAttention mha = new MultiHeadAttention(8, 2, true, rng);
        Tensor x = Tensor.normal(new SplittableRandom(seed), 0f, 1f, 2, 5, 8);
        Tensor y = mha.forward(Var.of(x), null, true).value();
        Tensor q = heads(project(x, mha.query())), k = heads(project(x, mha.key())), v = heads(project(x, mha.value()));
        Tensor ctx = Attention.scaledDotProduct(q, k, v, null, true).permute(0, 2, 1, 3).reshape(2, 5, 8);
        close(project(ctx, mha.output()), y, 1e-5f);
    }

    @Test
    void crossAttentionTakesKeysFromTheOtherInput() {
        SplitMix64 rng = new SplitMix64(4);
        MultiHeadAttention mha = new MultiHeadAttention(8, 6, 4, false, rng);
        Tensor x = Tensor.normal(new SplittableRandom(1), 0f, 1f, 1, 3, 8), kv = Tensor.normal(new SplittableRandom(2), 0f, 1f, 1, 7, 6);
        Tensor mask = Tensor.zeros(1, 1, 1, 7);
        mask.set(Float.NEGATIVE_INFINITY, 0, 0, 0, 6);
        Tensor y = mha.forward(Var.of(x), Var.of(kv), mask, false).value();
        Tensor q = heads4(project(x, mha.query())), k = heads4(project(kv, mha.key())), v = heads4(project(kv, mha.value()));
        Tensor ctx = Attention.scaledDotProduct(q, k, v, mask, false).permute(0, 2, 1, 3).reshape(1, 3, 8);
        close(project(ctx, mha.output()), y, 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(10, 3, true, rng));
    }

    static Tensor project(Tensor x, Linear l) {
        Tensor y = MatMul.matmul(x, l.weight().value().t());
        return l.bias() == null ? y : Elementwise.add(y, l.bias().value());
    }

    static Tensor heads(Tensor x) { return x.reshape(x.size(0), x.size(1), 2, x.size(2) / 2).permute(0, 2, 1, 3); }

    static Tensor heads4(Tensor x) { return x.reshape(x.size(0), x.size(1), 4, x.size(2) / 4).permute(0, 2, 1, 3); }

    @Test
    void dropoutIsSeededScaledAndOffInEval() {
        Dropout a = new Dropout(0.25f, new SplitMix64(7)), b = new Dropout(0.25f, new SplitMix64(7));
        Tensor x = Tensor.ones(1000);
        float[] ya = a.forward(Var.of(x)).value().toFloatArray(), yb = b.forward(Var.of(x)).value().toFloatArray();
        assertArrayEquals(ya, yb);
        int zeros = 0;
        for (float v : ya) {
            if (v == 0) zeros++;
            else assertEquals(1f / 0.75f, v, 1e-6f);
        }
        assertTrue(zeros > 200 && zeros < 300, "about a quarter dropped, got " + zeros);
        assertNotEquals(0, zeros);
        a.eval();
        assertArrayEquals(x.toFloatArray(), a.forward(Var.of(x)).value().toFloatArray());
    }

    @Test
    void batchNormUpdatesRunningStatisticsAsPyTorch() {
        BatchNorm2d bn = new BatchNorm2d(2);
        float[] v = new float[2 * 2 * 2 * 1];
        for (int i = 0; i < v.length; i++) v[i] = i;
        Tensor x = Tensor.of(v, 2, 2, 2, 1); // channel 0: 0,1,4,5; channel 1: 2,3,6,7
        Var y = bn.forward(Var.param(x));
        // batch means 2.5 and 4.5, biased variance 4.25, unbiased 17/3
        assertArrayEquals(new float[] {0.25f, 0.45f}, bn.runningMean().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.9f + 0.1f * 17 / 3f, 0.9f + 0.1f * 17 / 3f}, bn.runningVar().toFloatArray(), 1e-6f);
        assertEquals(1f, bn.stateDict().get("num_batches_tracked").item());
        assertEquals((0 - 2.5f) / (float) Math.sqrt(4.25 + 1e-5), y.value().get(0, 0, 0, 0), 1e-6f);
        bn.eval();
        Var z = bn.forward(Var.of(x));
        assertEquals((0 - 0.25f) / (float) Math.sqrt(0.9f + 0.1f * 17 / 3f + 1e-5), z.value().get(0, 0, 0, 0), 1e-6f);
        assertEquals(1f, bn.stateDict().get("num_batches_tracked").item());
    }

    @Test
    void layersWorkUnderNoGradAndSequentialChains() {
        SplitMix64 rng = new SplitMix64(1);
        Sequential s = new Sequential(new Linear(4, 8, true, rng), Activation.GELU, new LayerNorm(8, 1e-5f), new Mlp(8, 16, 3, Activation.SILU, rng),
                new RMSNorm(3, 1e-6f));
        Tensor x = Tensor.normal(new SplittableRandom(1), 0f, 1f, 2, 5, 4);
        try (var g = GradMode.noGrad()) {
            Var y = s.forward(Var.of(x));
            assertArrayEquals(new int[] {2, 5, 3}, y.shape());
            assertTrue(y.isLeaf());
        }
        Var y = s.forward(Var.of(x));
        y.square().meanAll().backward();
        for (var e : s.namedParameters().entrySet()) assertArrayEquals(e.getValue().shape(), e.getValue().grad().shape(), e.getKey());
    }

    @Test
    void frozenParametersGetNoGradient() {
        SplitMix64 rng = new SplitMix64(1);
        Linear a = new Linear(3, 3, true, rng), b = new Linear(3, 2, true, rng);
        Sequential s = new Sequential(a, b);
        a.freeze();
        s.forward(Var.of(Tensor.ones(2, 3))).sumAll().backward();
        assertEquals(null, a.weight().grad());
        assertTrue(b.weight().grad() != null);
    }

    @Test
    void embeddingAccumulatesRepeatedIds() {
        Embedding e = new Embedding(4, 2, new SplitMix64(1));
        Var y = e.forward(new int[] {1, 3, 1}, 3);
        y.sumAll().backward();
        assertArrayEquals(new float[] {0, 0, 2, 2, 0, 0, 1, 1}, e.weight().grad().toFloatArray());
        assertThrows(IndexOutOfBoundsException.class, () -> e.forward(new int[] {4}));
    }

    @Test
    void crossEntropyMatchesItsDefinition() {
        Tensor logits = Tensor.of(new float[] {1, 2, 3, 0.5f, -1, 2}, 2, 3);
        float l = Functional.crossEntropy(Var.of(logits), new int[] {2, 0}).item();
        double r0 = -Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
        double r1 = -Math.log(Math.exp(0.5) / (Math.exp(0.5) + Math.exp(-1) + Math.exp(2)));
        assertEquals((r0 + r1) / 2, l, 1e-6);
        float ignored = Functional.crossEntropy(Var.of(logits), new int[] {2, -1}, 0f, -1).item();
        assertEquals(r0, ignored, 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(Var.of(logits), new int[] {3, 0}));
        assertEquals(0f, Functional.crossEntropy(Var.of(logits), new int[] {-1, -1}, 0f, -1).item());
    }

    /** Random shapes: channels, groups, stride, padding, conv bias, batch, odd extents; gamma, beta and running statistics random. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void batchNormFoldedIntoTheConvInEvalIsTheSameFunctionAndGradient(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int groups = 1 + r.nextInt(2), in = groups * (1 + r.nextInt(4)), out = groups * (1 + r.nextInt(5)), k = 1 + 2 * r.nextInt(2);
        Conv2d conv = new Conv2d(in, out, k, 1 + r.nextInt(2), r.nextInt(2), 1, groups, r.nextBoolean(), new SplitMix64(seed));
        BatchNorm2d bn = new BatchNorm2d(out);
        for (int c = 0; c < out; c++) {
            bn.weight().value().set((float) (0.5 + r.nextDouble()), c);
            bn.bias().value().set((float) r.nextGaussian(), c);
            bn.runningMean().set((float) r.nextGaussian(), c);
            bn.runningVar().set((float) (0.2 + r.nextDouble()), c);
        }
        conv.eval();
        bn.eval();
        Tensor x = Tensor.normal(r, 0f, 1f, 1 + r.nextInt(3), in, 3 + r.nextInt(6), 3 + r.nextInt(6));
        Var xa = Var.param(x), xb = Var.param(x.copy());
        Var folded = bn.afterConv(conv, xa), plain = bn.forward(conv.forward(xb));
        close(plain.value(), folded.value(), 1e-5f);
        Tensor w = Tensor.normal(r, 0f, 1f, plain.shape());
        folded.mul(Var.of(w)).sumAll().backward();
        Tensor[] foldedGrads = {xa.grad(), conv.weight().grad(), conv.bias() == null ? null : conv.bias().grad(), bn.weight().grad(), bn.bias().grad()};
        for (Var p : new Var[] {conv.weight(), conv.bias(), bn.weight(), bn.bias()}) if (p != null) p.zeroGrad();
        plain.mul(Var.of(w)).sumAll().backward();
        Tensor[] plainGrads = {xb.grad(), conv.weight().grad(), conv.bias() == null ? null : conv.bias().grad(), bn.weight().grad(), bn.bias().grad()};
        for (int i = 0; i < plainGrads.length; i++) if (plainGrads[i] != null) close(plainGrads[i], foldedGrads[i], 1e-4f);
    }

    @Test
    void batchNormAfterConvInTrainingUsesBatchStatistics() {
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1, false, new SplitMix64(9));
        BatchNorm2d bn = new BatchNorm2d(3);
        Tensor x = Tensor.normal(new SplittableRandom(9), 0f, 1f, 4, 2, 5, 5);
        Tensor y = bn.afterConv(conv, Var.of(x)).value();
        Tensor perChannelMean = Elementwise.mul(dev.elixr.tensor.ops.Reduce.sum(y, false, 0, 2, 3), 1f / (4 * 25));
        for (float m : perChannelMean.toFloatArray()) assertEquals(0f, m, 1e-5f);
        assertEquals(1f, bn.stateDict().get("num_batches_tracked").item());
    }

    /**
     * In training, afterConvRelu (batch norm and ReLU fused, the ReLU in place, dx over the masked gradient) gives the
     * bits of afterConv then relu: output, running statistics and every gradient.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void batchNormReluFusedGivesTheBitsOfBatchNormThenRelu(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = Tensor.normal(r, 0f, 1f, 2 + r.nextInt(3), 3, 4 + r.nextInt(5), 4 + r.nextInt(5));
        Tensor w = Tensor.normal(r, 0f, 1f, x.size(0), 5, x.size(2), x.size(3));
        Tensor[][] grads = new Tensor[2][];
        Tensor[] outs = new Tensor[2], means = new Tensor[2];
        for (int fused = 0; fused < 2; fused++) {
            Conv2d conv = new Conv2d(3, 5, 3, 1, 1, true, new SplitMix64(seed));
            BatchNorm2d bn = new BatchNorm2d(5);
            for (int c = 0; c < 5; c++) {
                bn.weight().value().set(0.5f + c * 0.1f, c);
                bn.bias().value().set((float) (c - 2) * 0.3f, c);
            }
            Var xv = Var.param(x.copy());
            Var y = fused == 1 ? bn.afterConvRelu(conv, xv) : bn.afterConv(conv, xv).relu();
            y.mul(Var.of(w)).sumAll().backward();
            outs[fused] = y.value();
            means[fused] = bn.runningMean().copy();
            grads[fused] = new Tensor[] {xv.grad(), conv.weight().grad(), conv.bias().grad(), bn.weight().grad(), bn.bias().grad()};
        }
        assertArrayEquals(outs[0].toFloatArray(), outs[1].toFloatArray(), "output");
        assertArrayEquals(means[0].toFloatArray(), means[1].toFloatArray(), "running mean");
        for (int i = 0; i < grads[0].length; i++) assertArrayEquals(grads[0][i].toFloatArray(), grads[1][i].toFloatArray(), "gradient " + i);
    }
}
