package dev.elixr.bench;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.autograd.optim.GradClip;
import dev.elixr.autograd.optim.ParamGroup;
import dev.elixr.models.elixr.DuplicatePolicy;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.ElixrCTrainingJob;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.cpu.MachineProfile;
import dev.elixr.tensor.random.SplitMix64;

import java.util.Arrays;
import java.util.Locale;

/**
 * {@code elixr bench train}: one training step of {@code elixr demo}'s ELIXR-C — its conv image tower and small BERT
 * text tower ({@link ElixrCTrainingJob#defaultModel} with the "conv" encoder), the duplicate-masked CLIP loss
 * ({@link ElixrC#contrast}), gradients clipped to a global norm of 1 and AdamW as {@link ContrastiveTraining} sets them
 * up — on synthetic inputs, beside the same model written in PyTorch ({@code train_bench.py}, run by
 * {@link TorchTrainStep}). Inputs follow one formula on both sides: pixels ~ N(0,1); text b has
 * {@code tokens − (7b mod tokens/2)} real tokens padded to {@code tokens} (as the demo pads a batch to its longest
 * text; elixr's text tower encodes them in {@link dev.elixr.models.text.LengthGroups}, each padded to its group's
 * longest, as the demo's training does, while the PyTorch twin runs the padded batch as written); token t of text b is {@code 1 + (31b + 17t) mod (vocab − 1)}; pair b is in duplicate group
 * {@code b mod (batch − 4)}, so four pairs are masked out of the softmaxes. Data loading and augmentation are not part
 * of the step (the training command's img/s includes them).
 */
public final class TrainStepComparison {
    /** The demo's vocabulary size: the WordPiece vocabulary built from its synthetic reports (seed 1). */
    public static final int DEMO_VOCAB = 281;

    /** batch, image side, text length in tokens, vocabulary; untimed warm-up seconds and timed steps. */
    public record Options(int batch, int size, int tokens, int vocab, double warmupSeconds, int steps, boolean withTorch) {
        public Options {
            if (batch < 5) throw new IllegalArgumentException("--batch " + batch + ": must be >= 5 (four pairs are duplicates)");
            if (size < 16) throw new IllegalArgumentException("--size " + size + ": must be >= 16 (four stride-2 stages)");
            if (tokens < 4 || tokens > 128) throw new IllegalArgumentException("--tokens " + tokens + ": must be in [4, 128] (the text tower's positions)");
            if (vocab < 2) throw new IllegalArgumentException("--vocab " + vocab + ": must be >= 2");
            if (steps < 1) throw new IllegalArgumentException("--steps " + steps + ": must be >= 1");
        }

        public static Options demo() { return new Options(32, 96, 64, DEMO_VOCAB, 10, 10, true); }
    }

    /** One side's figures: median wall seconds and process CPU seconds per step, parameters, forward GFLOP per step. */
    public record Side(double secondsPerStep, double cpuSecondsPerStep, long parameters, double forwardGflop) {
        public double imagesPerSecond(int batch) { return batch / secondsPerStep; }
    }

    /** Ours, torch's (null when unavailable), the options, ISA and thread count. */
    public record Result(Options options, Side ours, Side torch, String isa, int threads) {
        public Double ratio() { return torch == null ? null : ours.imagesPerSecond(options.batch()) / torch.imagesPerSecond(options.batch()); }

        public String json() {
            return String.format(Locale.ROOT, "{\"batch\":%d,\"size\":%d,\"tokens\":%d,\"vocab\":%d,\"isa\":\"%s\",\"threads\":%d,"
                            + "\"images_per_second\":%.2f,\"cpu_ms_per_image\":%.3f,\"parameters\":%d,\"forward_gflop\":%.4f,"
                            + "\"torch_images_per_second\":%s,\"torch_cpu_ms_per_image\":%s,\"torch_parameters\":%s,\"torch_forward_gflop\":%s}",
                    options.batch(), options.size(), options.tokens(), options.vocab(), isa, threads,
                    ours.imagesPerSecond(options.batch()), 1e3 * ours.cpuSecondsPerStep() / options.batch(), ours.parameters(), ours.forwardGflop(),
                    torch == null ? "null" : String.format(Locale.ROOT, "%.2f", torch.imagesPerSecond(options.batch())),
                    torch == null ? "null" : String.format(Locale.ROOT, "%.3f", 1e3 * torch.cpuSecondsPerStep() / options.batch()),
                    torch == null ? "null" : Long.toString(torch.parameters()),
                    torch == null ? "null" : String.format(Locale.ROOT, "%.4f", torch.forwardGflop()));
        }

