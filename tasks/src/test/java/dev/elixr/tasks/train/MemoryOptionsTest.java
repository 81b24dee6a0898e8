package dev.elixr.tasks.train;

import dev.elixr.autograd.Var;
import dev.elixr.models.elixr.DuplicatePolicy;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.random.SplitMix64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.elixr.tasks.data.synth.SyntheticCxr;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Gradient accumulation (the gradient cache) and ViT / EfficientNet activation checkpointing give the gradients of the plain full batch. */
class MemoryOptionsTest {
    static final int B = 8, PAD = 0;

    static ElixrC vitModel(String encoder) {
        var cfg = new ElixrCConfig(new ElixrCConfig.Image(encoder, ImagePreprocessing.standard(16), new int[] {4, 8}, 1, 16),
                ElixrCConfig.Text.bertSmall(40, 16, 1, 2, 32, 12), 8, new ElixrCConfig.Temperature(0.07f, 0.01f));
        ElixrC m = new ElixrC(cfg, new SplitMix64(3));
        m.train();
        return m;
    }

    static Tensor pixels() { return Tensor.randn(5, B, 1, 16, 16); }

    /** Reports of different lengths (so micro-batches pad differently from the full batch). */
    static List<Encoding> reports() {
        SplittableRandom r = new SplittableRandom(9);
        List<Encoding> out = new ArrayList<>();
        for (int i = 0; i < B; i++) {
            int n = 3 + r.nextInt(8);
            int[] ids = new int[n], mask = new int[n], types = new int[n];
            for (int k = 0; k < n; k++) { ids[k] = 1 + r.nextInt(39); mask[k] = 1; }
            out.add(new Encoding(ids, mask, types));
        }
        return out;
    }

    static int[] rows() { int[] r = new int[B]; for (int i = 0; i < B; i++) r[i] = i; return r; }

    static Map<String, float[]> grads(ElixrC m) {
        Map<String, float[]> g = new LinkedHashMap<>();
        for (var e : m.namedParameters().entrySet()) g.put(e.getKey(), e.getValue().grad() == null ? null : e.getValue().grad().toFloatArray());
        m.zeroGrad();
        return g;
    }

    static void assertSameGradients(Map<String, float[]> expected, Map<String, float[]> got, double tolerance) {
        assertEquals(expected.keySet(), got.keySet());
        for (String k : expected.keySet()) {
            float[] e = expected.get(k), a = got.get(k);
            assertNotNull(e, k);
            double scale = 0, err = 0;
            for (int i = 0; i < e.length; i++) { scale = Math.max(scale, Math.abs(e[i])); err = Math.max(err, Math.abs(e[i] - a[i])); }
            assertTrue(err <= tolerance * Math.max(scale, 1e-3), k + ": max |difference| " + err + " for gradients up to " + scale);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 8})
    void accumulatingMicroBatchesGivesTheFullBatchGradientOfTheClipLoss(int micro) {
        ElixrC m = vitModel("vit-4-2-2");
        Tensor px = pixels();
        List<Encoding> text = reports();
        Var full = m.loss(Var.of(px), TokenBatch.of(text, rows(), PAD));
        full.backward();
        var expected = grads(m);
        Var cached = GradientCache.backward(m, px, text, rows(), PAD, new long[B], ContrastiveObjective.plain(), null, micro);
        assertEquals(full.item(), cached.item(), 1e-5, "the same loss");
        assertSameGradients(expected, grads(m), 1e-4);
    }

    @Test
    void accumulationHoldsForTheDuplicateMaskedObjectiveToo() {
        ElixrC m = vitModel("vit-4-1-2");
        Tensor px = pixels();
        List<Encoding> text = reports();
        long[] groups = {1, 2, 1, 3, 4, 2, 5, 6};
        var objective = new ContrastiveObjective(DuplicatePolicy.MASK, DuplicateKey.TEXT, 0, 0);
        m.contrast(Var.of(px), TokenBatch.of(text, rows(), PAD), groups, DuplicatePolicy.MASK, null).loss().backward();
        var expected = grads(m);
        GradientCache.backward(m, px, text, rows(), PAD, groups, objective, null, 4);
        assertSameGradients(expected, grads(m), 1e-4);
    }

