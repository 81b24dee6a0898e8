package dev.elixr.models.llm;

import dev.elixr.models.hf.HfFolder;
import dev.elixr.models.testing.Fixtures;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.matvec.BlockFormat;
import dev.elixr.tensor.matvec.QuantizedMatrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.Arrays;

import static dev.elixr.models.testing.Parity.maxAbsDiff;
import static dev.elixr.models.testing.Parity.npy;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model quantised at load (Q8_0, Q4_0) on the llama_gqa fixture: it computes exactly with the dequantised weights,
 * its cached decoding equals the full recompute, and its logits stay within a stated distance of PyTorch's float ones.
 */
class QuantizedLlamaTest {
    /**
     * Max abs logit error allowed against PyTorch on llama_gqa (random weights of std 0.2 whose attention is very
     * sensitive; logits of std ≈ 1.1, max ≈ 4): measured 0.094 for Q8_0 and 1.31 for Q4_0.
     */
    static double bound(BlockFormat f) { return f == BlockFormat.Q8_0 ? 0.15 : 2.0; }

    @ParameterizedTest
    @EnumSource(BlockFormat.class)
    void quantisedLogitsStayWithinTheStatedErrorOfPyTorch(BlockFormat f) throws IOException {
        LlamaModel m = LlamaParityTest.model("llama_gqa").quantize(f);
        int[] ids = LlamaParityTest.sequences("llama_gqa").get(2);
        double d = maxAbsDiff(npy("llm/llama_gqa/logits_2.npy"), m.forward(ids, m.newCache(64)));
        System.out.printf("%s llama_gqa max abs logit error %.4f%n", f, d);
        assertTrue(d <= bound(f), f + ": max abs error " + d + " > " + bound(f));
    }

    @ParameterizedTest
    @EnumSource(BlockFormat.class)
    void quantisedModelEqualsAFloatModelOfTheDequantisedWeights(BlockFormat f) throws IOException {
        LlamaModel q = LlamaParityTest.model("llama_gqa").quantize(f);
        HfFolder folder = HfFolder.open(Fixtures.path("llm/llama_gqa"));
        WeightSource.Checkpoint raw = WeightSource.of(folder.weights(), "llama_gqa");
        LlamaModel dq = new LlamaModel(q.config(), new WeightSource() {
            @Override public Tensor get(String name, int... shape) {
                Tensor w = raw.get(name, shape);
                boolean projection = name.endsWith("_proj.weight") || name.equals("lm_head.weight");
                return projection ? QuantizedMatrix.quantize(w, f).dequantize() : w;
            }
            @Override public Tensor norm(String name, int dim) { return raw.norm(name, dim); }
        });
        for (int[] ids : LlamaParityTest.sequences("llama_gqa")) {
            double d = maxAbsDiff(dq.forward(ids, dq.newCache(64)), q.forward(ids, q.newCache(64)));
            assertTrue(d <= 1e-5, f + ": " + d);
        }
    }

    @ParameterizedTest
    @EnumSource(BlockFormat.class)
    void quantisedDecodingEqualsTheFullRecompute(BlockFormat f) throws IOException {
        LlamaModel m = LlamaParityTest.model("llama_gqa").quantize(f);
        int[] ids = LlamaParityTest.sequences("llama_gqa").get(2);
        Tensor full = m.forward(ids, m.newCache(64));
        KvCache cache = m.newCache(64);
        m.forward(Arrays.copyOf(ids, 4), cache);
        for (int t = 4; t < ids.length; t++) {
            double d = maxAbsDiff(full.narrow(0, t, 1).reshape(-1), Tensor.vector(m.next(new int[] {ids[t]}, cache)));
            assertTrue(d <= 1e-5, f + " step " + t + ": " + d);
        }
    }
}
