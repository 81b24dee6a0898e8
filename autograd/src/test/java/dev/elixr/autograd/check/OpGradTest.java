package dev.elixr.autograd.check;

import dev.elixr.autograd.Functional;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every differentiable op against fourth-order finite differences (GradCheck), over seeds and shapes. */
class OpGradTest {
    /** An op under test: how to build its inputs from a generator and what to compute. */
    record Case(String name, Function<SplittableRandom, Tensor[]> inputs, Function<Var[], Var> f) {
        @Override public String toString() { return name; }
    }

    static final long[] SEEDS = {1, 2, 3};

    static Tensor normal(SplittableRandom r, int... shape) { return GradCheck.grid(Tensor.normal(r, 0f, 1f, shape)); }

    static Tensor scaled(SplittableRandom r, float std, int... shape) { return GradCheck.grid(Tensor.normal(r, 0f, std, shape)); }

    static Tensor positive(SplittableRandom r, int... shape) { return GradCheck.grid(Tensor.uniform(r, 0.5f, 2f, shape)); }

    /** |x| ≥ 0.1: far from the kinks of relu and abs compared with the probing steps. */
    static Tensor awayFromZero(SplittableRandom r, int... shape) {
        float[] v = Tensor.uniform(r, 0.1f, 1.5f, shape).toFloatArray();
        for (int i = 0; i < v.length; i++) if (r.nextBoolean()) v[i] = -v[i];
        return GradCheck.grid(Tensor.wrap(v, shape));
    }

    /** Values in [-0.6,-0.3], [-0.1,0.1] or [0.3,0.6]: at least 0.1 from the clamp bounds ±0.2. */
    static Tensor farFromBounds(SplittableRandom r, int... shape) {
        float[] v = new float[dev.elixr.tensor.Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            int band = r.nextInt(3);
            v[i] = band == 1 ? (float) (r.nextDouble() * 0.2 - 0.1) : (float) ((0.3 + r.nextDouble() * 0.3) * (band == 0 ? -1 : 1));
        }
        return GradCheck.grid(Tensor.wrap(v, shape));
    }

