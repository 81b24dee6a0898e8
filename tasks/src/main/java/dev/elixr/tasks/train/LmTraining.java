package dev.elixr.tasks.train;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.ShardedBackward;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Checkpoint;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.autograd.optim.CosineSchedule;
import dev.elixr.autograd.optim.GradClip;
import dev.elixr.autograd.optim.ParamGroup;
import dev.elixr.models.llm.CausalLmLoss;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.tasks.progress.Progress;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The training loop of the report language model ({@code elixr train lm}): next-token cross-entropy (Hugging Face's
 * shifted causal-LM loss, {@link CausalLmLoss}) over batches of whole reports, each row {@code <s> report </s>}
 * right-padded to the batch's longest with its padding not counted; each epoch's shuffled reports are grouped by length
 * within windows of {@link #BUCKET} batches ({@link #rows}), so that little of a batch is padding; a step runs its
 * batch as {@link #SHARDS} shards side by side ({@link #backwardInShards}). AdamW (β 0.9/0.95, as Llama) with linear warm-up
 * and cosine decay to 1%, global-norm clipping, the validation perplexity after each epoch, atomic checkpoints. Every
 * step is a pure function of (seed, step) and the restored state (the batch order by epoch, no dropout), so a stopped
 * run resumes bitwise. A {@link NumericalGuard} stops the run at the first NaN/Inf.
 */
public final class LmTraining {
    /**
     * Passes over the data (0: as many as {@link #AUTO_STEPS} steps need, at least one) and rows per batch; optimiser and
     * session settings as for the other trainings.
     */
    public record Config(int epochs, int batch, ContrastiveTraining.Optimisation optimisation, ContrastiveTraining.Session session) {
        public Config {
            if (epochs < 0 || epochs > 100_000) throw new IllegalArgumentException("--epochs " + epochs + ": must be in [0, 100000] (0: enough for " + AUTO_STEPS + " steps)");
            if (batch < 1 || batch > 65_536) throw new IllegalArgumentException("--batch " + batch + ": must be in [1, 65536]");
            if (optimisation == null || session == null) throw new IllegalArgumentException("train lm: optimisation and session settings are required");
        }

        public long seed() { return session.seed(); }

        public boolean resume() { return session.resume(); }

        /** The passes over n training reports: the epochs asked for, or with 0 the fewest that make {@link #AUTO_STEPS} steps. */
        public int epochs(int n) {
            if (epochs > 0) return epochs;
            long perEpoch = Math.max(1, n / Math.max(1, Math.min(batch, n)));
            return (int) Math.max(1, (AUTO_STEPS + perEpoch - 1) / perEpoch);
        }
    }

    /** The steps {@code --epochs 0} trains for (rounded up to whole epochs). */
    public static final int AUTO_STEPS = 250;

    /** Token rows, each {@code <s> … </s>} (at most the context long), and the padding id. */
    public record Corpus(List<int[]> rows, int padId) {
        public Corpus {
            rows = List.copyOf(rows);
            for (int[] r : rows) if (r.length < 2) throw new IllegalArgumentException("a row of " + r.length + " tokens has nothing to predict");
        }

        public int count() { return rows.size(); }

        /** Tokens predicted over the corpus (each row's all but its first). */
        public long predicted() { return rows.stream().mapToLong(r -> r.length - 1).sum(); }

        /** Rows right-padded to the longest: ids [B·T] and labels [B·T] with the padding {@link CausalLmLoss#IGNORE}. */
        Batch batch(int[] which) {
            int t = 0;
            for (int i : which) t = Math.max(t, rows.get(i).length);
            int[] ids = new int[which.length * t], labels = new int[which.length * t];
            Arrays.fill(ids, padId);
            Arrays.fill(labels, CausalLmLoss.IGNORE);
            for (int b = 0; b < which.length; b++) {
                int[] r = rows.get(which[b]);
                System.arraycopy(r, 0, ids, b * t, r.length);
                System.arraycopy(r, 0, labels, b * t, r.length);
            }
            return new Batch(ids, labels, which.length, t);
        }
    }

    record Batch(int[] ids, int[] labels, int rows, int length) {
        Var loss(LlamaModel m) { return m.nextTokenLoss(ids, labels, rows, length); }

        int predicted() { return CausalLmLoss.counted(labels, length); }
    }

    /** Mean negative log-likelihood per predicted token (nats) and its exponential, the perplexity. */
    public record Perplexity(double nll, long tokens) {
        public double value() { return Math.exp(nll); }
    }

    /** A finished (or stopped) training. */
    public record Outcome(TrainingHistory history, long steps, long totalSteps, long resumedFrom, double seconds, double tokensPerSecond) {
        RunInfo.Session session() { return new RunInfo.Session(resumedFrom, steps, totalSteps, seconds, tokensPerSecond); }
    }

    /**
     * Shards of each batch for {@link ShardedBackward}: a small LM's products and loops split across two cores leave one
     * waiting at their barriers; two shards of the batch run one core each. Fixed (not the thread count) so that a
     * run's bits do not depend on the machine's cores ({@code -Delixr.lm.shards=1}: the batch whole).
     */
    static final int SHARDS = Integer.getInteger("elixr.lm.shards", 2);

    private LmTraining() {}

    /**
     * One step's loss and gradients: the batch's rows in {@link #SHARDS} shards of about equal length
     * ({@link ShardedBackward#partition}), each padded to its own longest row, its mean loss weighted by its share of
     * the batch's predicted tokens.
     */
    static double backwardInShards(LlamaModel model, Corpus corpus, int[] which, int predicted) {
        if (SHARDS < 1) throw new IllegalArgumentException("-Delixr.lm.shards=" + SHARDS + ": must be >= 1");
        int[] lengths = new int[which.length];
        for (int i = 0; i < which.length; i++) lengths[i] = corpus.rows().get(which[i]).length;
        int[][] shards = ShardedBackward.partition(lengths, SHARDS);
        Batch[] parts = new Batch[shards.length];
        for (int s = 0; s < shards.length; s++) {
            int[] rows = new int[shards[s].length];
            for (int i = 0; i < rows.length; i++) rows[i] = which[shards[s][i]];
            parts[s] = rows.length == 0 ? null : corpus.batch(rows);
        }
        return ShardedBackward.run(parts.length, s -> {
            Batch part = parts[s];
            if (part == null || part.predicted() == 0) return null;
            Var loss = part.loss(model);
            return part.predicted() == predicted ? loss : loss.mul(part.predicted() / (float) predicted);
        });
    }

    public static Outcome train(LlamaModel model, Corpus train, Corpus val, Config cfg, Checkpoints checkpoints, PrintStream log)
            throws IOException {
        var optimisation = cfg.optimisation();
        var session = cfg.session();
        int n = train.count(), batch = Math.min(cfg.batch(), n);
        int epochs = cfg.epochs(n);
        long stepsPerEpoch = n / Math.max(batch, 1), total = stepsPerEpoch * epochs;
        if (stepsPerEpoch == 0) throw new IllegalArgumentException("train lm: no training reports");
        var opt = new AdamW(ParamGroup.decayAndNoDecay(model, optimisation.weightDecay()), optimisation.lr(), 0.9, 0.95, 1e-8);
        var schedule = new CosineSchedule(optimisation.lr(), Math.round(total * optimisation.warmupFraction()), total, optimisation.lr() * 0.01);
        Resumption resumption = Resumption.of(session.resume(), checkpoints, model, opt, total, log);
        long step = resumption.step();
        TrainingHistory history = resumption.history();
        long resumedFrom = step, tokens = 0;
        long stop = session.stopAfterStep() > 0 ? Math.min(total, session.stopAfterStep()) : total;
        Progress progress = new Progress("train lm", (stop - step) * batch, "reports");
        NumericalGuard guard = new NumericalGuard(model, opt, checkpoints.diagnostics());
        long t0 = System.nanoTime();
        double recent = Double.NaN;
        model.train();
        while (step < stop) {
            int epoch = (int) (step / stepsPerEpoch);
            int[] order = ContrastiveTraining.permutation(n, session.seed(), epoch);
            int[] which = rows(train, order, batch, step % stepsPerEpoch);
            Batch b = train.batch(which);
            double lr = schedule.apply(opt, step + 1);
            opt.zeroGrad();
            guard.beginStep(step + 1);
            double l = backwardInShards(model, train, which, b.predicted());
            guard.checkLoss("next-token", l);
            guard.checkGradients("next-token", GradClip.clipGlobalNorm(model.trainableParameters(), optimisation.gradClip()));
            opt.step();
            step++;
            tokens += b.predicted();
            recent = Double.isNaN(recent) ? l : 0.9 * recent + 0.1 * l;
            history.steps().add(new TrainingHistory.Step(step, l, lr, 0));
            progress.advance(batch, String.format(Locale.ROOT, "epoch %d, loss %.3f (perplexity %.2f)", epoch + 1, recent, Math.exp(recent)));
            if (step % stepsPerEpoch == 0) {
                Perplexity vp = val.count() == 0 ? new Perplexity(Double.NaN, 0) : perplexity(model, val, batch);
                double tl = history.steps().stream().skip(Math.max(0, history.steps().size() - stepsPerEpoch))
                        .mapToDouble(TrainingHistory.Step::loss).average().orElse(Double.NaN);
                history.epochs().add(new TrainingHistory.Epoch(epoch + 1, step, tl, vp.nll()));
                log.printf(Locale.ROOT, "elixr: epoch %d/%d: train loss %.4f, validation loss %.4f, validation perplexity %.3f%n",
                        epoch + 1, epochs, tl, vp.nll(), vp.value());
            }
            if ((session.checkpointEvery() > 0 && step % session.checkpointEvery() == 0) || step == stop)
                checkpoints.save(Checkpoint.capture(model, opt, step).withSchedule(schedule)
                        .with("history", ContrastiveTraining.writeHistory(history)));
        }
        progress.finish();
        model.eval();
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Outcome(history, step, total, resumedFrom, secs, tokens / Math.max(secs, 1e-9));
    }

    /**
     * Batches drawn together for {@link #rows}: they share out rows of similar length, so that little is padding. 50 as
     * the mega-batches of Hugging Face's {@code LengthGroupedSampler}: on the demo's instruction rows (batch 8) 2.3% of
     * the padded positions are padding, against 8.7% with windows of 8 batches (and 4.8% of the attention's T² work
     * against 17%).
     */
    static final int BUCKET = 50;

    /**
     * The rows of step k of an epoch whose order is given: the epoch's order cut into windows of {@link #BUCKET}
     * batches, each window's rows sorted by length (then position) and cut into batches, which the window's steps take
     * in an order shuffled from the window's first row (a pure function of the epoch's order): the steps of a window do
     * not sweep from its shortest rows to its longest, which on instruction rows would also be a sweep over the tasks.
     */
    static int[] rows(Corpus c, int[] order, int batch, long k) {
        int window = BUCKET * batch, start = (int) (k * batch / window * window);
        int end = Math.min(start + window, order.length / batch * batch);
        Integer[] w = new Integer[end - start];
        for (int i = 0; i < w.length; i++) w[i] = i;
        w = Arrays.stream(w).sorted(java.util.Comparator.comparingInt((Integer i) -> c.rows().get(order[start + i]).length)
                .thenComparingInt(i -> i)).toArray(Integer[]::new);
        int slice = batchOrder(order[start], start, w.length / batch)[(int) (k - start / batch)];
        int[] out = new int[batch];
        for (int i = 0; i < batch; i++) out[i] = order[start + w[slice * batch + i]];
        return out;
    }

    /** A permutation of a window's n batches, seeded by its first row and position (Fisher–Yates). */
    private static int[] batchOrder(int firstRow, int start, int n) {
        var rng = new java.util.SplittableRandom(firstRow * 0x9E3779B97F4A7C15L + start);
        int[] p = java.util.stream.IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * The model's perplexity on a corpus (every row's tokens after its first), without a graph; the rows batched in
     * order of length (then position), so that a batch is hardly padded.
     */
    public static Perplexity perplexity(LlamaModel model, Corpus c, int batch) {
        boolean training = model.isTraining();
        model.eval();
        double sum = 0;
        long count = 0;
        int[] byLength = java.util.stream.IntStream.range(0, c.count()).boxed()
                .sorted(java.util.Comparator.comparingInt((Integer i) -> c.rows().get(i).length).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        try (var g = GradMode.noGrad()) {
            for (int s = 0; s < c.count(); s += batch) {
                int[] rows = java.util.Arrays.copyOfRange(byLength, s, Math.min(c.count(), s + batch));
                Batch b = c.batch(rows);
                int k = b.predicted();
                sum += (double) b.loss(model).item() * k;
                count += k;
            }
        }
        model.train(training);
        return new Perplexity(count == 0 ? Double.NaN : sum / count, count);
    }
}