    @Test
    void checkpointingTheVitBlocksLeavesEveryGradientUnchanged() {
        ElixrC m = vitModel("vit-4-3-2");
        Tensor px = pixels();
        List<Encoding> text = reports();
        m.loss(Var.of(px), TokenBatch.of(text, rows(), PAD)).backward();
        var expected = grads(m);
        assertEquals(1, MemoryPlan.checkpointActivations(m, true), "one ViT in the image tower");
        Var loss = m.loss(Var.of(px), TokenBatch.of(text, rows(), PAD));
        loss.backward();
        assertSameGradients(expected, grads(m), 1e-5);
    }

    @Test
    void accumulationOutsideOneToTheBatchIsRefusedNamingTheOption() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ContrastiveTraining.Data(1, 8, false, 9));
        assertTrue(e.getMessage().contains("--accumulate 9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ContrastiveTraining.Data(1, 8, false, 0));
    }

    @Test
    void withMappedImageStoresTheEstimateCountsTheBatchWindowNotTheSplits() {
        ElixrC m = vitModel("vit-4-4-2");
        MemoryPlan small = MemoryPlan.estimate(m, 64, 1, 1000, true), paperScale = MemoryPlan.estimate(m, 64, 1, 377_000, true);
        assertEquals(MemoryPlan.WINDOW * 64L * 16 * 16 * 4, small.imageBankBytes(), "3 batch-sized image arrays");
        assertEquals(small.imageBankBytes(), paperScale.imageBankBytes(), "independent of the split's size");
        assertEquals(small.totalBytes(), paperScale.totalBytes());
        assertTrue(small.describe().contains("a batch window; the splits are memory-mapped"), small.describe());
        assertEquals(MemoryPlan.estimate(m, 64, 1, 1000, false).imageBankBytes(), 1000L * 16 * 16 * 4);
    }

    @Test
    void theMemoryEstimateCountsWeightsOptimiserActivationsAndImagesAndShrinksWithCheckpointingAndAccumulation() {
        ElixrC m = vitModel("vit-4-4-2");
        MemoryPlan plain = MemoryPlan.estimate(m, 64, 1, 1000);
        long p = m.parameterCount();
        assertEquals(4 * p, plain.weightBytes());
        assertEquals(8 * p, plain.optimiserBytes(), "AdamW: two moments per parameter");
        assertEquals(1000L * 16 * 16 * 4, plain.imageBankBytes());
        assertEquals(64, plain.microBatch());
        // a ViT block on 17 tokens of width 16 keeps at least its 2 layer norms, q, k, v, attention [2,17,17] and the MLP [17,64]
        assertTrue(plain.imageActivationBytes() > 4L * 4 * (6 * 17 * 16 + 2 * 17 * 17 + 17 * 64), "per image " + plain.imageActivationBytes());
        assertEquals(16, MemoryPlan.estimate(m, 64, 4, 1000).microBatch());
        MemoryPlan.checkpointActivations(m, true);
        MemoryPlan checkpointed = MemoryPlan.estimate(m, 64, 1, 1000);
        assertTrue(checkpointed.imageActivationBytes() * 2 < plain.imageActivationBytes(),
                checkpointed.imageActivationBytes() + " vs " + plain.imageActivationBytes());
        assertTrue(plain.describe().contains("AdamW moments"), plain.describe());
        assertTrue(plain.describe().contains("the whole splits on the heap"), plain.describe());
        assertNull(m.parameters().getFirst().grad(), "measuring leaves no gradients behind");
    }

    @Test
    void aPlanIsAdmittedOnlyWithinNinetyFourPercentOfTheHeapLeavingTheCollectorItsRoom() {
        long heap = 1L << 30;
        new MemoryPlan(1, (long) (heap * 0.93), 0, 0, 0, 0, 1, 0, true, heap).check();
        MemoryPlan nearTheLimit = new MemoryPlan(1, (long) (heap * 0.95), 0, 0, 0, 0, 1, 0, true, heap);
        var e = assertThrows(IllegalArgumentException.class, nearTheLimit::check);
        assertTrue(e.getMessage().contains("(962.6 MiB of it for the run"), e.getMessage());
        assertTrue(nearTheLimit.describe().contains("heap limit 1.00 GiB, 962.6 MiB of it for the run"), nearTheLimit.describe());
    }

    @Test
    void aRunOverTheHeapIsRefusedWithWhatWouldMakeItFit() {
        MemoryPlan tooBig = new MemoryPlan(1_000_000, 4_000_000, 4_000_000, 8_000_000, 50_000_000, 1_000_000, 64, 0, false, 1L << 30);
        var e = assertThrows(IllegalArgumentException.class, tooBig::check);
        assertTrue(e.getMessage().contains("--accumulate") && e.getMessage().contains("--checkpoint-activations")
                && e.getMessage().contains("1.00 GiB"), e.getMessage());
        new MemoryPlan(1_000_000, 4_000_000, 4_000_000, 8_000_000, 50_000, 1_000, 64, 0, false, 1L << 30).check();
    }

    @Test
    void aTrainingRunWithAccumulationAndCheckpointingPrintsItsEstimateAndStartsWhereThePlainRunStarts(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(40, 2).withSize(32).withProgress(false));
        var model = new ElixrCConfig(new ElixrCConfig.Image("vit-8-2-2", ImagePreprocessing.standard(32), new int[] {4, 8}, 1, 16),
                ElixrCConfig.Text.bertSmall(1, 16, 1, 2, 32, 24), 8, new ElixrCConfig.Temperature(0.07f, 0.01f));
        double[] firstLoss = new double[2];
        for (int accumulate : new int[] {1, 4}) {
            var cfg = new ContrastiveTraining.Config(new ContrastiveTraining.Data(1, 8, false, accumulate),
                    new ContrastiveTraining.Optimisation(1e-3, 0.1, 0.2, 1.0), ContrastiveObjective.plain(), ContrastiveTraining.Session.of(4));
            var log = new ByteArrayOutputStream();
            var outcome = ElixrCTrainingJob.run(ElixrCTrainingJob.Options.of(data, tmp.resolve("run" + accumulate), model, cfg)
                    .withActivationCheckpointing(accumulate > 1), "test", new PrintStream(log, true));
            assertTrue(log.toString().contains("memory estimate:"), log.toString());
            assertTrue(outcome.steps() > 0);
            firstLoss[accumulate == 1 ? 0 : 1] = outcome.history().steps().getFirst().loss();
        }
        assertEquals(firstLoss[0], firstLoss[1], 1e-5, "the first step's loss is that of the same full batch");
    }

    @Test
    void theImageWidthOptionSetsTheVitHiddenSize() {
        var cfg = ElixrCTrainingJob.defaultModel("vit-8-2-2", 32, ImagePreprocessing.DISPLAY, 48);
        assertEquals(48, new ElixrC(cfg, new SplitMix64(1)).imageEncoder().featureDim());
        assertEquals("48", TrainingSettings.of(ContrastiveTrainingConfigs.plain(), cfg).get("--image-width"));
        assertThrows(IllegalArgumentException.class, () -> ElixrCTrainingJob.defaultModel("vit-8-2-2", 32, ImagePreprocessing.DISPLAY, 0));
    }

    /** A plain training config for settings checks. */
    static final class ContrastiveTrainingConfigs {
        static ContrastiveTraining.Config plain() {
            return new ContrastiveTraining.Config(new ContrastiveTraining.Data(1, 8, false), ContrastiveTraining.Optimisation.adamW(1e-3),
                    ContrastiveObjective.plain(), ContrastiveTraining.Session.of(1));
        }
    }

    @Test
    void checkpointingAnEfficientNetTowerLeavesEveryGradientUnchangedAndShrinksItsEstimate() {
        var cfg = new ElixrCConfig(new ElixrCConfig.Image("efficientnet-b0", ImagePreprocessing.standard(64), new int[] {4, 8}, 1, 16),
                ElixrCConfig.Text.bertSmall(40, 16, 1, 2, 32, 12), 8, new ElixrCConfig.Temperature(0.07f, 0.01f));
        ElixrC m = new ElixrC(cfg, new SplitMix64(3));
        m.eval();  // stochastic depth would draw other masks in the second pass (the training-mode check is MBConvCheckpointTest's)
        Tensor px = Tensor.randn(5, B, 1, 64, 64);
        List<Encoding> text = reports();
        long plain = MemoryPlan.estimate(m, B, 1, 0).imageActivationBytes();
        m.loss(Var.of(px), TokenBatch.of(text, rows(), PAD)).backward();
        var expected = grads(m);
        assertEquals(1, MemoryPlan.checkpointActivations(m, true), "one EfficientNet in the image tower");
        m.zeroGrad();
        m.loss(Var.of(px), TokenBatch.of(text, rows(), PAD)).backward();
        assertSameGradients(expected, grads(m), 1e-5);
        long checkpointed = MemoryPlan.estimate(m, B, 1, 0).imageActivationBytes();
        assertTrue(checkpointed * 2 < plain, checkpointed + " vs " + plain + " bytes per image");
    }

    /**
     * The 22 GiB sweep's checkpointed EfficientNet-B0 at 512² failed at 90 images though the plan admitted them: one
     * depthwise convolution's whole-batch columns passed 2^31-1 elements at 88 (the backward now goes in chunks of
     * images). A micro-batch whose activations alone pass that size is refused whatever the heap.
     */
    @Test
    void aMicroBatchNeedingATensorOfMoreThanTwoToTheThirtyOneElementsIsRefusedWhateverTheHeap() {
        var cfg = new ElixrCConfig(new ElixrCConfig.Image("efficientnet-b0", ImagePreprocessing.standard(64), new int[] {4, 8}, 1, 16),
                ElixrCConfig.Text.bertSmall(40, 16, 1, 2, 32, 12), 8, new ElixrCConfig.Temperature(0.07f, 0.01f));
        ElixrC m = new ElixrC(cfg, new SplitMix64(3));
        m.train();
        MemoryPlan.checkpointActivations(m, true);
        MemoryPlan fits = MemoryPlan.estimate(m, 64, 1, 0);
        long perImage = fits.largestTensorElements() / 64;  // EfficientNet-B0's widest map at 64²: 96 channels at 32²
        assertEquals(96L * 32 * 32, perImage);
        int over = (int) (Integer.MAX_VALUE / perImage + 1);
        MemoryPlan tooLarge = MemoryPlan.estimate(m, over, 1, 0);
        var huge = new MemoryPlan(tooLarge.parameters(), tooLarge.weightBytes(), tooLarge.gradientBytes(), tooLarge.optimiserBytes(),
                tooLarge.imageActivationBytes(), tooLarge.textActivationBytes(), over, 0, true, Long.MAX_VALUE, tooLarge.largestTensorElements());
        var e = assertThrows(IllegalArgumentException.class, huge::check);
        assertTrue(e.getMessage().contains("2^31-1") && e.getMessage().contains("--accumulate"), e.getMessage());
        new MemoryPlan(tooLarge.parameters(), tooLarge.weightBytes(), tooLarge.gradientBytes(), tooLarge.optimiserBytes(),
                tooLarge.imageActivationBytes(), tooLarge.textActivationBytes(), over - 1, 0, true, Long.MAX_VALUE, perImage * (over - 1)).check();
    }

    @Test
    void checkpointingIsRefusedForATowerWithoutTransformerBlocks() {
        assertEquals(0, MemoryPlan.checkpointActivations(vitModel("conv"), true));
    }
}
