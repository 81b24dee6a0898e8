package dev.elixr.models.llm;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.random.SplitMix64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Training's fused rotary op gives the bits of the composed one (split, negation, concatenation, products, sum), in
 * the forward pass and in the gradient, on a permuted (strided) input as attention passes it.
 */
class RotaryTrainingTest {
    private static final LlamaConfig CONFIG = new LlamaConfig("llama", 61, 32, 64, 2, 4, 2, 8, 1e-5f, 10000, null, false, false, false, true, 64, 0, 59, new int[] {60});

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33})
    void fusedRotationAndItsGradientEqualTheComposedOpsBitForBit(int t) {
        RotaryEmbedding rope = new RotaryEmbedding(CONFIG);
        int b = 2, heads = 3, d = CONFIG.headDim();
        SplitMix64 rng = new SplitMix64(t);
        Tensor stored = Tensor.normal(rng, 0f, 1f, b, t, heads, d), w = Tensor.normal(rng, 0f, 1f, b, heads, t, d);

        Var fusedIn = Var.param(stored), composedIn = Var.param(stored);
        Var fused = rope.apply(fusedIn.permute(0, 2, 1, 3));
        int half = d / 2;
        float[] cos = new float[t * half], sin = new float[t * half];
        float[] inv = RotaryEmbedding.inverseFrequencies(d, CONFIG.ropeTheta(), CONFIG.ropeScaling());
        for (int p = 0; p < t; p++)
            for (int i = 0; i < half; i++) {
                cos[p * half + i] = (float) Math.cos(p * inv[i]);
                sin[p * half + i] = (float) Math.sin(p * inv[i]);
            }
        Var composed = RotaryEmbedding.composed(composedIn.permute(0, 2, 1, 3), cos, sin);
        assertArrayEquals(composed.value().toFloatArray(), fused.value().toFloatArray(), "rotated values");

        fused.mul(Var.of(w)).sumAll().backward();
        composed.mul(Var.of(w)).sumAll().backward();
        assertArrayEquals(composedIn.grad().toFloatArray(), fusedIn.grad().toFloatArray(), "gradient of x");
    }
}
