package dev.elixr.models.llm;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.check.GradCheck;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.elixr.models.testing.Parity.assertClose;
import static dev.elixr.models.testing.Parity.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The autograd forward (training) over the same parameters as inference: PyTorch parity, gradients, one step. */
class LlamaTrainingTest {
    @Test
    void trainingForwardMatchesPyTorchForABatchOfTwoRows() throws IOException {
        for (String folder : new String[] {"llama_gqa", "qwen2_bias"}) {
            LlamaModel m = LlamaParityTest.model(folder);
            List<int[]> seqs = LlamaParityTest.sequences(folder);
            int t = seqs.get(1).length;
            int[] ids = new int[2 * t];
            System.arraycopy(seqs.get(1), 0, ids, 0, t);
            System.arraycopy(seqs.get(2), 0, ids, t, t); // a causal prefix of sequence 2: the first t rows of its logits
            Tensor logits = m.forwardTraining(ids, 2, t).value();
            assertClose(folder + " training row 0", npy("llm/" + folder + "/logits_1.npy"), logits.select(0, 0));
            assertClose(folder + " training row 1", npy("llm/" + folder + "/logits_2.npy").narrow(0, 0, t), logits.select(0, 1));
        }
    }

    static LlamaModel tiny() {
        var c = new LlamaConfig("qwen2", 11, 8, 12, 2, 2, 1, 4, 1e-5f, 10000, new LlamaConfig.RopeScaling("llama3", 4, 1, 4, 8),
                true, false, false, false, 32, 0, -1, new int[0]);
        WeightSource r = WeightSource.random(9);
        return new LlamaModel(c, new WeightSource() {
            @Override public Tensor get(String name, int... shape) { return GradCheck.grid(Elementwise.mul(r.get(name, shape), 20f)); }
            @Override public Tensor norm(String name, int dim) { return r.norm(name, dim); }
            @Override public Tensor bias(String name, int dim) { return GradCheck.grid(Tensor.randn(name.hashCode(), dim)); }
        });
    }

    @Test
    void gradientsThroughEveryLayerMatchFiniteDifferences() {
        LlamaModel m = tiny();
        m.freeze();
        Tensor x = GradCheck.grid(Tensor.randn(4, 2, 3, 8));
        GradCheck.check(v -> m.forwardTraining(v[0]), 17, x);
    }

    @Test
    void oneAdamWStepLowersTheNextTokenLoss() {
        LlamaModel m = tiny();
        int[] ids = {1, 5, 2, 7, 3, 3, 9, 0, 4, 10};
        var opt = new AdamW(m.parameters(), 1e-2, 0.0);
        Var loss = m.nextTokenLoss(ids, 2, 5);
        float before = loss.item();
        loss.backward();
        opt.step();
        float after = m.nextTokenLoss(ids, 2, 5).item();
        assertTrue(after < before, "loss " + before + " -> " + after);
    }

    /** Stage 2's path: soft-prompt vectors joined before token embeddings, the prompt's labels ignored. */
    private static Var softPromptLoss(LlamaModel m, Var prompt, int[] ids, int length) {
        int b = prompt.size(0), p = prompt.size(1);
        Var x = Functional.concat(1, prompt, m.embedTraining(ids, b, length));
        int[] labels = new int[b * (p + length)];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < p; i++) labels[r * (p + length) + i] = CausalLmLoss.IGNORE;
            System.arraycopy(ids, r * length, labels, r * (p + length) + p, length);
        }
        return CausalLmLoss.of(m.forwardTraining(x), labels);
    }

    @Test
    void gradientOfTheLossReachesSoftPromptVectorsThroughTheFrozenModelAndMatchesFiniteDifferences() {
        LlamaModel m = tiny();
        m.freeze();
        int[] ids = {1, 5, 2, 7, 3, 9};
        GradCheck.check(v -> softPromptLoss(m, v[0], ids, 3), 23, GradCheck.grid(Tensor.randn(8, 2, 2, 8)));
        Var prompt = Var.param(Tensor.randn(8, 2, 2, 8));
        softPromptLoss(m, prompt, ids, 3).backward();
        assertTrue(prompt.grad() != null, "the soft prompt has a gradient");
        for (var p : m.parameters()) assertEquals(null, p.grad(), "a frozen parameter gets no gradient");
    }

    @Test
    void trainingForwardOfASoftPromptEqualsTheInferenceHostsForwardEmbeds() throws IOException {
        LlamaModel m = LlamaParityTest.model("llama_gqa");
        int[] ids = LlamaParityTest.sequences("llama_gqa").get(1);
        Tensor prompt = Tensor.randn(11, 1, 3, m.config().hiddenSize());
        Var x = Functional.concat(1, Var.of(prompt), m.embedTraining(ids, 1, ids.length));
        Tensor training = m.forwardTraining(x).value().select(0, 0);
        Tensor inference = m.forwardEmbeds(x.value().select(0, 0).contiguous(), m.newCache(32), true);
        assertClose("inputs_embeds: training vs inference", inference, training);
    }

    /** make_training_fixtures.py: torch.autograd through the plain-torch reference decoder, F.cross_entropy(ignore_index=-100). */
    @Test
    void lossAndGradientsOfASoftPromptedRightPaddedBatchMatchPyTorch() throws IOException {
        LlamaModel m = LlamaParityTest.model("llama_gqa");
        var j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dev.elixr.models.testing.Fixtures.path("llm/llama_gqa/training_inputs.json").toFile());
        int b = j.get("batch").asInt(), length = j.get("length").asInt();
        int[] ids = ints(j.get("ids")), labels = ints(j.get("labels"));
        Var prompt = Var.param(npy("llm/llama_gqa/training_prompt.npy"));
        Var loss = CausalLmLoss.of(m.forwardTraining(Functional.concat(1, prompt, m.embedTraining(ids, b, length))), labels);
        loss.backward();
        assertClose("training loss", npy("llm/llama_gqa/training_loss.npy"), loss.value().reshape(1));
        assertClose("d loss / d soft prompt", npy("llm/llama_gqa/training_grad_prompt.npy"), prompt.grad());
        var params = m.namedParameters();
        for (var name : j.get("grads")) {
            String n = name.asText();
            assertClose("d loss / d " + n, npy("llm/llama_gqa/training_grad_" + n + ".npy"), params.get(n).grad());
        }
    }

    private static int[] ints(com.fasterxml.jackson.databind.JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    @Test
    void rightPaddingWithIgnoredLabelsLeavesTheLossOfARowUnchanged() {
        LlamaModel m = tiny();
        int[] row = {1, 5, 2, 7};
        float alone = m.nextTokenLoss(row, 1, 4).item();
        int[] padded = {1, 5, 2, 7, 0, 0, 0};
        int[] labels = {1, 5, 2, 7, CausalLmLoss.IGNORE, CausalLmLoss.IGNORE, CausalLmLoss.IGNORE};
        assertEquals(alone, m.nextTokenLoss(padded, labels, 1, 7).item(), 1e-6);
    }

    @Test
    void idsOutsideTheVocabularyAreRefusedNamingRowAndPosition() {
        LlamaModel m = tiny();
        var e = assertThrows(IllegalArgumentException.class, () -> m.embedTraining(new int[] {1, 2, 3, 11}, 2, 2));
        assertTrue(e.getMessage().contains("token id 11 at row 1, position 1"), e.getMessage());
    }
}
