package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.models.testing.Fixtures;
import dev.elixr.tensor.DType;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.elixr.models.testing.Parity.assertClose;
import static dev.elixr.models.testing.Parity.maxAbsDiff;
import static dev.elixr.models.testing.Parity.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tiny random Llama (GQA, Llama-3 rope scaling, untied head; stored F32, BF16 and F16) and Qwen2 (q/k/v biases, tied
 * embeddings, sharded) against the PyTorch reference of fixtures/llm/make_llm_fixtures.py.
 */
class LlamaParityTest {
    static List<int[]> sequences(String folder) throws IOException {
        JsonNode j = new ObjectMapper().readTree(Fixtures.path("llm/" + folder + "/inputs.json").toFile());
        List<int[]> out = new ArrayList<>();
        for (JsonNode s : j.get("sequences")) {
            int[] ids = new int[s.size()];
            for (int i = 0; i < ids.length; i++) ids[i] = s.get(i).asInt();
            out.add(ids);
        }
        return out;
    }

    static LlamaModel model(String folder) { return LlamaModel.load(Fixtures.path("llm/" + folder)); }

    @ParameterizedTest
    @ValueSource(strings = {"llama_gqa", "llama_gqa_bf16", "llama_gqa_f16", "qwen2_bias"})
    void logitsAtEveryPositionMatchPyTorch(String folder) throws IOException {
        LlamaModel m = model(folder);
        List<int[]> seqs = sequences(folder);
        for (int n = 0; n < seqs.size(); n++) {
            Tensor logits = m.forward(seqs.get(n), m.newCache(64));
            assertClose(folder + " logits_" + n, npy("llm/" + folder + "/logits_" + n + ".npy"), logits);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama_gqa_bf16", "llama_gqa_f16"})
    void halfPrecisionWeightsStayInTheirStoredType(String folder) {
        LlamaModel m = model(folder);
        DType expected = folder.endsWith("bf16") ? DType.BF16 : DType.F16;
        m.namedParameters().forEach((name, p) -> {
            if (p.value().dim() == 2) assertEquals(expected, p.value().dtype(), name);
            else assertEquals(DType.F32, p.value().dtype(), name + " (a norm weight or bias, held as float32)");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama_gqa", "llama_gqa_bf16", "qwen2_bias"})
    void decodingOneTokenAtATimeEqualsTheFullRecompute(String folder) throws IOException {
        LlamaModel m = model(folder);
        int[] ids = sequences(folder).get(2);
        Tensor full = m.forward(ids, m.newCache(64));
        // the two paths differ only in float32 rounding order (GEMM blocking vs matrix-vector): 1e-6 of the logit scale
        double scale = 0;
        for (float v : full.toFloatArray()) scale = Math.max(scale, Math.abs(v));
        double tol = 1e-6 * Math.max(1, scale);
        KvCache cache = m.newCache(64);
        int prefix = 5;
        Tensor first = m.forward(Arrays.copyOf(ids, prefix), cache);
        double p = maxAbsDiff(full.narrow(0, 0, prefix), first);
        assertTrue(p <= tol, folder + " prefill of " + prefix + ": max abs difference " + p + " > " + tol);
        for (int t = prefix; t < ids.length; t++) {
            float[] step = m.next(new int[] {ids[t]}, cache);
            double d = maxAbsDiff(full.narrow(0, t, 1).reshape(-1), Tensor.vector(step));
            assertTrue(d <= tol, folder + " decode step at position " + t + ": max abs difference " + d + " > " + tol);
        }
        assertEquals(ids.length, cache.length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama_gqa", "qwen2_bias"})
    void anEmbeddingPrefixInPlaceOfIdsMatchesPyTorch(String folder) throws IOException {
        LlamaModel m = model(folder);
        Tensor prefix = npy("llm/" + folder + "/embeds_prefix.npy");
        Tensor ids = m.embed(sequences(folder).get(1));
        Tensor x = dev.elixr.tensor.ops.Index.concat(0, prefix, ids);
        assertClose(folder + " logits_embeds", npy("llm/" + folder + "/logits_embeds.npy"), m.forwardEmbeds(x, m.newCache(32), true));
        // the same, prefix first then the ids continuing the cache
        KvCache cache = m.newCache(32);
        m.forwardEmbeds(prefix, cache, false);
        Tensor rest = m.forward(sequences(folder).get(1), cache);
        Tensor expected = npy("llm/" + folder + "/logits_embeds.npy");
        assertClose(folder + " logits_embeds after a cached prefix", expected.narrow(0, 3, expected.size(0) - 3), rest);
    }
}
