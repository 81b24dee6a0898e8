package dev.elixr.models.vision;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.models.hf.HfModels;
import dev.elixr.models.testing.Fixtures;
import org.junit.jupiter.api.Test;

import static dev.elixr.models.testing.Parity.assertClose;
import static dev.elixr.models.testing.Parity.npy;

/** Tiny random-weight torchvision-named EfficientNet with random BatchNorm statistics against PyTorch (fixtures/efficientnet). */
class EfficientNetParityTest {
    @Test
    void featuresLastBlockAndPooledMatchPyTorch() {
        EfficientNet net = HfModels.efficientNet(Fixtures.path("efficientnet"));
        try (var g = GradMode.noGrad()) {
            EfficientNet.Output out = net.encode(Var.of(npy("efficientnet/input.npy")));
            assertClose("efficientnet last block", npy("efficientnet/last_block.npy"), out.lastBlock().value());
            assertClose("efficientnet features", npy("efficientnet/features.npy"), out.head().value());
            assertClose("efficientnet pooled", npy("efficientnet/pooled.npy"), out.pooled().value());
            assertClose("efficientnet forward = features", npy("efficientnet/features.npy"),
                    net.forward(Var.of(npy("efficientnet/input.npy"))).value());
        }
    }
}
