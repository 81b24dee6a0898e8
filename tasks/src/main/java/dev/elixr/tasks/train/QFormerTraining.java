package dev.elixr.tasks.train;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Checkpoint;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.autograd.optim.CosineSchedule;
import dev.elixr.autograd.optim.GradClip;
import dev.elixr.autograd.optim.ParamGroup;
import dev.elixr.models.elixr.DuplicatePolicy;
import dev.elixr.models.elixr.ElixrB;
import dev.elixr.models.qformer.ItcLoss;
import dev.elixr.models.qformer.StageOneLoss;
import dev.elixr.models.qformer.TextBatch;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.tasks.data.Seeds;
import dev.elixr.tasks.progress.Progress;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * ELIXR-B stage 1 (Xu et al. 2023, §2.2; BLIP-2 §3.2): the Q-Former learns ITC + ITM + ITG over cached image tokens of
 * the frozen ELIXR-C tower. AdamW (β 0.9/0.98) with linear warm-up and cosine decay, gradient clipping, the validation
 * loss each epoch, atomic checkpoints. Every step is a pure function of (seed, step) and the restored state (batch
 * order by epoch, ITM's hard negatives by step, no dropout), so a stopped run resumes bitwise. A {@link NumericalGuard}
 * stops the run at the first NaN/Inf in a loss term or the gradients.
 */
public final class QFormerTraining {
    /**
     * Data feeding (augmentation does not apply: the image tokens are fixed), optimiser and session as for ELIXR-C, and
     * the texts a step trains on ({@link Texts}; the full reports when null).
     */
    public record Config(ContrastiveTraining.Data data, ContrastiveTraining.Optimisation optimisation, ContrastiveTraining.Session session,
                         Texts texts, ItcLoss.QueryPooling itcQueryPooling) {
        public Config {
            if (data == null || optimisation == null || session == null)
                throw new IllegalArgumentException("train elixr-b: data, optimisation and session settings are all required");
            if (texts == null) texts = Texts.FULL;
            if (itcQueryPooling == null) itcQueryPooling = ItcLoss.QueryPooling.MAX;
        }

        /** ITC's similarity BLIP-2's max over the queries. */
        public Config(ContrastiveTraining.Data data, ContrastiveTraining.Optimisation optimisation, ContrastiveTraining.Session session, Texts texts) {
            this(data, optimisation, session, texts, ItcLoss.QueryPooling.MAX);
        }

        /** On the full reports. */
        public Config(ContrastiveTraining.Data data, ContrastiveTraining.Optimisation optimisation, ContrastiveTraining.Session session) {
            this(data, optimisation, session, Texts.FULL);
        }

        /** This configuration training on the given texts. */
        public Config withTexts(Texts t) { return new Config(data, optimisation, session, t, itcQueryPooling); }

        /** This configuration with ITC's similarity over the queries pooled as given ({@link ItcLoss.QueryPooling}). */
        public Config withItcQueryPooling(ItcLoss.QueryPooling p) { return new Config(data, optimisation, session, texts, p); }

        public long seed() { return session.seed(); }

        public boolean resume() { return session.resume(); }
    }

    /**
     * The texts of a training step, drawn by ELIXR-C's sampler ({@link TextSampler}, the same stream of
     * {@link Seeds#textSampling}): the IMPRESSION alone with probability {@code impressionOnly}, else a random subset of
     * the report's sentences with probability {@code sentenceSampling}, else the full report. The same text feeds ITC,
     * ITM and ITG; the validation loss reads the full reports.
     */
    public record Texts(double impressionOnly, double sentenceSampling) {
        /** The full report every step. */
        public static final Texts FULL = new Texts(0, 0);

        public Texts {
            if (!(impressionOnly >= 0 && impressionOnly <= 1))
                throw new IllegalArgumentException("--impression-only " + impressionOnly + ": a probability, in [0, 1]");
            if (!(sentenceSampling >= 0 && sentenceSampling <= 1))
                throw new IllegalArgumentException("--sentence-sampling " + sentenceSampling + ": a probability, in [0, 1]");
        }

        public boolean sampled() { return impressionOnly > 0 || sentenceSampling > 0; }

        /** ELIXR-C's objective drawing these texts (its duplicate key is ELIXR-B's: the same normalised text). */
        ContrastiveObjective objective() {
            return new ContrastiveObjective(DuplicatePolicy.MASK, DuplicateKey.TEXT, 0, sentenceSampling, impressionOnly);
        }
    }

    /** A split as stage 1 reads it: image tokens, the paired report encodings (unpadded), their duplicate groups. */
    public record Pairs(ImageTokenCache.Tokens images, List<Encoding> texts, long[] groups, int padId) {
        public Pairs {
            if (texts.size() != images.count() || groups.length != images.count())
                throw new IllegalArgumentException(images.count() + " images but " + texts.size() + " texts and " + groups.length + " groups");
        }

        int count() { return images.count(); }

        Var tokens(int[] rows) { return Var.of(images.batch(rows)); }

        TextBatch text(int[] rows) {
            TokenBatch t = TokenBatch.of(texts, rows, padId);
            return new TextBatch(t.ids(), t.mask(), t.batch(), t.length());
        }

        long[] groups(int[] rows) {
            long[] g = new long[rows.length];
            for (int i = 0; i < rows.length; i++) g[i] = groups[rows[i]];
            return g;
        }
    }

    /** A finished (or stopped) training. */
    public record Outcome(ElixrB model, TrainingHistory history, long steps, long totalSteps, long resumedFrom, double seconds,
                          double imagesPerSecond) {
        RunInfo.Session session() { return new RunInfo.Session(resumedFrom, steps, totalSteps, seconds, imagesPerSecond); }
    }

    private QFormerTraining() {}

    /** On the full reports of {@code train} (the sampled texts of {@link Config#texts} need the studies: {@link QFormerTrainingJob}). */
    public static Outcome train(ElixrB model, Pairs train, Pairs val, Config cfg, Checkpoints checkpoints, PrintStream log)
            throws IOException {
        if (cfg.texts().sampled())
            throw new IllegalArgumentException("train elixr-b: sampled texts need the training studies; train through QFormerTrainingJob");
        return train(model, train, null, val, cfg, checkpoints, log);
    }

    /** texts: the sampler of the training texts, or null for the full reports of {@code train}. */
    static Outcome train(ElixrB model, Pairs train, TextSampler texts, Pairs val, Config cfg, Checkpoints checkpoints, PrintStream log)
            throws IOException {
        var optimisation = cfg.optimisation();
        var session = cfg.session();
        int n = train.count(), batch = Math.min(cfg.data().batch(), n);
        long stepsPerEpoch = n / batch, total = stepsPerEpoch * cfg.data().epochs();
        if (stepsPerEpoch == 0 || batch < 2) throw new IllegalArgumentException("train elixr-b: " + n + " training images are fewer than a batch of 2");
        var opt = new AdamW(ParamGroup.decayAndNoDecay(model, optimisation.weightDecay()), optimisation.lr(), 0.9, 0.98, 1e-6);
        var schedule = new CosineSchedule(optimisation.lr(), Math.round(total * optimisation.warmupFraction()), total, optimisation.lr() * 0.01);
        Resumption resumption = Resumption.of(session.resume(), checkpoints, model, opt, total, log);
        long step = resumption.step();
        TrainingHistory history = resumption.history();
        long resumedFrom = step;
        long stop = session.stopAfterStep() > 0 ? Math.min(total, session.stopAfterStep()) : total;
        Progress progress = new Progress("train elixr-b", (stop - step) * batch, "img");
        NumericalGuard guard = new NumericalGuard(model, opt, checkpoints.diagnostics());
        long t0 = System.nanoTime();
        double recent = Double.NaN;
        while (step < stop) {
            int epoch = (int) (step / stepsPerEpoch);
            int[] order = ContrastiveTraining.permutation(n, session.seed(), epoch);
            int[] rows = Arrays.copyOfRange(order, (int) (step % stepsPerEpoch) * batch, (int) (step % stepsPerEpoch + 1) * batch);
            model.train();
            double lr = schedule.apply(opt, step + 1);
            opt.zeroGrad();
            guard.beginStep(step + 1);
            TextBatch text;
            long[] groups;
            if (texts == null) {
                text = train.text(rows);
                groups = train.groups(rows);
            } else {
                TextSampler.Batch b = texts.batch(rows, step);
                TokenBatch t = TokenBatch.of(b.encodings(), b.rows(), train.padId());
                text = new TextBatch(t.ids(), t.mask(), t.batch(), t.length());
                groups = b.groups();
            }
            StageOneLoss.Terms terms = model.loss(train.tokens(rows), text, groups, cfg.itcQueryPooling(),
                    new SplittableRandom(Seeds.hardNegatives(session.seed(), step)));
            guard.checkLoss("itc", terms.itc().item());
            guard.checkLoss("itm", terms.itm().item());
            guard.checkLoss("itg", terms.itg().item());
            terms.total().backward();
            guard.checkGradients("stage-1", GradClip.clipGlobalNorm(model.trainableParameters(), optimisation.gradClip()));
            opt.step();
            step++;
            double l = terms.total().item();
            recent = Double.isNaN(recent) ? l : 0.9 * recent + 0.1 * l;
            history.steps().add(new TrainingHistory.Step(step, l, lr, model.temperature()));
            progress.advance(batch, String.format(Locale.ROOT, "epoch %d, loss %.3f (itc %.3f itm %.3f itg %.3f)", epoch + 1, recent,
                    terms.itc().item(), terms.itm().item(), terms.itg().item()));
            if (step % stepsPerEpoch == 0) {
                double vl = validationLoss(model, val, batch, session.seed(), cfg.itcQueryPooling());
                double tl = history.steps().stream().skip(Math.max(0, history.steps().size() - stepsPerEpoch))
                        .mapToDouble(TrainingHistory.Step::loss).average().orElse(Double.NaN);
                history.epochs().add(new TrainingHistory.Epoch(epoch + 1, step, tl, vl));
                log.printf(Locale.ROOT, "elixr: epoch %d/%d: train loss %.4f, validation loss %.4f%n", epoch + 1, cfg.data().epochs(), tl, vl);
            }
            if ((session.checkpointEvery() > 0 && step % session.checkpointEvery() == 0) || step == stop)
                checkpoints.save(Checkpoint.capture(model, opt, step).withSchedule(schedule)
                        .with("history", ContrastiveTraining.writeHistory(history)));
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Outcome(model, history, step, total, resumedFrom, secs, (step - resumedFrom) * batch / Math.max(secs, 1e-9));
    }

    /** The mean stage-1 loss over full validation batches, without a graph; ITM's negatives drawn from a fixed stream. */
    static double validationLoss(ElixrB model, Pairs val, int batch, long seed, ItcLoss.QueryPooling pooling) {
        int b = Math.min(batch, val.count());
        if (b < 2) return Double.NaN;
        model.eval();
        double sum = 0;
        int count = 0;
        try (var g = GradMode.noGrad()) {
            for (int s = 0; s + b <= val.count(); s += b) {
                int[] rows = new int[b];
                for (int i = 0; i < b; i++) rows[i] = s + i;
                sum += model.loss(val.tokens(rows), val.text(rows), val.groups(rows), pooling, new SplittableRandom(Seeds.hardNegatives(seed, -1 - count)))
                        .total().item();
                count++;
            }
        }
        model.train();
        return sum / count;
    }
}