        public String table() {
            int b = options.batch();
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "ELIXR-C demo training step: batch %d, %dx%d grey images, %d-token texts (padded; vocabulary %d; elixr encodes them in length groups, torch the padded batch), conv tower + 2-layer BERT,%n"
                            + "CLIP loss with duplicates masked, global-norm clipping, AdamW. ISA %s, %d threads (torch too); median of %d steps each, in blocks of 5 alternated with torch's (2 untimed steps at each switch).%n",
                    b, options.size(), options.size(), options.tokens(), options.vocab(), isa, threads, options.steps()));
            sb.append(String.format(Locale.ROOT, "%-8s %10s %14s %12s %14s%n", "", "img/s", "CPU ms/img", "parameters", "fwd GFLOP/step"));
            sb.append(row("elixr", ours, b));
            sb.append(torch != null ? row("torch", torch, b) : options.withTorch()
                    ? "torch    n/a (Debian's /usr/bin/python3 with python3-torch not found, or the script failed)\n" : "torch    skipped (--no-torch)\n");
            if (torch != null)
                sb.append(String.format(Locale.ROOT, "ratio    %9.2fx (elixr img/s / torch img/s; CPU time: %.2fx)%n", ratio(),
                        torch.cpuSecondsPerStep() / ours.cpuSecondsPerStep()));
            sb.append("(CPU ms/img: the whole process's CPU time, all threads; on a shared machine it is disturbed less than img/s,\n"
                    + " except torch's on 2+ threads, whose OpenMP workers spin while they wait: there compare at --threads 1)\n");
            return sb.toString();
        }

        private static String row(String name, Side s, int batch) {
            return String.format(Locale.ROOT, "%-8s %10.1f %14.2f %,12d %14.3f%n", name, s.imagesPerSecond(batch),
                    1e3 * s.cpuSecondsPerStep() / batch, s.parameters(), s.forwardGflop());
        }
    }

    private TrainStepComparison() {}

    /** Timed steps per block when ours and torch's alternate. */
    static final int BLOCK_STEPS = 5;
    /** Untimed steps that open a block following the other side's (a process that waited idle runs slower for a while). */
    static final int SWITCH_STEPS = 2;

    /**
     * Ours warmed up, then torch's (its own warm-up steps), then blocks of {@value #BLOCK_STEPS} timed steps alternated in
     * pairs — ours, torch's, torch's, ours, … — until each side has {@code steps}, so that a slow stretch of the machine falls
     * on both alike; a block that follows the other side's starts with {@value #SWITCH_STEPS} untimed steps (see
     * {@link Timing#sideBySide}); each side's median step.
     */
    public static Result run(Options o) {
        var step = step(o);
        long start = System.nanoTime();
        for (int i = 0; i < 3 || System.nanoTime() - start < o.warmupSeconds() * 1e9; i++) step.getAsDouble();
        double[][] ours = new double[2][o.steps()], theirs = new double[2][o.steps()];
        int done = 0, torchDone = 0;
        TorchTrainStep torch = o.withTorch() ? TorchTrainStep.start(o, Parallel.threads()) : null;
        try {
            for (int block = 0; done < o.steps() || (torch != null && torchDone < o.steps()); block++)
                for (int side = 0; side < 2; side++) {
                    boolean oursTurn = (side == 0) == (block % 2 == 0);
                    if (oursTurn && done < o.steps()) {
                        if (side == 1) for (int i = 0; i < SWITCH_STEPS; i++) step.getAsDouble();
                        int e = Math.min(o.steps(), done + BLOCK_STEPS);
                        timeSteps(step, ours, done, e);
                        done = e;
                    } else if (!oursTurn && torch != null && torchDone < o.steps()) {
                        int n = Math.min(BLOCK_STEPS, o.steps() - torchDone);
                        double[][] t = side == 1 && torchSteps(torch, SWITCH_STEPS) == null ? null : torchSteps(torch, n);
                        if (t == null) {
                            torch.close();
                            torch = null;
                            continue;
                        }
                        for (int r = 0; r < 2; r++) System.arraycopy(t[r], 0, theirs[r], torchDone, n);
                        torchDone += n;
                    }
                }
        } finally {
            if (torch != null) torch.close();
        }
        Side oursSide = new Side(median(ours[0]), median(ours[1]), model(o).parameterCount(), forwardFlops(o) / 1e9);
        Side torchSide = torch == null ? null : new Side(median(theirs[0]), median(theirs[1]), torch.parameters, torch.forwardGflop);
        return new Result(o, oursSide, torchSide, MachineProfile.current().isa(), Parallel.threads());
    }

    /** Runs steps into times[0][from, to) (wall seconds) and times[1][from, to) (process CPU seconds). */
    private static void timeSteps(java.util.function.DoubleSupplier step, double[][] times, int from, int to) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int i = from; i < to; i++) {
            long t0 = System.nanoTime(), c0 = os.getProcessCpuTime();
            step.getAsDouble();
            times[0][i] = (System.nanoTime() - t0) / 1e9;
            times[1][i] = (os.getProcessCpuTime() - c0) / 1e9;
        }
    }

    private static double[][] torchSteps(TorchTrainStep torch, int n) {
        try {
            return torch.steps(n);
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("torch comparison stopped: " + e.getMessage());
            return null;
        }
    }

    /** The demo's model for this bench: the "conv" tower at the image size, the text tower over {@code vocab} tokens. */
    public static ElixrC model(Options o) {
        ElixrCConfig c = ElixrCTrainingJob.defaultModel("conv", o.size());
        return new ElixrC(c.withText(c.text().withVocabSize(o.vocab())), new SplitMix64(0));
    }

    /** A prepared training step on fixed synthetic inputs, as {@link ContrastiveTraining} runs it; returns the loss. */
    public static java.util.function.DoubleSupplier step(Options o) {
        ElixrC model = model(o);
        var optimisation = ContrastiveTraining.Optimisation.adamW(3e-3);
        var opt = new AdamW(ParamGroup.decayAndNoDecay(model, optimisation.weightDecay()), optimisation.lr(), 0.9, 0.98, 1e-6);
        Var pixels = Var.of(Tensor.randn(1, o.batch(), 1, o.size(), o.size()));
        TokenBatch tokens = tokens(o);
        long[] groups = groups(o.batch());
        model.train();
        return () -> {
            opt.zeroGrad();
            Var loss = model.contrast(pixels, tokens, groups, DuplicatePolicy.MASK, null).loss();
            double l = loss.item();
            loss.backward();
            GradClip.clipGlobalNorm(model.trainableParameters(), optimisation.gradClip());
            opt.step();
            return l;
        };
    }

    static TokenBatch tokens(Options o) {
        int b = o.batch(), t = o.tokens();
        int[] ids = new int[b * t], mask = new int[b * t];
        for (int i = 0; i < b; i++) {
            int real = t - (7 * i) % (t / 2);
            for (int k = 0; k < t; k++) {
                ids[i * t + k] = 1 + (31 * i + 17 * k) % (o.vocab() - 1);
                mask[i * t + k] = k < real ? 1 : 0;
            }
        }
        return new TokenBatch(ids, mask, b, t);
    }

    static long[] groups(int batch) {
        long[] g = new long[batch];
        for (int i = 0; i < batch; i++) g[i] = i % (batch - 4);
        return g;
    }

    /** Forward FLOPs of one step (a multiply-add counts 2): convs, linears, attention products, the two logit matrices. */
    public static double forwardFlops(Options o) {
        ElixrCConfig c = ElixrCTrainingJob.defaultModel("conv", o.size());
        double f = 0;
        int in = 1, s = o.size();
        for (int w : c.image().convWidths()) {
            s = (s + 1) / 2;
            f += 2.0 * o.batch() * w * s * s * in * 9;
            in = w;
        }
        f += 2.0 * o.batch() * in * s * s * c.image().features();
        var bert = c.text().bertConfig();
        f += ModelFlops.bert(bert, o.batch(), o.tokens());
        f += 2.0 * o.batch() * (c.image().features() + bert.hiddenSize()) * c.embedDim();
        f += 2.0 * 2 * o.batch() * o.batch() * c.embedDim();
        return f;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
