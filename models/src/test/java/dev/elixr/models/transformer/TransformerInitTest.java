package dev.elixr.models.transformer;

import dev.elixr.autograd.nn.Activation;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.BertEncoder;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransformerInitTest {
    @Test
    void bertStartsFromHuggingFaceInitialisation() {
        var c = new BertConfig(300, 64, 2, 4, 128, 32, 2, 1e-12f, 0.1f, 0, true, new int[0], 64, Activation.GELU);
        var state = new BertEncoder(c, new SplittableRandom(9)).stateDict();
        for (float v : state.get("encoder.layer.1.output.LayerNorm.weight").toFloatArray()) assertEquals(1f, v);
        for (float v : state.get("encoder.layer.0.attention.self.query.bias").toFloatArray()) assertEquals(0f, v);
        float[] w = state.get("embeddings.word_embeddings.weight").toFloatArray();
        double sum = 0, sq = 0;
        for (float v : w) {
            assertTrue(Math.abs(v) <= 0.04f);
            sum += v;
            sq += v * v;
        }
        double mean = sum / w.length, std = Math.sqrt(sq / w.length - mean * mean);
        assertEquals(0.0, mean, 1e-3);
        assertEquals(0.0176, std, 1.5e-3); // a normal of σ 0.02 truncated at ±2σ has σ ≈ 0.88·0.02
    }
}
