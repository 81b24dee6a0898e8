package dev.elixr.models.vision;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.models.hf.HfModels;
import dev.elixr.models.testing.Fixtures;
import dev.elixr.models.transformer.EncoderOutput;
import org.junit.jupiter.api.Test;

import static dev.elixr.models.testing.Parity.assertClose;
import static dev.elixr.models.testing.Parity.npy;

/** Tiny random-weight HF ViTModel against PyTorch (fixtures/vit/make_vit_fixture.py). */
class VisionTransformerParityTest {
    private final VisionTransformer vit = HfModels.vit(Fixtures.path("vit"));

    @Test
    void lastHiddenStateAndPoolerMatchPyTorch() {
        try (var g = GradMode.noGrad()) {
            EncoderOutput out = vit.encode(Var.of(npy("vit/input.npy")));
            assertClose("vit last_hidden_state", npy("vit/last_hidden_state.npy"), out.lastHiddenState().value());
            assertClose("vit pooler_output", npy("vit/pooler_output.npy"), out.pooled().value());
        }
    }

    @Test
    void interpolatedPositionsMatchPyTorchBicubic() {
        try (var g = GradMode.noGrad()) {
            Var h = vit.forward(Var.of(npy("vit/input_48x40.npy")));
            assertClose("vit 48x40 (bicubic positions)", npy("vit/last_hidden_state_48x40.npy"), h.value());
        }
    }
}
