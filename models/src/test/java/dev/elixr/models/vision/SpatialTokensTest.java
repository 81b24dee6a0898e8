package dev.elixr.models.vision;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.models.hf.HfModels;
import dev.elixr.models.testing.Fixtures;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.elixr.models.testing.Parity.assertClose;
import static dev.elixr.models.testing.Parity.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Image towers' spatial features as tokens, against the PyTorch fixtures' feature maps and hidden states. */
class SpatialTokensTest {
    @Test
    void tokenOfPositionHWIsTheChannelVectorAtHW() {
        Tensor map = Tensor.randn(4, 2, 3, 2, 5);
        Tensor tokens = SpatialTokens.of(Var.of(map)).value();
        assertArrayEquals(new int[] {2, 10, 3}, tokens.shape());
        for (int b = 0; b < 2; b++)
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 2; h++)
                    for (int w = 0; w < 5; w++) assertEquals(map.get(b, c, h, w), tokens.get(b, h * 5 + w, c));
    }

    @Test
    void efficientNetSpatialTokensAreTheLastStageOfPyTorchFlattened() {
        EfficientNet net = HfModels.efficientNet(Fixtures.path("efficientnet"));
        try (var g = GradMode.noGrad()) {
            Var pixels = Var.of(npy("efficientnet/input.npy"));
            Tensor expected = SpatialTokens.of(Var.of(npy("efficientnet/last_block.npy"))).value();
            assertClose("efficientnet spatial tokens", expected, net.spatialTokens(pixels).value());
            assertClose("efficientnet encode().lastBlockTokens()", expected, net.encode(pixels).lastBlockTokens().value());
            int[] s = npy("efficientnet/last_block.npy").shape();
            assertArrayEquals(new int[] {s[0], s[2] * s[3], s[1]}, net.spatialTokens(pixels).shape());
        }
    }

    @Test
    void vitPatchTokensArePyTorchLastHiddenStatesWithoutCls() {
        VisionTransformer vit = HfModels.vit(Fixtures.path("vit"));
        try (var g = GradMode.noGrad()) {
            Tensor hidden = npy("vit/last_hidden_state.npy");
            Tensor expected = hidden.narrow(1, 1, hidden.size(1) - 1);
            assertClose("vit patch tokens", expected, vit.patchTokens(Var.of(npy("vit/input.npy"))).value());
        }
    }
}
