package dev.elixr.bench;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.models.vision.EfficientNet;
import dev.elixr.models.vision.EfficientNetConfig;
import dev.elixr.models.vision.VisionTransformer;
import dev.elixr.models.vision.VitConfig;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code elixr bench models}: median inference time (no-grad, eval, batch 1, random weights) of ViT-B/16 at 224²,
 * BERT-base over 128 tokens and EfficientNet-B0 at 224², beside PyTorch's on the same machine, with model FLOP
 * utilisation against a measured FMA peak.
 */
public final class ModelsComparison {
    public static final List<String> MODELS = List.of("vit-b16", "bert-base", "efficientnet-b0");

    /** One row: our median, torch's (null when unavailable), the forward's FLOPs and the measured peak. */
    public record Row(String model, double ms, Double torchMs, double gflop, double peakGflops) {
        public Double ratio() { return torchMs == null ? null : ms / torchMs; }

        public double mfu() { return gflop / (ms / 1e3) / peakGflops; }

        public String json() {
            return String.format(Locale.ROOT, "{\"model\":\"%s\",\"ms\":%.3f,\"torch_ms\":%s,\"gflop\":%.3f,\"mfu\":%.4f}",
                    model, ms, torchMs == null ? "null" : String.format(Locale.ROOT, "%.3f", torchMs), gflop, mfu());
        }
    }

    /** C2 needs about a second or two before the Vector API kernels are compiled: warm up at least this long. */
    static final long MIN_WARMUP_NANOS = 4_000_000_000L;

    private ModelsComparison() {}

    public static List<Row> run(List<String> models, int warmup, int iters, boolean withTorch) {
        int threads = Parallel.threads();
        double peak = FmaPeak.peakGflops(threads);
        List<Row> rows = new ArrayList<>();
        for (String m : models) {
            Runnable pass = pass(m);
            rows.add(new Row(m, medianMs(pass, warmup, iters), null, flops(m) / 1e9, peak));
        }
        if (withTorch) {
            Map<String, Double> torch = TorchModels.medianMs(models, warmup, iters, threads);
            rows.replaceAll(r -> new Row(r.model(), r.ms(), torch.get(r.model()), r.gflop(), r.peakGflops()));
        }
        return rows;
    }

    static double flops(String model) {
        return switch (model) {
            case "vit-b16" -> ModelFlops.vit(VitConfig.base16(3), 1);
            case "bert-base" -> ModelFlops.bert(BertConfig.base(), 1, 128);
            case "efficientnet-b0" -> ModelFlops.efficientNet(EfficientNetConfig.variant("b0", 3), 1, 224);
            default -> throw unknown(model);
        };
    }

    /** A prepared forward pass of the named model (built, random weights, eval mode). */
    static Runnable pass(String model) {
        SplittableRandom rng = new SplittableRandom(0);
        return switch (model) {
            case "vit-b16" -> {
                var vit = new VisionTransformer(VitConfig.base16(3), rng, false);
                vit.eval();
                Var x = Var.of(Tensor.randn(1, 1, 3, 224, 224));
                yield () -> vit.forward(x);
            }
            case "bert-base" -> {
                var bert = new BertEncoder(BertConfig.base(), rng, false);
                bert.eval();
                int[] ids = rng.ints(128, 0, 30522).toArray();
                yield () -> bert.encode(ids, null, null, 1, 128);
            }
            case "efficientnet-b0" -> {
                var net = new EfficientNet(EfficientNetConfig.variant("b0", 3), rng);
                net.eval();
                Var x = Var.of(Tensor.randn(2, 1, 3, 224, 224));
                yield () -> net.forward(x);
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
        Arrays.sort(t);
        return iters % 2 == 1 ? t[iters / 2] : (t[iters / 2 - 1] + t[iters / 2]) / 2;
    }

    /** The human-readable table. */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s %10s %10s %7s %8s %6s%n",
                "model", "ms", "torch ms", "ratio", "GFLOP", "MFU"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-16s %10.1f %10s %7s %8.2f %5.1f%%%n", r.model(), r.ms(),
                    r.torchMs() == null ? "n/a" : String.format(Locale.ROOT, "%.1f", r.torchMs()),
                    r.ratio() == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", r.ratio()), r.gflop(), 100 * r.mfu()));
        }
        if (!rows.isEmpty()) sb.append(String.format(Locale.ROOT, "(MFU against a measured FMA peak of %.0f GFLOP/s: %d threads × one thread's best)%n",
                rows.getFirst().peakGflops(), Parallel.threads()));
        return sb.toString();
    }
}
