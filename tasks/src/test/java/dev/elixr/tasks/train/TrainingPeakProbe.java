package dev.elixr.tasks.train;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.autograd.optim.ParamGroup;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.random.SplitMix64;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The heap one ELIXR-C training step (zero grad, CLIP loss, backward, AdamW) needs, measured, beside {@link MemoryPlan}'s
 * estimate; run in its own JVM by {@link MemoryPlanPeakTest}. After a first step (so the AdamW moments exist), the
 * smallest heap in which a step still runs is searched by filling the rest with ballast: with the Serial collector and
 * a small young generation (-Xmn), ballast in the old generation leaves exactly the room it is meant to (a generational
 * collector with a large young generation or G1's regions would not). The peak is that heap less what the JVM held
 * before the model was built (after a full collection); it includes up to one young generation of slack.
 * Arguments: encoder width size batch checkpoint(true|false); prints one line: plan and peak bytes.
 */
public final class TrainingPeakProbe {
    private TrainingPeakProbe() {}

    private static ElixrC model;
    private static AdamW optimiser;
    private static Tensor pixels;
    private static TokenBatch reports;

    public static void main(String[] a) {
        String encoder = a[0];
        int width = Integer.parseInt(a[1]), size = Integer.parseInt(a[2]), batch = Integer.parseInt(a[3]);
        boolean checkpoint = Boolean.parseBoolean(a[4]);
        long before = liveHeap();
        int w = width > 0 ? width : ElixrCTrainingJob.defaultModel(encoder, size).image().features();
        ElixrCConfig base = ElixrCTrainingJob.defaultModel(encoder, size, ImagePreprocessing.DISPLAY, w);
        ElixrCConfig cfg = base.withText(base.text().withVocabSize(1000));
        model = new ElixrC(cfg, new SplitMix64(1));
        model.train();
        MemoryPlan.checkpointActivations(model, checkpoint);
        MemoryPlan plan = MemoryPlan.estimate(model, batch, 1, 0);
        optimiser = new AdamW(ParamGroup.decayAndNoDecay(model, 0.1), 1e-4, 0.9, 0.98, 1e-6);
        pixels = Tensor.randn(1, batch, 1, size, size);
        reports = reports(batch, cfg.text().maxTokens());
        step();
        long low = Math.max(liveHeap(), plan.totalBytes() / 2), high = Math.min(Runtime.getRuntime().maxMemory(), 2 * plan.totalBytes() + before);
        if (!fits(high)) { System.out.printf(Locale.ROOT, "plan %d peak-above %d%n", plan.totalBytes(), high - before); return; }
        while (high - low > Math.max(1L << 20, high / 50)) {
            long mid = (low + high) / 2;
            if (fits(mid)) high = mid; else low = mid;
        }
        System.out.printf(Locale.ROOT, "plan %d peak %d%n", plan.totalBytes(), high - before);
    }

    private static void step() {
        model.zeroGrad();
        model.loss(Var.of(pixels), reports).backward();
        optimiser.step();
    }

    /** Whether a step runs with only {@code heap} bytes of the heap free of ballast. */
    private static boolean fits(long heap) {
        List<byte[]> ballast = new ArrayList<>();
        try {
            System.gc();
            int chunk = 1 << 18;
            for (long b = chunk; b <= Runtime.getRuntime().maxMemory() - heap; b += chunk) ballast.add(new byte[chunk]);
            step();
            return true;
        } catch (OutOfMemoryError e) {
            return false;
        } finally {
            ballast.clear();
        }
    }

    private static long liveHeap() {
        System.gc();
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static TokenBatch reports(int n, int tokens) {
        SplittableRandom r = new SplittableRandom(1);
        List<Encoding> out = new ArrayList<>();
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            int[] ids = new int[tokens], mask = new int[tokens];
            for (int k = 0; k < tokens; k++) { ids[k] = 1 + r.nextInt(999); mask[k] = 1; }
            out.add(new Encoding(ids, mask, new int[tokens]));
            rows[i] = i;
        }
        return TokenBatch.of(out, rows, 0);
    }
}
