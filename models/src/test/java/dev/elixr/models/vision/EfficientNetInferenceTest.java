package dev.elixr.models.vision;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The evaluation forward without a graph (fused convolutions: folded batch norm and SiLU on the way out, the
 * squeeze-and-excitation gate folded into the projection) against the same network's graph-building evaluation forward
 * (batch norm folded into the weights, then separate SiLU, mean, gate and multiply ops).
 */
class EfficientNetInferenceTest {
    /** Running statistics and affine parameters away from their initial 0/1, so that folding them matters. */
    static void randomiseBatchNorms(EfficientNet net, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Map.Entry<String, Tensor> b : net.namedBuffers().entrySet()) {
            float[] a = b.getValue().storage().array();
            int off = b.getValue().offset();
            if (b.getKey().endsWith("running_mean")) for (int i = 0; i < b.getValue().numel(); i++) a[off + i] = (float) r.nextDouble(-0.5, 0.5);
            if (b.getKey().endsWith("running_var")) for (int i = 0; i < b.getValue().numel(); i++) a[off + i] = (float) r.nextDouble(0.5, 2);
        }
        for (Map.Entry<String, Parameter> p : net.namedParameters().entrySet()) {
            if (p.getValue().value().dim() != 1) continue; // batch-norm γ, β and the biases
            float[] a = p.getValue().value().storage().array();
            int off = p.getValue().value().offset();
            for (int i = 0; i < p.getValue().value().numel(); i++) a[off + i] = (float) r.nextDouble(-1, 1) + (p.getKey().endsWith("1.weight") ? 1 : 0);
        }
    }

    @Test
    void noGradEvalForwardEqualsTheGraphBuildingEvalForward() {
        EfficientNet net = MBConvCheckpointTest.small(11);
        randomiseBatchNorms(net, 5);
        net.eval();
        Tensor pixels = Tensor.randn(4, 3, 1, 40, 36); // 3 images, odd-sized planes down the stages
        float[] graph, fused;
        try (var g = GradMode.enableGrad()) {
            var out = net.encode(dev.elixr.autograd.Var.of(pixels));
            assertTrue(out.pooled().requiresGrad(), "this forward builds the graph (the unfused path)");
            graph = out.lastBlock().value().toFloatArray();
        }
        try (var g = GradMode.noGrad()) {
            fused = net.encode(dev.elixr.autograd.Var.of(pixels)).lastBlock().value().toFloatArray();
        }
        float scale = 0;
        for (float v : graph) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 0.1f, "a non-trivial output, max |v| = " + scale);
        assertArrayEquals(graph, fused, 1e-4f * scale, "last block, fused vs graph-building evaluation forward");
    }
}
