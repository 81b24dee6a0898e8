package dev.elixr.models;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.models.vision.EfficientNet;
import dev.elixr.models.vision.EfficientNetConfig;
import dev.elixr.models.vision.VisionTransformer;
import dev.elixr.models.vision.VitConfig;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The encoders are trained in ELIXR-C: in training mode every parameter must receive a finite gradient. */
class ModelsTrainingTest {
    private static void assertAllGradients(Module m) {
        int nonZero = 0;
        for (var e : m.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            assertNotNull(p.grad(), () -> "no gradient for " + e.getKey());
            float[] g = p.grad().contiguous().toFloatArray();
            boolean any = false;
            for (float v : g) {
                assertTrue(Float.isFinite(v), () -> "non-finite gradient in " + e.getKey());
                any |= v != 0f;
            }
            if (any) nonZero++;
        }
        assertTrue(nonZero >= m.namedParameters().size() * 9 / 10, "most parameters get a non-zero gradient: " + nonZero);
    }

    @Test
    void vitIsDifferentiableWithInterpolatedPositions() {
        var c = new VitConfig(16, 2, 2, 32, 16, 4, 1, 1e-12f, true, true, 0.1f, Activation.GELU);
        var vit = new VisionTransformer(c, new SplittableRandom(1));
        vit.train();
        Var x = Var.of(Tensor.randn(2, 2, 1, 20, 12));
        var out = vit.encode(x);
        assertEquals(1 + 5 * 3, out.lastHiddenState().size(1));
        out.lastHiddenState().square().meanAll().add(out.pooled().sumAll()).backward();
        assertAllGradients(vit);
    }

    @Test
    void bertWithCrossAttentionIsDifferentiable() {
        var c = new BertConfig(50, 16, 2, 2, 32, 12, 2, 1e-12f, 0.1f, 0, true, new int[] {0}, 8, Activation.GELU);
        var bert = new BertEncoder(c, new SplittableRandom(2));
        bert.train();
        int[] ids = {2, 7, 9, 3, 0, 0, 2, 11, 12, 13, 14, 3};
        int[] mask = {1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1};
        Var enc = Var.param(Tensor.randn(3, 2, 5, 8));
        var out = bert.encode(ids, mask, null, 2, 6, enc, null);
        out.lastHiddenState().square().meanAll().add(out.pooled().sumAll()).backward();
        assertAllGradients(bert);
        assertNotNull(enc.grad());
    }

    @Test
    void efficientNetTrainsWithBatchStatisticsAndStochasticDepth() {
        var c = new EfficientNetConfig("tiny", 0.25, 0.5, 32, 0.2f, 0.5f, 1e-3f, 1);
        var net = new EfficientNet(c, new SplittableRandom(3));
        net.train();
        var out = net.encode(Var.of(Tensor.randn(4, 3, 1, 32, 32)));
        assertEquals(80, out.lastBlock().size(1));
        assertEquals(320, out.head().size(1));
        out.pooled().square().meanAll().backward();
        assertAllGradients(net);
    }

    @Test
    void efficientNetInEvalModeStaysDifferentiableThroughFoldedBatchNorm() {
        var c = new EfficientNetConfig("tiny", 0.25, 0.5, 32, 0.2f, 0.2f, 1e-3f, 3);
        var net = new EfficientNet(c, new SplittableRandom(5));
        net.eval();
        net.encode(Var.of(Tensor.randn(6, 2, 3, 32, 32))).pooled().square().meanAll().backward();
        var params = net.namedParameters();
        assertNotNull(params.get("features.0.0.weight").grad());
        assertNotNull(params.get("features.0.1.weight").grad());
        assertNotNull(params.get("features.8.1.bias").grad());
    }

    @Test
    void noGradRecordsNothing() {
        var c = new VitConfig(16, 1, 2, 32, 8, 4, 3, 1e-12f, true, false, 0f, Activation.GELU);
        var vit = new VisionTransformer(c, new SplittableRandom(4));
        vit.eval();
        try (var g = GradMode.noGrad()) {
            Var h = vit.forward(Var.of(Tensor.randn(5, 1, 3, 8, 8)));
            assertTrue(h.isLeaf());
            assertNull(vit.encode(Var.of(Tensor.randn(5, 1, 3, 8, 8))).pooled());
        }
    }
}
