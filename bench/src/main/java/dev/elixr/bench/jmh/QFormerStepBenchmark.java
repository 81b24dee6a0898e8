package dev.elixr.bench.jmh;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.models.elixr.ElixrB;
import dev.elixr.models.qformer.ItcLoss;
import dev.elixr.models.qformer.ItgLoss;
import dev.elixr.models.qformer.ItmLoss;
import dev.elixr.models.qformer.QFormerConfig;
import dev.elixr.models.qformer.QueryOutput;
import dev.elixr.models.qformer.TextBatch;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One ELIXR-B stage-1 step (forward and backward of ITC + ITM + ITG) at the demo's Q-Former shape (64 wide, 2 layers, 4
 * heads, 8 queries, projection 32) on 36 image tokens of width 96 (the demo tower's 6×6×96 map) and reports of
 * {@code length} tokens (the demo's reports pad to ≈ 90 per batch), batch 32; and each term alone, to see which
 * dominates. images/s = batch / time.
 * <p>
 * On a shared machine wall time says little; {@link #main} times each part in one JVM and prints the process's CPU
 * time per call beside the wall time (run with {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * dev.elixr.bench.jmh.QFormerStepBenchmark [threads] [calls]}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"})
public class QFormerStepBenchmark {
    @Param({"90"})
    public int length;

    @Param({"2"})
    public int threads;

    static final int B = 32, T = 36, C = 96, VOCAB = 282;
    ElixrB model;
    Tensor tokens;
    TextBatch text;
    long[] groups;
    ItmLoss.Negatives negatives;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        SplittableRandom r = new SplittableRandom(7);
        var cfg = new QFormerConfig(new QFormerConfig.Transformer(64, 2, 4, 128, 1e-12f, 0f, Activation.GELU),
                new QFormerConfig.Queries(8, 2, C), new QFormerConfig.Text(VOCAB, 128, 0, VOCAB - 1), 32);
        model = ElixrB.create(cfg, r);
        tokens = Tensor.normal(r, 0f, 1f, B, T, C);
        int[] ids = new int[B * length], mask = new int[B * length];
        for (int i = 0; i < B; i++) {
            int n = length - r.nextInt(length / 3);          // ragged, as real reports
            for (int p = 0; p < n; p++) {
                ids[i * length + p] = 1 + r.nextInt(VOCAB - 2);
                mask[i * length + p] = 1;
            }
        }
        text = new TextBatch(ids, mask, B, length);
        groups = new long[B];
        for (int i = 0; i < B; i++) groups[i] = i;
        int[] a = new int[B], b = new int[B];
        for (int i = 0; i < B; i++) {
            a[i] = (i + 1 + r.nextInt(B - 1)) % B;
            b[i] = (i + 1 + r.nextInt(B - 1)) % B;
        }
        negatives = new ItmLoss.Negatives(a, b);
    }

    /** Each benchmark method called {@code calls} times after as many warm-up calls: CPU and wall milliseconds per call. */
    public static void main(String[] args) {
        var b = new QFormerStepBenchmark();
        b.length = 90;
        b.threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        b.setup();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        java.util.Map<String, java.util.function.DoubleSupplier> parts = new java.util.LinkedHashMap<>();
        parts.put("step", b::step);
        parts.put("itc", b::itc);
        parts.put("itm", b::itm);
        parts.put("itg", b::itg);
        for (var e : parts.entrySet()) {
            for (int i = 0; i < calls; i++) e.getValue().getAsDouble();
            long cpu = os.getProcessCpuTime(), wall = System.nanoTime();
            for (int i = 0; i < calls; i++) e.getValue().getAsDouble();
            double cpuMs = (os.getProcessCpuTime() - cpu) / 1e6 / calls, wallMs = (System.nanoTime() - wall) / 1e6 / calls;
            System.out.printf(java.util.Locale.ROOT, "%-5s threads %d: %8.1f ms CPU, %8.1f ms wall per call (%.1f img/s per CPU-second)%n",
                    e.getKey(), b.threads, cpuMs, wallMs, B / (cpuMs / 1e3));
        }
    }

    @Benchmark
    public double step() {
        model.zeroGrad();
        var terms = model.loss(Var.of(tokens), text, groups, new SplittableRandom(1));
        terms.total().backward();
        return terms.total().item();
    }

    @Benchmark
    public double itc() {
        model.zeroGrad();
        var q = model.qformer();
        Var image = model.imageTokens(Var.of(tokens));
        Var loss = ItcLoss.loss(q.imageFeatures(q.queryPass(image).hidden()), q.textFeature(q.clsPass(text)), q.temperature()).loss();
        loss.backward();
        return loss.item();
    }

    @Benchmark
    public double itm() {
        model.zeroGrad();
        Var loss = ItmLoss.loss(model.qformer(), model.imageTokens(Var.of(tokens)), text, negatives);
        loss.backward();
        return loss.item();
    }

    @Benchmark
    public double itg() {
        model.zeroGrad();
        QueryOutput queries = model.qformer().queryPass(model.imageTokens(Var.of(tokens)));
        Var loss = ItgLoss.loss(model.qformer(), queries, text);
        loss.backward();
        return loss.item();
    }
}
