package dev.elixr.tasks.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.GradMode;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Checkpoint;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.autograd.optim.CosineSchedule;
import dev.elixr.autograd.optim.GradClip;
import dev.elixr.autograd.optim.Optimizer;
import dev.elixr.autograd.optim.ParamGroup;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.models.text.WordPieceTokenizer;
import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tasks.data.Seeds;
import dev.elixr.tasks.progress.Progress;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Contrastive image-report training of ELIXR-C (ELIXR section 2.1): AdamW (β 0.9/0.98) with linear warm-up and cosine
 * decay, gradient clipping by global norm, the validation loss each epoch, atomic checkpoints every N steps and at the
 * end. Every step is a pure function of (seed, step) and the restored state (batch order by epoch, augmentation by
 * step, no dropout), so a run killed at any moment and resumed ends bitwise where an uninterrupted run ends. A
 * {@link NumericalGuard} stops the run at the first NaN/Inf in the loss or the gradients.
 */
public final class ContrastiveTraining {
    /**
     * A training run's settings in four groups: how the data is fed ({@link Data}), the optimiser ({@link Optimisation}),
     * the contrastive objective ({@link ContrastiveObjective}) and the session ({@link Session}: seed, resuming,
     * checkpoints).
     */
    public record Config(Data data, Optimisation optimisation, ContrastiveObjective objective, Session session) {
        public Config {
            if (data == null || optimisation == null || session == null)
                throw new IllegalArgumentException("train: data, optimisation and session settings are all required");
            if (objective == null) objective = ContrastiveObjective.plain();
        }

        public Config withData(Data d) { return new Config(d, optimisation, objective, session); }

        public Config withOptimisation(Optimisation o) { return new Config(data, o, objective, session); }

        public Config withObjective(ContrastiveObjective o) { return new Config(data, optimisation, o, session); }

        public Config withSession(Session s) { return new Config(data, optimisation, objective, s); }

        public long seed() { return session.seed(); }

        public boolean resume() { return session.resume(); }
    }

    /**
     * Passes over the training images, image-report pairs per step, whether images are augmented, and in how many
     * micro-batches a step's batch is embedded and back-propagated ({@link GradientCache}: the same full-batch gradient
     * with one micro-batch's activations in memory; 1: the whole batch at once).
     */
    public record Data(int epochs, int batch, boolean augment, int accumulate) {
        public Data {
            if (epochs < 1 || epochs > 100_000) throw new IllegalArgumentException("--epochs " + epochs + ": must be in [1, 100000]");
            if (batch < 2 || batch > 65_536) throw new IllegalArgumentException("--batch " + batch + ": a contrastive batch must be in [2, 65536]");
            if (accumulate < 1 || accumulate > batch)
                throw new IllegalArgumentException("--accumulate " + accumulate + ": micro-batches per step must be in [1, --batch " + batch + "]");
        }

        /** The whole batch at once. */
        public Data(int epochs, int batch, boolean augment) { this(epochs, batch, augment, 1); }
    }

