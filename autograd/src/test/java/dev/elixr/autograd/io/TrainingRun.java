package dev.elixr.autograd.io;

import dev.elixr.autograd.Functional;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.autograd.nn.Dropout;
import dev.elixr.autograd.nn.LayerNorm;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Sequential;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.autograd.optim.CosineSchedule;
import dev.elixr.autograd.optim.GradClip;
import dev.elixr.autograd.optim.ParamGroup;
import dev.elixr.tensor.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small but complete training run (MLP with dropout, smoothed cross-entropy, AdamW with groups, cosine
 * schedule, clipping) used by the resume tests. {@link #main} continues a run from a checkpoint in a fresh
 * JVM and writes the final parameters and optimiser state.
 */
final class TrainingRun {
    final SplitMix64 dropoutRng = new SplitMix64(42);
    final Sequential model;
    final AdamW optimizer;
    final CosineSchedule schedule = new CosineSchedule(3e-3, 2, 12, 1e-5);

    final boolean full;

    /**
     * full: GELU, LayerNorm and smoothed cross-entropy (their kernels use vector exp and lane reductions);
     * otherwise ReLU and squared error, whose kernels are plain multiply-adds in a fixed order.
     */
    TrainingRun(long initSeed, boolean full) {
        this.full = full;
        SplitMix64 init = new SplitMix64(initSeed);
        model = full
                ? new Sequential(new Linear(6, 67, true, init), Activation.GELU, new Dropout(0.2f, dropoutRng), new LayerNorm(67, 1e-5f),
                        new Linear(67, 4, true, init)) // 67 wide: full vectors and tails in the vector kernels
                : new Sequential(new Linear(6, 16, true, init), Activation.RELU, new Dropout(0.2f, dropoutRng), new Linear(16, 4, true, init));
        optimizer = new AdamW(ParamGroup.decayAndNoDecay(model, 0.05), 3e-3, 0.9, 0.999, 1e-8);
    }

    private Var loss(Tensor x, int[] targets) {
        Var out = model.forward(Var.of(x));
        if (full) return Functional.crossEntropy(out, targets, 0.1f, -100);
        float[] onehot = new float[targets.length * 4];
        for (int i = 0; i < targets.length; i++) onehot[i * 4 + targets[i]] = 1f;
        return Functional.mseLoss(out, Var.of(Tensor.wrap(onehot, targets.length, 4)));
    }

    void train(long from, long to) {
        for (long step = from; step < to; step++) {
            SplittableRandom data = new SplittableRandom(1000 + step);
            Tensor x = Tensor.normal(data, 0f, 1f, 8, 6);
            int[] targets = new int[8];
            for (int i = 0; i < 8; i++) targets[i] = data.nextInt(4);
            schedule.apply(optimizer, step);
            optimizer.zeroGrad();
            loss(x, targets).backward();
            GradClip.clipGlobalNorm(model.parameters(), 1.0);
            optimizer.step();
        }
    }

    Checkpoint checkpoint(long step) { return Checkpoint.capture(model, optimizer, step).withRng("dropout", dropoutRng).withSchedule(schedule); }

    void restore(Checkpoint c) {
        c.restore(model, optimizer);
        c.restoreRng("dropout", dropoutRng);
    }

    /** Everything that must match bitwise: parameters, buffers and optimiser state. */
    Map<String, Tensor> everything() {
        Map<String, Tensor> all = new LinkedHashMap<>(model.stateDict());
        optimizer.state().tensors().forEach((k, v) -> all.put("optim." + k, v));
        all.put("rng", Tensor.scalar(Float.intBitsToFloat((int) dropoutRng.state())));
        return all;
    }

    /**
     * args: full (true/false), then one of: "straight N out" (N steps, write state), "first K ckpt" (K steps,
     * save a checkpoint), "resume ckpt N out" (load, continue to step N, write state).
     */
    public static void main(String[] args) throws Exception {
        boolean full = Boolean.parseBoolean(args[0]);
        switch (args[1]) {
            case "straight" -> {
                TrainingRun run = new TrainingRun(1, full);
                run.train(0, Long.parseLong(args[2]));
                Safetensors.write(Path.of(args[3]), run.everything());
            }
            case "first" -> {
                TrainingRun run = new TrainingRun(1, full);
                long k = Long.parseLong(args[2]);
                run.train(0, k);
                Checkpoint.save(Path.of(args[3]), run.checkpoint(k));
            }
            case "resume" -> {
                TrainingRun run = new TrainingRun(7, full); // other initial weights: all must come from the checkpoint
                Checkpoint c = Checkpoint.load(Path.of(args[2]));
                run.restore(c);
                run.train(c.step(), Long.parseLong(args[3]));
                Safetensors.write(Path.of(args[4]), run.everything());
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[1]);
        }
    }
}
