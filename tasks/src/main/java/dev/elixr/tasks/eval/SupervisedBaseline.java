package dev.elixr.tasks.eval;

import dev.elixr.autograd.GradMode;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.autograd.optim.CosineSchedule;
import dev.elixr.autograd.optim.ParamGroup;
import dev.elixr.models.elixr.ImageTower;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.tasks.data.Seeds;
import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tasks.data.LabelPolicy;
import dev.elixr.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The supervised-only baseline of the data-efficient experiments: the same image encoder as ELIXR-C, trained from
 * scratch on the probe's training subset with the labels only (a multi-label head, masked binary cross-entropy,
 * AdamW with warm-up and cosine decay, augmentation), whose frozen features then feed the same probes. It trains for
 * {@code epochs} passes over the subset, but at least {@code minSteps} and at most {@code maxSteps} steps.
 */
public final class SupervisedBaseline implements DataEfficient.FeatureSource {
    private final ElixrCConfig config;
    private final ImageBank train;
    private final ImageBank test;
    private final List<String> findings;
    private final LabelPolicy policy;
    private final int epochs;
    private final int minSteps;
    private final int maxSteps;
    private final int batch;
    private final double lr;

    /** {@code policy}: how uncertain and blank training labels count (as the probes' labels). */
    public SupervisedBaseline(ElixrCConfig config, ImageBank train, ImageBank test, List<String> findings, LabelPolicy policy,
                              int epochs, int minSteps, int maxSteps, int batch, double lr) {
        this.config = config;
        this.train = train;
        this.test = test;
        this.findings = findings;
        this.policy = policy;
        this.epochs = epochs;
        this.minSteps = minSteps;
        this.maxSteps = maxSteps;
        this.batch = batch;
        this.lr = lr;
    }

    @Override public String name() {
        return "supervised-baseline";
    }

    /** The image tower and a linear multi-label head. */
    static final class Classifier extends Module {
        final ImageTower tower;
        final Linear head;

        Classifier(ElixrCConfig c, int outputs, SplitMix64 rng) {
            tower = registerModule("image_encoder", c.image().build(rng));
            head = registerModule("head", new Linear(tower.featureDim(), outputs, true, rng));
        }
    }

    @Override
    public DataEfficient.Features features(int[] subset, long seed) {
        ImageBank sub = train.subset(subset);
        double[][] y = new double[subset.length][findings.size()];
        EmbeddedSplit labels = EmbeddedSplit.of(sub.studies(), new float[subset.length][0]);
        for (int i = 0; i < subset.length; i++)
            for (int j = 0; j < findings.size(); j++) y[i][j] = labels.binaryLabel(i, findings.get(j), policy);
        SplitMix64 rng = new SplitMix64(Seeds.baselineInit(seed));
        Classifier net = new Classifier(config, findings.size(), rng);
        var opt = new AdamW(ParamGroup.decayAndNoDecay(net, 0.05), lr, 0.9, 0.999, 1e-8);
        int b = Math.max(2, Math.min(batch, subset.length));
        int steps = Math.min(maxSteps, Math.max(minSteps, (int) Math.ceil((double) epochs * subset.length / b)));
        var schedule = new CosineSchedule(lr, Math.max(1, steps / 10), steps, lr * 0.01);
        net.train();
        for (int s = 0; s < steps; s++) {
            int[] rows = new int[b];
            for (int i = 0; i < b; i++) rows[i] = rng.nextInt(subset.length);
            schedule.apply(opt, s + 1);
            opt.zeroGrad();
            Var logits = net.head.forward(net.tower.features(Var.of(sub.batch(rows, new SplittableRandom(Seeds.baselineAugmentation(seed, s))))));
            MaskedBce.loss(logits, y, rows).backward();
            opt.step();
        }
        net.eval();
        return new DataEfficient.Features(embed(net.tower, sub), embed(net.tower, test));
    }

    static float[][] embed(ImageTower tower, ImageBank bank) {
        float[][] out = new float[bank.count()][];
        try (var g = GradMode.noGrad()) {
            for (int s = 0; s < bank.count(); s += 64) {
                int[] rows = IntStream.range(s, Math.min(bank.count(), s + 64)).toArray();
                Tensor f = tower.features(Var.of(bank.batch(rows, null))).value().contiguous();
                int d = f.size(1);
                float[] flat = f.toFloatArray();
                for (int i = 0; i < rows.length; i++) out[s + i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
            }
        }
        return out;
    }
}