    /** A shuffled grid with spacing 1/16: no two values close, so max-pool winners do not change under probing. */
    static Tensor distinct(SplittableRandom r, int... shape) {
        int n = dev.elixr.tensor.Shape.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2) / 16f;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.wrap(v, shape);
    }

    static Case c(String name, Function<SplittableRandom, Tensor[]> in, Function<Var[], Var> f) { return new Case(name, in, f); }

    static List<Case> cases() {
        List<Case> l = new ArrayList<>();
        // broadcasting arithmetic
        l.add(c("add [2,3,4]+[3,1]", r -> new Tensor[] {normal(r, 2, 3, 4), normal(r, 3, 1)}, v -> v[0].add(v[1])));
        l.add(c("sub [4]-[2,3,4]", r -> new Tensor[] {normal(r, 4), normal(r, 2, 3, 4)}, v -> v[0].sub(v[1])));
        l.add(c("mul [2,3,4]*[1,3,1]", r -> new Tensor[] {normal(r, 2, 3, 4), normal(r, 1, 3, 1)}, v -> v[0].mul(v[1])));
        l.add(c("mul by scalar tensor", r -> new Tensor[] {normal(r, 3, 2), normal(r)}, v -> v[0].mul(v[1])));
        l.add(c("div [3,4]/[4]", r -> new Tensor[] {normal(r, 3, 4), positive(r, 4)}, v -> v[0].div(v[1])));
        l.add(c("div [2,1]/[2,3]", r -> new Tensor[] {normal(r, 2, 1), positive(r, 2, 3)}, v -> v[0].div(v[1])));
        l.add(c("add, mul, sub, div by floats", r -> new Tensor[] {normal(r, 5)}, v -> v[0].add(0.5f).mul(-1.5f).sub(2f).div(4f).neg()));
        l.add(c("pow 3", r -> new Tensor[] {normal(r, 2, 3)}, v -> v[0].pow(3f)));
        l.add(c("pow -1.5", r -> new Tensor[] {positive(r, 2, 3)}, v -> v[0].pow(-1.5f)));
        l.add(c("maskedFill", r -> new Tensor[] {normal(r, 2, 3)}, v -> v[0].maskedFill(Tensor.of(new float[] {1, 0, 1}, 1, 3), -7f).mul(v[0])));
        // pointwise
        l.add(c("exp", r -> new Tensor[] {normal(r, 3, 4)}, v -> v[0].exp()));
        l.add(c("log", r -> new Tensor[] {positive(r, 3, 4)}, v -> v[0].log()));
        l.add(c("sqrt", r -> new Tensor[] {positive(r, 3, 4)}, v -> v[0].sqrt()));
        l.add(c("rsqrt", r -> new Tensor[] {positive(r, 3, 4)}, v -> v[0].rsqrt()));
        l.add(c("abs", r -> new Tensor[] {awayFromZero(r, 3, 4)}, v -> v[0].abs()));
        l.add(c("square", r -> new Tensor[] {normal(r, 3, 4)}, v -> v[0].square()));
        l.add(c("reciprocal", r -> new Tensor[] {positive(r, 3, 4)}, v -> v[0].reciprocal()));
        l.add(c("tanh", r -> new Tensor[] {normal(r, 3, 4)}, v -> v[0].tanh()));
        l.add(c("sigmoid", r -> new Tensor[] {normal(r, 3, 4)}, v -> v[0].sigmoid()));
        l.add(c("relu", r -> new Tensor[] {awayFromZero(r, 3, 4)}, v -> v[0].relu()));
        l.add(c("gelu (erf)", r -> new Tensor[] {scaled(r, 2f, 3, 4)}, v -> v[0].gelu()));
        l.add(c("gelu (tanh)", r -> new Tensor[] {scaled(r, 2f, 3, 4)}, v -> v[0].geluTanh()));
        l.add(c("silu", r -> new Tensor[] {scaled(r, 2f, 3, 4)}, v -> v[0].silu()));
        l.add(c("clamp", r -> new Tensor[] {farFromBounds(r, 4, 4)}, v -> v[0].clamp(-0.2f, 0.2f)));
        // reductions
        l.add(c("sum all", r -> new Tensor[] {normal(r, 2, 3, 4)}, v -> v[0].sumAll()));
        l.add(c("sum axis 1 keepdim", r -> new Tensor[] {normal(r, 2, 3, 4)}, v -> v[0].sum(true, 1)));
        l.add(c("sum axes 0,2", r -> new Tensor[] {normal(r, 2, 3, 4)}, v -> v[0].sum(false, 0, -1)));
        l.add(c("mean axis -1", r -> new Tensor[] {normal(r, 2, 3, 4)}, v -> v[0].mean(false, -1)));
        l.add(c("mean all", r -> new Tensor[] {normal(r, 2, 3, 4)}, v -> v[0].meanAll()));
        l.add(c("max axis 1 (distinct values)", r -> new Tensor[] {distinct(r, 2, 4, 3)}, v -> v[0].max(1, false)));
        l.add(c("min axis -1 keepdim", r -> new Tensor[] {distinct(r, 3, 5)}, v -> v[0].min(-1, true).mul(v[0])));
        // softmax
        l.add(c("softmax last", r -> new Tensor[] {normal(r, 3, 5)}, v -> v[0].softmax(-1)));
        l.add(c("softmax axis 0", r -> new Tensor[] {normal(r, 3, 2, 4)}, v -> v[0].softmax(0)));
        l.add(c("logSoftmax", r -> new Tensor[] {normal(r, 3, 5)}, v -> v[0].logSoftmax(1)));
        // products
        l.add(c("matmul 2d", r -> new Tensor[] {normal(r, 3, 4), normal(r, 4, 5)}, v -> v[0].matmul(v[1])));
        l.add(c("matmul batched", r -> new Tensor[] {normal(r, 2, 3, 4), normal(r, 2, 4, 2)}, v -> v[0].matmul(v[1])));
        l.add(c("matmul broadcast batch", r -> new Tensor[] {normal(r, 2, 1, 3, 4), normal(r, 3, 4, 2)}, v -> v[0].matmul(v[1])));
        l.add(c("matmul 3d @ 2d", r -> new Tensor[] {normal(r, 2, 3, 4), normal(r, 4, 5)}, v -> v[0].matmul(v[1])));
        l.add(c("matmul transposed operands", r -> new Tensor[] {normal(r, 4, 3), normal(r, 5, 4)}, v -> v[0].t().matmul(v[1].t())));
        l.add(c("matmul 1d @ 2d", r -> new Tensor[] {normal(r, 4), normal(r, 4, 3)}, v -> v[0].matmul(v[1])));
        l.add(c("matmul 3d @ 1d", r -> new Tensor[] {normal(r, 2, 3, 4), normal(r, 4)}, v -> v[0].matmul(v[1])));
        l.add(c("matmul 1d @ 1d", r -> new Tensor[] {normal(r, 4), normal(r, 4)}, v -> v[0].matmul(v[1])));
        l.add(c("linear with bias, 3-d input", r -> new Tensor[] {normal(r, 2, 3, 4), normal(r, 5, 4), normal(r, 5)},
                v -> Functional.linear(v[0], v[1], v[2])));
        l.add(c("linear without bias, strided input", r -> new Tensor[] {normal(r, 4, 3), normal(r, 2, 4)},
                v -> Functional.linear(v[0].t(), v[1], null)));
        // views
        l.add(c("view + permute", r -> new Tensor[] {normal(r, 2, 6)}, v -> v[0].view(2, 3, 2).permute(2, 0, 1).mul(v[0].view(2, 3, 2).permute(2, 0, 1))));
        l.add(c("reshape of a transpose", r -> new Tensor[] {normal(r, 3, 4)}, v -> v[0].t().reshape(2, 6).square()));
        l.add(c("slice with step", r -> new Tensor[] {normal(r, 3, 7)}, v -> v[0].slice(1, 1, 7, 2).square()));
        l.add(c("narrow + select", r -> new Tensor[] {normal(r, 3, 4, 2)}, v -> v[0].narrow(1, 1, 2).select(2, 1).square()));
        l.add(c("expand", r -> new Tensor[] {normal(r, 3, 1)}, v -> v[0].expand(2, 3, 4).mul(Var.of(Tensor.arange(24).reshape(2, 3, 4)))));
        l.add(c("squeeze, unsqueeze, flatten", r -> new Tensor[] {normal(r, 2, 1, 3)}, v -> v[0].squeeze(1).unsqueeze(0).flatten(0, 2).square()));
        l.add(c("contiguous of a transpose", r -> new Tensor[] {normal(r, 2, 3)}, v -> v[0].t().contiguous().square()));
        // joins
        l.add(c("concat axis 1", r -> new Tensor[] {normal(r, 2, 3), normal(r, 2, 1)}, v -> Functional.concat(1, v[0], v[1]).square()));
        l.add(c("stack axis 0", r -> new Tensor[] {normal(r, 2, 3), normal(r, 2, 3)}, v -> Functional.stack(0, v[0], v[1].mul(v[0])).square()));
        l.add(c("split and recombine", r -> new Tensor[] {normal(r, 2, 5)}, v -> {
            Var[] s = Functional.split(v[0], 1, 2, 3);
            return s[0].sumAll().mul(s[1].square().sum(false, 1).sumAll());
        }));
        l.add(c("chunk", r -> new Tensor[] {normal(r, 4, 2)}, v -> {
            Var[] s = Functional.chunk(v[0], 0, 2);
            return s[0].mul(s[1].exp());
        }));
        // normalisation
        l.add(c("layerNorm affine", r -> new Tensor[] {normal(r, 2, 3, 5), normal(r, 5), normal(r, 5)},
                v -> Functional.layerNorm(v[0], v[1], v[2], 1e-5f)));
        l.add(c("layerNorm plain", r -> new Tensor[] {normal(r, 4, 6)}, v -> Functional.layerNorm(v[0], null, null, 1e-5f)));
        l.add(c("rmsNorm", r -> new Tensor[] {normal(r, 3, 5), normal(r, 5)}, v -> Functional.rmsNorm(v[0], v[1], 1e-6f)));
        l.add(c("l2Normalize", r -> new Tensor[] {normal(r, 3, 4)}, v -> Functional.l2Normalize(v[0], -1)));
        l.add(c("batchNorm2d training", r -> new Tensor[] {normal(r, 3, 2, 2, 2), normal(r, 2), normal(r, 2)},
                v -> Functional.batchNorm2d(v[0], v[1], v[2], Tensor.zeros(2), Tensor.ones(2), true, 0.1f, 1e-5f)));
        l.add(c("batchNorm2d training, odd spatial size, no beta", r -> new Tensor[] {normal(r, 2, 3, 3, 5), normal(r, 3)},
                v -> Functional.batchNorm2d(v[0], v[1], null, null, null, true, 0.1f, 1e-5f)));
        l.add(c("batchNorm2d training on a transposed view, no affine", r -> new Tensor[] {normal(r, 2, 3, 4, 3)},
                v -> Functional.batchNorm2d(v[0].transpose(2, 3), null, null, null, null, true, 0.1f, 1e-5f)));
        // γ·x̂ + β of each channel stays on one side of ReLU's kink (|x̂| ≤ √11 over 12 values): channel 0 passes, channel 1 is cut
        l.add(c("batchNorm2dRelu training", r -> new Tensor[] {normal(r, 3, 2, 2, 2), Tensor.of(new float[] {0.4f, 0.5f}, 2), Tensor.of(new float[] {2f, -2f}, 2)},
                v -> Functional.batchNorm2dRelu(v[0], v[1], v[2], Tensor.zeros(2), Tensor.ones(2), true, 0.1f, 1e-5f)));
        l.add(c("batchNorm2d eval", r -> new Tensor[] {normal(r, 2, 2, 2, 2), normal(r, 2), normal(r, 2)},
                v -> Functional.batchNorm2d(v[0], v[1], v[2], Tensor.of(new float[] {0.5f, -1f}, 2), Tensor.of(new float[] {2f, 0.5f}, 2),
                        false, 0.1f, 1e-5f)));
        // attention
        l.add(c("attention", r -> new Tensor[] {normal(r, 1, 2, 3, 4), normal(r, 1, 2, 5, 4), normal(r, 1, 2, 5, 3)},
                v -> Functional.attention(v[0], v[1], v[2], null, false)));
        l.add(c("attention causal", r -> new Tensor[] {normal(r, 2, 1, 4, 3), normal(r, 2, 1, 4, 3), normal(r, 2, 1, 4, 3)},
                v -> Functional.attention(v[0], v[1], v[2], null, true)));
        l.add(c("attention causal, fewer queries than keys", r -> new Tensor[] {normal(r, 1, 2, 2, 3), normal(r, 1, 2, 4, 3), normal(r, 1, 2, 4, 3)},
                v -> Functional.attention(v[0], v[1], v[2], null, true)));
        l.add(c("attention key-padding mask, one row fully masked", r -> new Tensor[] {normal(r, 2, 2, 3, 4), normal(r, 2, 2, 4, 4), normal(r, 2, 2, 4, 2)},
                v -> Functional.attention(v[0], v[1], v[2], keyMask(), false, 0.7f)));
        l.add(c("attention causal, per-query mask broadcast along keys and heads, one row fully masked",
                r -> new Tensor[] {normal(r, 2, 2, 3, 4), normal(r, 2, 2, 3, 4), normal(r, 2, 2, 3, 2)},
                v -> Functional.attention(v[0], v[1], v[2], queryMask(), true, 0.9f)));
        // lookups
        l.add(c("embedding with repeated ids", r -> new Tensor[] {normal(r, 5, 3)}, v -> Functional.embedding(v[0], new int[] {4, 1, 4, 0, 1, 4}, 2, 3).square()));
        l.add(c("rows of a 4-d tensor, repeated and reordered", r -> new Tensor[] {normal(r, 4, 2, 3, 2)},
                v -> Functional.rows(v[0], new int[] {3, 0, 3, 1}).square()));
        // convolution and pooling
        l.add(c("conv2d stride 2 padding 1 + bias", r -> new Tensor[] {normal(r, 2, 3, 5, 5), normal(r, 4, 3, 3, 3), normal(r, 4)},
                v -> Functional.conv2d(v[0], v[1], v[2], 2, 1, 1, 1)));
        l.add(c("conv2d dilation 2, no bias", r -> new Tensor[] {normal(r, 1, 2, 6, 5), normal(r, 3, 2, 2, 2)},
                v -> Functional.conv2d(v[0], v[1], null, Conv2dParams.of(1, 1, 2, 1))));
        l.add(c("conv2d single-channel stem (channel multiplier 4), stride 2, odd width", r -> new Tensor[] {normal(r, 2, 1, 7, 6), normal(r, 4, 1, 3, 3), normal(r, 4)},
                v -> Functional.conv2d(v[0], v[1], v[2], 2, 1, 1, 1)));
        l.add(c("conv2d stride 2, dilation 2, padding 2", r -> new Tensor[] {normal(r, 1, 2, 7, 9), normal(r, 3, 2, 3, 3)},
                v -> Functional.conv2d(v[0], v[1], null, Conv2dParams.of(2, 2, 2, 1))));
        l.add(c("conv2d groups 2", r -> new Tensor[] {normal(r, 2, 4, 4, 4), normal(r, 6, 2, 3, 3), normal(r, 6)},
                v -> Functional.conv2d(v[0], v[1], v[2], 1, 1, 1, 2)));
        l.add(c("conv2d depthwise", r -> new Tensor[] {normal(r, 2, 3, 5, 4), normal(r, 3, 1, 3, 3)},
                v -> Functional.conv2d(v[0], v[1], null, 1, 1, 1, 3)));
        l.add(c("conv2d depthwise 5x5, stride 2, padding 2, odd extents + bias", r -> new Tensor[] {normal(r, 2, 3, 7, 6), normal(r, 3, 1, 5, 5), normal(r, 3)},
                v -> Functional.conv2d(v[0], v[1], v[2], 2, 2, 1, 3)));
        l.add(c("conv2d depthwise 3x3, stride 2, padding 1, channel multiplier 2", r -> new Tensor[] {normal(r, 2, 2, 5, 7), normal(r, 4, 1, 3, 3)},
                v -> Functional.conv2d(v[0], v[1], null, 2, 1, 1, 2)));
        l.add(c("conv2d depthwise 3x3, dilation 2, padding 2", r -> new Tensor[] {normal(r, 1, 3, 6, 5), normal(r, 3, 1, 3, 3)},
                v -> Functional.conv2d(v[0], v[1], null, 1, 2, 2, 3)));
        l.add(c("conv2d patchify (kernel = stride)", r -> new Tensor[] {normal(r, 1, 3, 8, 8), normal(r, 2, 3, 4, 4), normal(r, 2)},
                v -> Functional.conv2d(v[0], v[1], v[2], 4, 0, 1, 1)));
        l.add(c("maxPool2d 3/2/1", r -> new Tensor[] {distinct(r, 2, 2, 5, 5)}, v -> Functional.maxPool2d(v[0], 3, 2, 1)));
        l.add(c("avgPool2d 2/2/1", r -> new Tensor[] {normal(r, 1, 2, 5, 4)}, v -> Functional.avgPool2d(v[0], 2, 2, 1)));
        l.add(c("adaptiveAvgPool2d 5x7 to 3x2", r -> new Tensor[] {normal(r, 2, 2, 5, 7)}, v -> Functional.adaptiveAvgPool2d(v[0], 3, 2)));
        l.add(c("adaptiveAvgPool2d 6x4 to 3x2 (one average pooling)", r -> new Tensor[] {normal(r, 2, 2, 6, 4)}, v -> Functional.adaptiveAvgPool2d(v[0], 3, 2)));
        // losses and dropout
        l.add(c("crossEntropy", r -> new Tensor[] {scaled(r, 2f, 4, 5)}, v -> Functional.crossEntropy(v[0], new int[] {0, 4, 2, 2})));
        l.add(c("crossEntropy smoothing 0.1, ignore -100", r -> new Tensor[] {scaled(r, 2f, 5, 4)},
                v -> Functional.crossEntropy(v[0], new int[] {3, -100, 0, 1, -100}, 0.1f, -100)));
        l.add(c("binaryCrossEntropyWithLogits", r -> new Tensor[] {scaled(r, 3f, 3, 4)},
                v -> Functional.binaryCrossEntropyWithLogits(v[0], Tensor.uniform(new SplittableRandom(9), 0f, 1f, 3, 4))));
        l.add(c("mseLoss", r -> new Tensor[] {normal(r, 3, 4), normal(r, 3, 4)}, v -> Functional.mseLoss(v[0], v[1])));
        l.add(c("dropout (fixed seed)", r -> new Tensor[] {normal(r, 4, 5)}, v -> Functional.dropout(v[0], 0.3f, new SplitMix64(5), true).square()));
        return l;
    }

    /** Additive mask [B,1,Tq,Tk]: batch 0 hides key 3; batch 1 hides every key from query 2 and key 0 from the rest. */
    static Tensor keyMask() {
        Tensor m = Tensor.zeros(2, 1, 3, 4);
        for (int q = 0; q < 3; q++) m.set(Float.NEGATIVE_INFINITY, 0, 0, q, 3);
        for (int k = 0; k < 4; k++) m.set(Float.NEGATIVE_INFINITY, 1, 0, 2, k);
        for (int q = 0; q < 2; q++) m.set(-1e9f, 1, 0, q, 0);
        return m;
    }

    /** [2,1,3,1]: query 1 of batch 0 sees nothing, the rest get a constant (which softmax ignores). */
    static Tensor queryMask() {
        Tensor m = Tensor.zeros(2, 1, 3, 1);
        m.set(Float.NEGATIVE_INFINITY, 0, 0, 1, 0);
        m.set(-2.5f, 1, 0, 2, 0);
        return m;
    }

    static Stream<Arguments> casesAndSeeds() {
        return cases().stream().flatMap(c -> java.util.Arrays.stream(SEEDS).mapToObj(s -> Arguments.of(c, s)));
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("casesAndSeeds")
    void backwardMatchesFiniteDifferences(Case c, long seed) {
        Tensor[] inputs = c.inputs().apply(new SplittableRandom(seed));
        GradCheck.Result r = GradCheck.check(c.f(), seed, inputs);
        assertTrue(r.maxError() < 2e-3, c.name() + ": " + r);
    }
}
