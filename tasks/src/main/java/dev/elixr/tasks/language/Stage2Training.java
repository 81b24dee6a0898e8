package dev.elixr.tasks.language;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.ShardedBackward;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Checkpoint;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.autograd.optim.CosineSchedule;
import dev.elixr.autograd.optim.GradClip;
import dev.elixr.autograd.optim.ParamGroup;
import dev.elixr.models.softprompt.SoftPromptBatch;
import dev.elixr.models.softprompt.VisionLanguageModel;
import dev.elixr.tasks.progress.Progress;
import dev.elixr.tasks.train.Checkpoints;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.NumericalGuard;
import dev.elixr.tasks.train.Resumption;
import dev.elixr.tasks.train.RunInfo;
import dev.elixr.tasks.train.TrainingHistory;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ELIXR-B stage 2 (Xu et al. 2023, §2.2; BLIP-2 §3.3): the adapter (and, by choice, the Q-Former) learns to make the
 * frozen LLM answer from the image's soft prompt, on batches mixing the tasks in stated proportions
 * ({@link MixedBatches}); the loss counts the answer tokens only. With the Q-Former frozen its query outputs are computed
 * once per training image ({@link QueryOutputCache}) and each step's batch runs as two shards side by side, one core
 * each ({@link ShardedBackward}, {@link #SHARDS}). AdamW (β 0.9/0.98) with linear warm-up and cosine
 * decay, gradient clipping, a validation loss per task every {@code validateEvery} steps, atomic checkpoints. Each
 * step is a pure function of (seed, step) and the restored state, so a stopped run resumes bitwise. A
 * {@link NumericalGuard} stops the run at the first NaN/Inf in the loss or the gradients.
 */
public final class Stage2Training {
    /** Steps, items per step, steps between validations (0: only at the end), optimiser, session. */
    public record Config(int steps, int batch, int validateEvery, ContrastiveTraining.Optimisation optimisation, ContrastiveTraining.Session session) {
        public Config {
            if (steps < 1) throw new IllegalArgumentException("--steps " + steps + ": must be >= 1");
            if (batch < 1 || batch > 4096) throw new IllegalArgumentException("--batch " + batch + ": must be in [1, 4096]");
            if (validateEvery < 0) throw new IllegalArgumentException("--validate-every " + validateEvery + ": must be >= 0");
            if (optimisation == null || session == null) throw new IllegalArgumentException("train elixr-b --stage 2: optimisation and session are required");
        }
    }

    /** The training side (batches, images) and the validation side (a fixed item list, images). */
    public record Data(MixedBatches train, ImageTokens trainImages, List<Instruction> validation, ImageTokens validationImages) {}

    public record Outcome(TrainingHistory history, long steps, long totalSteps, long resumedFrom, double seconds, double itemsPerSecond) {
        public RunInfo.Session session() { return new RunInfo.Session(resumedFrom, steps, totalSteps, seconds, itemsPerSecond); }
    }

    /**
     * Shards of each batch for {@link ShardedBackward}: with the query outputs computed beforehand a step is the frozen
     * LLM's forward and backward on small matrices, whose per-op loops split across two cores leave one waiting; two
     * shards run one core each. Fixed (not the thread count) so that a run's bits do not depend on the machine's cores.
     */
    static final int SHARDS = Integer.getInteger("elixr.stage2.shards", 2);

    private Stage2Training() {}

    /** One step's loss and gradients from query outputs: the batch's {@link SoftPromptBatch#shards} side by side. */
    private static double backwardInShards(VisionLanguageModel model, Tensor queryOutputs, SoftPromptBatch batch, NumericalGuard guard) {
        if (SHARDS < 1) throw new IllegalArgumentException("-Delixr.stage2.shards=" + SHARDS + ": must be >= 1");
        int[][] shards = batch.shards(SHARDS);
        float loss = ShardedBackward.run(shards.length, i -> model.shareOfLoss(queryOutputs, batch, shards[i]));
        guard.checkLoss("answer", loss);
        return loss;
    }

    private static double backward(Var loss, NumericalGuard guard) {
        float l = loss.item();
        guard.checkLoss("answer", l);
        loss.backward();
        return l;
    }

    public static Outcome train(VisionLanguageModel model, InstructionEncoder encoder, Data data, Config cfg, Checkpoints checkpoints,
                                PrintStream log) throws IOException {
        var optimisation = cfg.optimisation();
        var session = cfg.session();
        long total = cfg.steps();
        var opt = new AdamW(ParamGroup.decayAndNoDecay(model, optimisation.weightDecay()), optimisation.lr(), 0.9, 0.98, 1e-6);
        var schedule = new CosineSchedule(optimisation.lr(), Math.round(total * optimisation.warmupFraction()), total, optimisation.lr() * 0.01);
        Resumption resumption = Resumption.of(session.resume(), checkpoints, model, opt, total, log);
        long step = resumption.step();
        TrainingHistory history = resumption.history();
        long resumedFrom = step;
        long stop = session.stopAfterStep() > 0 ? Math.min(total, session.stopAfterStep()) : total;
        Progress progress = new Progress("train elixr-b stage 2", (stop - step) * cfg.batch(), "item");
        NumericalGuard guard = new NumericalGuard(model, opt, checkpoints.diagnostics());
        long t0 = System.nanoTime();
        double recent = Double.NaN;
        int validations = history.epochs().size();
        ImageTokens queryOutputs = QueryOutputCache.of(model, data.trainImages());
        while (step < stop) {
            List<Instruction> items = data.train().batch(step, cfg.batch());
            SoftPromptBatch batch = encoder.batch(items, model.softTokens());
            model.train();
            double lr = schedule.apply(opt, step + 1);
            opt.zeroGrad();
            guard.beginStep(step + 1);
            double l = queryOutputs != null ? backwardInShards(model, queryOutputs.batch(items), batch, guard)
                    : backward(model.loss(Var.of(data.trainImages().batch(items)), batch), guard);
            guard.checkGradients("answer", GradClip.clipGlobalNorm(model.trainableParameters(), optimisation.gradClip()));
            opt.step();
            step++;
            recent = Double.isNaN(recent) ? l : 0.9 * recent + 0.1 * l;
            history.steps().add(new TrainingHistory.Step(step, l, lr, Double.NaN));
            progress.advance(cfg.batch(), String.format(Locale.ROOT, "step %d/%d, answer loss %.3f", step, total, recent));
            boolean validate = (cfg.validateEvery() > 0 && step % cfg.validateEvery() == 0) || step == total;
            if (validate && !data.validation().isEmpty()) {
                Map<LanguageTask, Double> vl = validationLoss(model, encoder, data.validation(), data.validationImages(), cfg.batch());
                long since = validations == 0 ? 0 : history.epochs().get(validations - 1).step();
                double tl = history.steps().stream().filter(s -> s.step() > since).mapToDouble(TrainingHistory.Step::loss).average().orElse(Double.NaN);
                double mean = vl.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
                history.epochs().add(new TrainingHistory.Epoch(++validations, step, tl, mean));
                StringBuilder per = new StringBuilder();
                vl.forEach((t, v) -> per.append(String.format(Locale.ROOT, " %s %.4f", t.id(), v)));
                log.printf(Locale.ROOT, "elixr: step %d/%d: train answer loss %.4f, validation%s%n", step, total, tl, per);
            }
            if ((session.checkpointEvery() > 0 && step % session.checkpointEvery() == 0) || step == stop)
                checkpoints.save(Checkpoint.capture(model, opt, step).withSchedule(schedule)
                        .with("history", ContrastiveTraining.writeHistory(history)));
        }
        progress.finish();
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Outcome(history, step, total, resumedFrom, secs, (step - resumedFrom) * cfg.batch() / Math.max(secs, 1e-9));
    }

    /** The mean answer loss per task over the validation items (in order, batches of {@code batch}), without a graph. */
    static Map<LanguageTask, Double> validationLoss(VisionLanguageModel model, InstructionEncoder encoder, List<Instruction> items,
                                                     ImageTokens images, int batch) {
        Map<LanguageTask, Double> out = new EnumMap<>(LanguageTask.class);
        model.eval();
        try (var g = GradMode.noGrad()) {
            for (LanguageTask t : LanguageTask.values()) {
                List<Instruction> of = items.stream().filter(i -> i.task() == t).toList();
                double sum = 0;
                int tokens = 0;
                for (int s = 0; s < of.size(); s += batch) {
                    List<Instruction> part = new ArrayList<>(of.subList(s, Math.min(of.size(), s + batch)));
                    SoftPromptBatch b = encoder.batch(part, model.softTokens());
                    int n = b.answerTokens();
                    sum += model.loss(Var.of(images.batch(part)), b).item() * n;
                    tokens += n;
                }
                if (tokens > 0) out.put(t, sum / tokens);
            }
        }
        model.train();
        return out;
    }
}
