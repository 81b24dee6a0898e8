package dev.elixr.models.elixr;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.models.qformer.QFormer;
import dev.elixr.models.qformer.QFormerConfig;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.random.SplitMix64;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The summary token reads the whole tower map; started from ELIXR-C it is R times ELIXR-C's (unnormalised) image embedding. */
class ImageSummaryTokenTest {
    @Test
    void startedFromElixrCTheSummaryTokenIsARandomProjectionOfElixrCsImageEmbedding() {
        ElixrC c = new ElixrC(ElixrCConfig.small(30), new SplitMix64(3));
        c.eval();
        Var pixels = Var.of(Tensor.randn(5, 2, 1, 64, 64));
        try (var g = GradMode.noGrad()) {
            Tensor tokens = c.imageEncoder().spatialTokens(pixels).value().contiguous();  // [2,16,96]
            int t = tokens.size(1), w = tokens.size(2);
            ImageSummaryToken s = new ImageSummaryToken(t, w, new SplitMix64(1));
            s.initFrom(c.namedParameters(), "test run", new SplitMix64(7));
            float[] got = s.forward(Var.of(tokens)).value().contiguous().toFloatArray();  // [2,1,96]

            float[] f = c.imageFeatures(pixels).value().contiguous().toFloatArray();  // [2,256]
            float[] p = c.namedParameters().get("image_projection.weight").value().toFloatArray();  // [128,256]
            int e = 128, fd = 256;
            SplitMix64 rng = new SplitMix64(7);
            double[] r = new double[w * e];
            for (int i = 0; i < r.length; i++) r[i] = rng.nextGaussian() / Math.sqrt(e);
            double worst = 0, scale = 0;
            for (int b = 0; b < 2; b++)
                for (int o = 0; o < w; o++) {
                    double want = 0;
                    for (int k = 0; k < e; k++) {
                        double ek = 0;
                        for (int j = 0; j < fd; j++) ek += p[k * fd + j] * f[b * fd + j];
                        want += r[o * e + k] * ek;
                    }
                    worst = Math.max(worst, Math.abs(want - got[b * w + o]));
                    scale = Math.max(scale, Math.abs(want));
                }
            assertTrue(scale > 1e-3, "a non-trivial embedding");
            assertTrue(worst <= 1e-4 * scale, "summary token vs R·P·head: max error " + worst + " of " + scale);
        }
    }

    @Test
    void elixrBWithASummaryTokenCrossAttendsToOneMoreToken() {
        QFormerConfig cfg = QFormerConfig.tiny(8, 20, 19).withDropout(0f);
        ElixrB m = ElixrB.create(cfg, QFormer.Initialisation.FAN_IN, new SplitMix64(2), 4, 4);
        try (var g = GradMode.noGrad()) {
            assertEquals(5, m.imageTokens(Var.of(Tensor.randn(1, 3, 4, 8))).size(1));
        }
        assertEquals(java.util.Set.of("image_summary.weight", "image_summary.bias"), m.namedParameters().keySet().stream().filter(k -> k.startsWith("image_summary")).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void aHeadOfAnotherShapeIsRefusedNamingBothShapes() {
        ElixrC c = new ElixrC(ElixrCConfig.small(30), new SplitMix64(3));
        ImageSummaryToken s = new ImageSummaryToken(9, 96, new SplitMix64(1));
        var e = assertThrows(IllegalArgumentException.class, () -> s.initFrom(c.namedParameters(), "run X", new SplitMix64(7)));
        assertTrue(e.getMessage().contains("run X") && e.getMessage().contains("[256,1536]"), e.getMessage());
    }
}
