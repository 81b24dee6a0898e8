package dev.elixr.models.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.models.hf.HfModels;
import dev.elixr.models.testing.Fixtures;
import dev.elixr.models.transformer.EncoderOutput;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.elixr.models.testing.Parity.assertClose;
import static dev.elixr.models.testing.Parity.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Tiny random-weight HF BertModel (and one with Q-Former-style cross-attention) against PyTorch (fixtures/bert). */
class BertEncoderParityTest {
    record Inputs(int[] ids, int[] mask, int[] types, int batch, int length, List<String> texts) {}

    static Inputs inputs(String folder) throws IOException {
        JsonNode j = new ObjectMapper().readTree(Fixtures.path(folder + "/inputs.json").toFile());
        int b = j.get("input_ids").size(), t = j.get("input_ids").get(0).size();
        return new Inputs(flat(j.get("input_ids")), flat(j.get("attention_mask")), flat(j.get("token_type_ids")), b, t,
                List.of(j.get("texts").get(0).asText(), j.get("texts").get(1).asText()));
    }

    private static int[] flat(JsonNode rows) {
        int t = rows.get(0).size();
        int[] out = new int[rows.size() * t];
        for (int r = 0; r < rows.size(); r++) for (int i = 0; i < t; i++) out[r * t + i] = rows.get(r).get(i).asInt();
        return out;
    }

    @Test
    void tokenizerOfTheFolderGivesTheFixtureIds() throws IOException {
        Inputs in = inputs("bert");
        var tok = WordPieceTokenizer.fromFolder(Fixtures.path("bert"));
        List<Encoding> enc = tok.encodeBatch(in.texts(), 64);
        for (int r = 0; r < in.batch(); r++) {
            int[] row = java.util.Arrays.copyOfRange(in.ids(), r * in.length(), (r + 1) * in.length());
            assertArrayEquals(row, enc.get(r).ids());
        }
    }

    @Test
    void lastHiddenStateAndPoolerMatchPyTorch() throws IOException {
        BertEncoder bert = HfModels.bert(Fixtures.path("bert"));
        Inputs in = inputs("bert");
        try (var g = GradMode.noGrad()) {
            EncoderOutput out = bert.encode(in.ids(), in.mask(), in.types(), in.batch(), in.length());
            assertClose("bert last_hidden_state", npy("bert/last_hidden_state.npy"), out.lastHiddenState().value());
            assertClose("bert pooler_output", npy("bert/pooler_output.npy"), out.pooled().value());
        }
    }

    @Test
    void crossAttentionLayersMatchPyTorch() throws IOException {
        BertEncoder bert = HfModels.bert(Fixtures.path("bert_cross"));
        Inputs in = inputs("bert_cross");
        try (var g = GradMode.noGrad()) {
            Var enc = Var.of(npy("bert_cross/encoder_hidden_states.npy"));
            EncoderOutput out = bert.encode(in.ids(), in.mask(), in.types(), in.batch(), in.length(), enc, null);
            assertClose("bert+cross last_hidden_state", npy("bert_cross/last_hidden_state.npy"), out.lastHiddenState().value());
            assertClose("bert+cross pooler_output", npy("bert_cross/pooler_output.npy"), out.pooled().value());
        }
    }
}