    /**
     * AdamW (β 0.9/0.98, ε 1e-6) with peak learning rate {@code lr}, decoupled weight decay (not on biases and norms),
     * linear warm-up over {@code warmupFraction} of the steps then cosine decay to lr/100, and clipping of the global
     * gradient norm at {@code gradClip}.
     */
    public record Optimisation(double lr, double weightDecay, double warmupFraction, double gradClip) {
        public Optimisation {
            if (!(lr > 0 && lr < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("--lr " + lr + ": the learning rate must be a finite number > 0");
            if (!(weightDecay >= 0 && weightDecay < Double.POSITIVE_INFINITY))
                throw new IllegalArgumentException("--weight-decay " + weightDecay + ": must be a finite number >= 0");
            if (!(warmupFraction >= 0 && warmupFraction <= 1)) throw new IllegalArgumentException("--warmup " + warmupFraction + ": the warm-up fraction must be in [0, 1]");
            if (!(gradClip > 0 && gradClip < Double.POSITIVE_INFINITY))
                throw new IllegalArgumentException("--grad-clip " + gradClip + ": the gradient-norm bound must be a finite number > 0 "
                        + "(0 would zero every gradient and a negative bound would reverse them; use a large bound such as 1e9 to clip nothing)");
        }

        /** Peak learning rate {@code lr}, weight decay 0.1, warm-up 10% of the steps, gradient norm clipped at 1. */
        public static Optimisation adamW(double lr) { return new Optimisation(lr, 0.1, 0.1, 1.0); }
    }

    /**
     * The seed every random stream derives from ({@link Seeds}), whether to continue from the run's newest checkpoint,
     * steps between checkpoints (0: only at the end), and a step to stop after (0: none; for tests of resuming).
     */
    public record Session(long seed, boolean resume, int checkpointEvery, long stopAfterStep) {
        public Session {
            if (checkpointEvery < 0) throw new IllegalArgumentException("--checkpoint-every " + checkpointEvery + ": must be >= 0 (0: only at the end)");
        }

        /** A fresh run with this seed, a checkpoint every 50 steps. */
        public static Session of(long seed) { return new Session(seed, false, 50, 0); }

        public Session resuming(boolean r) { return new Session(seed, r, checkpointEvery, stopAfterStep); }

        public Session checkpointingEvery(int steps) { return new Session(seed, resume, steps, stopAfterStep); }

        public Session stoppingAfter(long step) { return new Session(seed, resume, checkpointEvery, step); }
    }

    /** A finished (or stopped) training: the model, its curves, and how long it took. */
    public record Outcome(ElixrC model, TrainingHistory history, long steps, long totalSteps, long resumedFrom,
                          double seconds, double imagesPerSecond) {}

    private ContrastiveTraining() {}

    public static Outcome train(ElixrC model, WordPieceTokenizer tokenizer, ImageBank train, ImageBank val, Config cfg,
                                Checkpoints checkpoints, PrintStream log) throws IOException {
        int maxTokens = model.config().text().maxTokens();
        Data data = cfg.data();
        Optimisation optimisation = cfg.optimisation();
        Session session = cfg.session();
        List<Encoding> trainText = encode(tokenizer, train, maxTokens), valText = encode(tokenizer, val, maxTokens);
        int padId = tokenizer.vocab().id(WordPieceTokenizer.PAD);
        int n = train.count(), batch = Math.min(data.batch(), n);
        long stepsPerEpoch = n / batch, total = stepsPerEpoch * data.epochs();
        if (stepsPerEpoch == 0) throw new IllegalArgumentException("train: " + n + " training images are fewer than one batch of " + batch);
        if (data.accumulate() > batch)
            throw new IllegalArgumentException("--accumulate " + data.accumulate() + ": more micro-batches than the " + batch + " images of a batch");
        var opt = new AdamW(ParamGroup.decayAndNoDecay(model, optimisation.weightDecay()), optimisation.lr(), 0.9, 0.98, 1e-6);
        var schedule = new CosineSchedule(optimisation.lr(), Math.round(total * optimisation.warmupFraction()), total, optimisation.lr() * 0.01);
        long step = 0;
        TrainingHistory history = new TrainingHistory();
        ContrastiveObjective objective = cfg.objective();
        MomentumQueue queue = objective.queueSize() > 0 ? new MomentumQueue(model, objective.queueSize()) : null;
        TextSampler texts = new TextSampler(tokenizer, train.studies(), trainText, objective, maxTokens, session.seed());
        Resumption resumption = Resumption.of(session.resume(), checkpoints, model, opt, total, log);
        Checkpoint c = resumption.checkpoint();
        if (c != null && queue != null) {
            if (!c.state().isEmpty()) queue.restore(c.state());
            else queue.restart(model);
        }
        step = resumption.step();
        history = resumption.history();
        long resumedFrom = step;
        Device device = model.parameters().getFirst().value().device(); // batches go where the model lives
        long stop = session.stopAfterStep() > 0 ? Math.min(total, session.stopAfterStep()) : total;
        Progress progress = new Progress("train elixr-c", (stop - step) * batch, "img");
        NumericalGuard guard = new NumericalGuard(model, opt, checkpoints.diagnostics())
                .withTrainingState(() -> queue == null ? Map.of() : queue.state());
        long t0 = System.nanoTime();
        double recent = Double.NaN;
        while (step < stop) {
            int epoch = (int) (step / stepsPerEpoch);
            int[] order = permutation(n, session.seed(), epoch);
            int[] rows = Arrays.copyOfRange(order, (int) (step % stepsPerEpoch) * batch, (int) (step % stepsPerEpoch + 1) * batch);
            SplittableRandom aug = new SplittableRandom(Seeds.augmentation(session.seed(), step));
            Var pixels = Var.of(train.batch(rows, data.augment() ? aug : null).to(device));
            TextSampler.Batch text = texts.batch(rows, step);
            TokenBatch tokens = TokenBatch.of(text.encodings(), text.rows(), padId);
            model.train();
            double lr = schedule.apply(opt, step + 1);
            opt.zeroGrad();
            guard.beginStep(step + 1);
            Var loss;
            if (data.accumulate() > 1) {  // the same gradient, one micro-batch's activations at a time
                loss = GradientCache.backward(model, pixels.value(), text.encodings(), text.rows(), padId, text.groups(), objective,
                        queue == null ? null : queue.queue(), data.accumulate());
                guard.checkLoss("clip", loss.item());
            } else {
                ElixrC.Contrast contrast = objective.isPlain()
                        ? new ElixrC.Contrast(model.loss(pixels, tokens), null, null)
                        : model.contrast(pixels, tokens, text.groups(), objective.duplicates(), queue == null ? null : queue.queue());
                loss = contrast.loss();
                guard.checkLoss("clip", loss.item());
                loss.backward();
            }
            guard.checkGradients("clip", GradClip.clipGlobalNorm(model.trainableParameters(), optimisation.gradClip()));
            opt.step();
            if (queue != null) queue.afterStep(model, pixels, tokens, text.groups());
            step++;
            double l = loss.item();
            recent = Double.isNaN(recent) ? l : 0.9 * recent + 0.1 * l;
            history.steps().add(new TrainingHistory.Step(step, l, lr, model.temperature()));
            progress.advance(batch, String.format(Locale.ROOT, "epoch %d, loss %.3f, tau %.4f", epoch + 1, recent, model.temperature()));
            if (step % stepsPerEpoch == 0) {
                double vl = validationLoss(model, val, valText, padId, batch);
                double tl = history.steps().stream().skip(Math.max(0, history.steps().size() - stepsPerEpoch))
                        .mapToDouble(TrainingHistory.Step::loss).average().orElse(Double.NaN);
                history.epochs().add(new TrainingHistory.Epoch(epoch + 1, step, tl, vl));
                log.printf(Locale.ROOT, "elixr: epoch %d/%d: train loss %.4f, validation loss %.4f%n", epoch + 1, data.epochs(), tl, vl);
            }
            if ((session.checkpointEvery() > 0 && step % session.checkpointEvery() == 0) || step == total)
                checkpoints.save(Checkpoint.capture(model, opt, step).withSchedule(schedule).with("history", writeHistory(history))
                        .withState(queue == null ? Map.of() : queue.state()));
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Outcome(model, history, step, total, resumedFrom, secs, (step - resumedFrom) * batch / Math.max(secs, 1e-9));
    }

    /** The mean CLIP loss over full validation batches in eval mode (batch norm uses running statistics). */
    static double validationLoss(ElixrC model, ImageBank val, List<Encoding> text, int padId, int batch) {
        int b = Math.min(batch, val.count());
        if (b < 2) return Double.NaN;
        model.eval();
        double sum = 0;
        int count = 0;
        try (var g = GradMode.noGrad()) {
            for (int s = 0; s + b <= val.count(); s += b) {
                int[] rows = new int[b];
                for (int i = 0; i < b; i++) rows[i] = s + i;
                Tensor pixels = val.batch(rows, null).to(model.parameters().getFirst().value().device());
                sum += model.loss(Var.of(pixels), TokenBatch.of(text, rows, padId)).item();
                count++;
            }
        }
        model.train();
        return sum / count;
    }

    static List<Encoding> encode(WordPieceTokenizer tok, ImageBank bank, int maxTokens) {
        List<Encoding> out = new ArrayList<>(bank.count());
        for (var s : bank.studies()) out.add(tok.encode(ReportText.findingsAndImpression(s.report()), maxTokens, false));
        return out;
    }

    /** A seeded permutation of 0..n-1 for one epoch (Fisher-Yates). */
    static int[] permutation(int n, long seed, int epoch) {
        SplitMix64 rng = new SplitMix64(Seeds.batchOrder(seed, epoch));
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }

    /**
     * The checkpoint with every tensor copied from the memory-mapped file into heap arrays, so that the resumed run
     * computes on the same storage (and kernel paths) as an uninterrupted one and can update in place.
     */
    public static Checkpoint onHeap(Checkpoint c) {
        if (c == null) return null;
        var opt = c.optimizer() == null ? null
                : new Optimizer.State(heap(c.optimizer().tensors()), c.optimizer().lr(), c.optimizer().steps());
        return new Checkpoint(heap(c.model()), opt, c.step(), c.extra(), heap(c.state()));
    }

    private static Map<String, Tensor> heap(Map<String, Tensor> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, t) -> out.put(k, Tensor.wrap(t.contiguous().toFloatArray(), t.shape())));
        return out;
    }

    public static String writeHistory(TrainingHistory h) {
        try {
            return new ObjectMapper().writeValueAsString(h);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TrainingHistory readHistory(Checkpoint c) throws IOException {
        String s = c.extra().get("history");
        return s == null ? new TrainingHistory() : new ObjectMapper().readValue(s, TrainingHistory.class);
    }
}
