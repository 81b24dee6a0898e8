package dev.elixr.bench;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.FrozenWeight;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.models.vision.EfficientNet;
import dev.elixr.models.vision.EfficientNetConfig;
import dev.elixr.models.vision.VisionTransformer;
import dev.elixr.models.vision.VitConfig;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.cpu.MachineProfile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code elixr bench models}: median inference time (no-grad, eval, batch 1, random weights) of ViT-B/16 at 224²,
 * BERT-base over 128 tokens and EfficientNet-B0 at 224², beside PyTorch's on the same machine and the same number of
 * threads ({@link TorchModels#pinThreads}), with model FLOP utilisation against a measured FMA peak.
 */
public final class ModelsComparison {
    public static final List<String> MODELS = List.of("vit-b16", "bert-base", "efficientnet-b0");

    /**
     * One row: our median, torch's (null when unavailable), the forward's FLOPs, the measured peak, our thread count
     * and the one torch reported (0 when torch did not run).
     */
    public record Row(String model, double ms, Double torchMs, double gflop, double peakGflops, int threads, int torchThreads, double[] roundRatios) {
        public Row(String model, double ms, Double torchMs, double gflop, double peakGflops, int threads, int torchThreads) {
            this(model, ms, torchMs, gflop, peakGflops, threads, torchThreads, new double[0]);
        }

        public Double ratio() { return torchMs == null ? null : ms / torchMs; }

        public double mfu() { return gflop / (ms / 1e3) / peakGflops; }

        public String json() {
            StringBuilder rr = new StringBuilder("[");
            for (int i = 0; i < roundRatios.length; i++) rr.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", roundRatios[i]));
            return String.format(Locale.ROOT, "{\"model\":\"%s\",\"ms\":%.3f,\"torch_ms\":%s,\"gflop\":%.3f,\"mfu\":%s,\"threads\":%d,\"torch_threads\":%d,\"round_ratios\":%s}",
                    model, ms, torchMs == null ? "null" : String.format(Locale.ROOT, "%.3f", torchMs), gflop,
                    Double.isNaN(mfu()) ? "null" : String.format(Locale.ROOT, "%.4f", mfu()), threads, torchThreads, rr.append("]"));
        }
    }

    /** C2 needs about a second or two before the Vector API kernels are compiled: warm up at least this long. */
    static final long MIN_WARMUP_NANOS = 4_000_000_000L;

    private ModelsComparison() {}

    public static List<Row> run(List<String> models, int warmup, int iters, boolean withTorch) {
        return run(models, warmup, iters, withTorch, Device.CPU);
    }

    /**
     * As above with the weights and inputs on device; each timed pass ends by reading the output back (which waits
     * for the device). MFU is left out (NaN) off the CPU: the FMA peak is the CPU's. PyTorch runs on the CPU.
     */
    public static List<Row> run(List<String> models, int warmup, int iters, boolean withTorch, Device device) {
        return run(models, warmup, iters, withTorch, device, 1);
    }

    /**
     * As above, in {@code rounds} alternations: ours (every model), then torch (every model, a fresh process), again and
     * again, so that both sides see the machine's slow and fast minutes alike. Each side's time is the median over the
     * rounds of its per-round medians; the ratio of those is the row's, and every round's own ratio is kept beside it.
     */
    public static List<Row> run(List<String> models, int warmup, int iters, boolean withTorch, Device device, int rounds) {
        if (rounds < 1) throw new IllegalArgumentException("bench models: --rounds must be >= 1, got " + rounds);
        int threads = Parallel.threads();
        double peak = device.equals(Device.CPU) ? FmaPeak.peakGflops(threads) : Double.NaN;
        List<Runnable> passes = new ArrayList<>();
        for (String m : models) passes.add(pass(m, device));
        double[][] ours = new double[models.size()][rounds], theirs = new double[models.size()][rounds];
        int torchThreads = 0;
        boolean torchRan = withTorch;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < models.size(); i++) ours[i][r] = medianMs(passes.get(i), r == 0 ? warmup : 1, iters);
            if (!torchRan) continue;
            TorchModels.Result torch = TorchModels.medianMs(models, warmup, iters, threads);
            torchThreads = torch.threads();
            for (int i = 0; i < models.size(); i++) {
                Double t = torch.medianMs().get(models.get(i));
                if (t == null) torchRan = false;
                else theirs[i][r] = t;
            }
        }
        // probed again after the passes: on a machine whose speed wanders (the KVM Zen 3 of session 19 read 52 before and
        // 74-80 GFLOP/s a core in other runs) the higher reading is the less disturbed one, and MFU divides by it
        if (device.equals(Device.CPU)) peak = Math.max(peak, FmaPeak.peakGflops(threads));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            double[] ratios = new double[torchRan ? rounds : 0];
            for (int r = 0; r < ratios.length; r++) ratios[r] = ours[i][r] / theirs[i][r];
            rows.add(new Row(models.get(i), median(ours[i]), torchRan ? median(theirs[i]) : null, flops(models.get(i)) / 1e9, peak, threads,
                    torchRan ? torchThreads : 0, ratios));
        }
        return rows;
    }

    static double median(double[] v) {
        double[] t = v.clone();
        Arrays.sort(t);
        return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
    }

    static double flops(String model) {
        return switch (model) {
            case "vit-b16" -> ModelFlops.vit(VitConfig.base16(3), 1);
            case "bert-base" -> ModelFlops.bert(BertConfig.base(), 1, 128);
            case "efficientnet-b0" -> ModelFlops.efficientNet(EfficientNetConfig.variant("b0", 3), 1, 224);
            default -> throw unknown(model);
        };
    }

    /**
     * A prepared forward pass of the named model (built, random weights, eval mode, frozen: inference, so that the
     * linear layers multiply by packed copies of their weights, {@code FrozenWeight}; {@code -Delixr.packFrozenWeights=false}
     * measures without them).
     */
    static Runnable pass(String model) { return pass(model, Device.CPU); }

    /** The same on device (weights moved with Module.to, input uploaded once). */
    static Runnable pass(String model, Device device) {
        SplittableRandom rng = new SplittableRandom(0);
        return switch (model) {
            case "vit-b16" -> {
                var vit = new VisionTransformer(VitConfig.base16(3), rng, false);
                vit.eval().freeze();
                vit.to(device);
                Var x = Var.of(Tensor.randn(1, 1, 3, 224, 224).to(device));
                yield () -> vit.forward(x).value().toCpu();
            }
            case "bert-base" -> {
                var bert = new BertEncoder(BertConfig.base(), rng, false);
                bert.eval().freeze();
                bert.to(device);
                int[] ids = rng.ints(128, 0, 30522).toArray();
                yield () -> bert.encode(ids, null, null, 1, 128).lastHiddenState().value().toCpu();
            }
            case "efficientnet-b0" -> {
                var net = new EfficientNet(EfficientNetConfig.variant("b0", 3), rng);
                net.eval().freeze();
                net.to(device);
                Var x = Var.of(Tensor.randn(2, 1, 3, 224, 224).to(device));
                yield () -> net.forward(x).value().toCpu();
            }
            default -> throw unknown(model);
        };
    }

    private static IllegalArgumentException unknown(String model) {
        return new IllegalArgumentException("unknown model '" + model + "' (known: " + String.join(", ", MODELS) + ")");
    }

    static double medianMs(Runnable pass, int warmup, int iters) {
        double[] t = new double[iters];
        try (var g = GradMode.noGrad()) {
            long start = System.nanoTime();
            for (int i = 0; i < warmup || System.nanoTime() - start < MIN_WARMUP_NANOS; i++) pass.run();
            for (int i = 0; i < iters; i++) {
                long t0 = System.nanoTime();
                pass.run();
                t[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return median(t);
    }

    /** The human-readable table, under a header naming the ISA and both sides' thread counts. */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder(header(rows));
        boolean several = rows.stream().anyMatch(r -> r.roundRatios().length > 1);
        sb.append(String.format(Locale.ROOT, "%-16s %10s %10s %7s %8s %6s%s%n",
                "model", "ms", "torch ms", "ratio", "GFLOP", "MFU", several ? "   ratio per round" : ""));
        for (Row r : rows) {
            StringBuilder per = new StringBuilder();
            if (several) for (double x : r.roundRatios()) per.append(String.format(Locale.ROOT, " %.2f", x));
            sb.append(String.format(Locale.ROOT, "%-16s %10.1f %10s %7s %8.2f %6s%s%n", r.model(), r.ms(),
                    r.torchMs() == null ? "n/a" : String.format(Locale.ROOT, "%.1f", r.torchMs()),
                    r.ratio() == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", r.ratio()), r.gflop(),
                    Double.isNaN(r.mfu()) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * r.mfu()), several ? "  " + per : ""));
        }
        if (!rows.isEmpty() && !Double.isNaN(rows.getFirst().peakGflops())) sb.append(String.format(Locale.ROOT, "(MFU against a measured FMA peak of %.0f GFLOP/s: %d threads × one thread's best, probed before and after the passes)%n",
                rows.getFirst().peakGflops(), rows.getFirst().threads()));
        return sb.toString();
    }

    /** Batch 1, median of forwards; ISA and threads of ours, and torch's thread count as torch reported it. */
    static String header(List<Row> rows) {
        int threads = rows.isEmpty() ? Parallel.threads() : rows.getFirst().threads();
        boolean torchRan = rows.stream().anyMatch(r -> r.torchMs() != null);
        String torch = torchRan
                ? String.format(Locale.ROOT, "torch pinned to %d threads (OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=%d, torch.set_num_threads(%d); torch reports %d)",
                        threads, threads, threads, rows.getFirst().torchThreads())
                : "torch not run";
        int rounds = rows.stream().mapToInt(r -> r.roundRatios().length).max().orElse(1);
        String frozen = FrozenWeight.enabled() ? "models frozen, linear layers through packed weights"
                : "models frozen, weights packed per call (-Delixr.packFrozenWeights=false)";
        return String.format(Locale.ROOT, "Forward, batch 1, median per model%s. ISA %s, %d threads; %s; %s.%n",
                rounds > 1 ? " (median of " + rounds + " rounds, ours and torch alternated)" : "", MachineProfile.current().isa(), threads,
                torch, frozen);
    }
}
