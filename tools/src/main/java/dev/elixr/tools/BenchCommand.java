package dev.elixr.tools;

import dev.elixr.bench.DeviceGemmBench;
import dev.elixr.bench.GemmComparison;
import dev.elixr.bench.Numpy;
import dev.elixr.bench.GemmShape;
import dev.elixr.bench.OpsComparison;
import dev.elixr.bench.Timing;
import dev.elixr.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code elixr bench gemm|ops|models|llm|index|serve|memory|train}: our kernels beside numpy/OpenBLAS on this machine (logic in the bench module). */
@Command(name = "bench", description = "Benchmark the CPU kernels side by side with numpy (python3 with numpy on PATH).",
        subcommands = {BenchCommand.Gemm.class, BenchCommand.Ops.class, ModelsBenchCommand.class, LlmBenchCommand.class,
                IndexBenchCommand.class, ServeBenchCommand.class, MemoryBenchCommand.class, TrainBenchCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    /** Options both subcommands share. */
    static final class Common {
        @Option(names = "--threads", split = ",", paramLabel = "T", description = "Thread counts, e.g. 1,2 (default: 1 and all cores).")
        List<Integer> threads;

        @Option(names = "--json", description = "One JSON object per line instead of a table.")
        boolean json;

        @Option(names = "--seconds", paramLabel = "S", defaultValue = "0.25", description = "Seconds per timed round (default ${DEFAULT-VALUE}; best of 8 rounds after a warm-up of 1.5 s or more).")
        double seconds;

        @Option(names = "--cpu-time", description = "Time single-threaded runs in thread CPU time (ours and numpy's), "
                + "so that a machine shared with other work disturbs them less; needs --threads 1.")
        boolean cpuTime;

        @Option(names = "--openblas-coretype", paramLabel = "NAME", description = "Run numpy's OpenBLAS with this "
                + "OPENBLAS_CORETYPE (e.g. Haswell, its AVX2 kernels, beside ELIXR_JAVA_OPTS=-XX:UseAVX=2 on an AVX-512 "
                + "machine); default: OpenBLAS's own choice.")
        String openblasCoreType;

        List<Integer> threads() {
            int cores = Runtime.getRuntime().availableProcessors();
            List<Integer> t = threads != null ? threads : (cores > 1 ? List.of(1, cores) : List.of(1));
            for (int x : t) if (x < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + x);
            if (cpuTime && !t.equals(List.of(1)))
                throw new IllegalArgumentException("--cpu-time measures one thread's CPU time: use it with --threads 1");
            return t;
        }

        Timing timing() {
            Numpy.coreType(openblasCoreType);
            if (!(seconds > 0)) throw new IllegalArgumentException("--seconds must be > 0, got " + seconds);
            return new Timing(Timing.DEFAULT.warmupSeconds(), Timing.DEFAULT.rounds(), seconds, cpuTime);
        }
    }

    @Command(name = "gemm", description = "SGEMM GFLOP/s beside numpy for MxKxN shapes (append t for a transposed B).")
    static final class Gemm implements Runnable {
        @Option(names = "--shapes", split = ",", paramLabel = "MxKxN", description = "Shapes (default: the issue's list).")
        List<String> shapes;

        @Mixin Common common = new Common();

        @Mixin DeviceOption device = new DeviceOption();

        @Override
        public void run() {
            List<GemmShape> s = (shapes != null ? shapes : GemmComparison.DEFAULT_SHAPES).stream().map(GemmShape::parse).toList();
            Device d = device.open();
            if (d.kind() != Device.Kind.CPU) { // on an accelerator: our kernel alone, operands resident on the device
                for (GemmShape g : s) {
                    var r = DeviceGemmBench.run(d, g.m(), g.n(), g.k(), g.transB(), 8 * common.seconds);
                    System.out.println(common.json ? r.json() : r.line());
                }
                return;
            }
            GemmComparison.run(s, common.threads(), common.json, common.timing(), System.out);
        }
    }

    @Command(name = "ops", description = "conv2d, depthwise conv, attention, softmax and layer norm beside numpy, and attention's backward; memory-bound rows against a copy probe (read + write) and a read probe measured in the same run, softmax and layer norm into an existing output and with a new one (+alloc), and a copy of the softmax input into an existing and a new tensor (the difference: the allocation's cost).")
    static final class Ops implements Runnable {
        @Mixin Common common = new Common();

        @Option(names = "--only", split = ",", paramLabel = "TEXT", description = "Only the rows whose op or shape contains "
                + "one of these texts, e.g. --only 's2,depthwise 5x5' (default: every row).")
        List<String> only = List.of();

        @Override
        public void run() {
            List<OpsComparison.OpCase> all = OpsComparison.defaultCases(), cases = OpsComparison.select(all, only);
            if (cases.isEmpty()) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--only "
                    + String.join(",", only) + " matches no row (ops: " + String.join(", ", all.stream().map(OpsComparison.OpCase::op).distinct().toList()) + ")");
            OpsComparison.run(cases, common.threads(), common.json, common.timing(), System.out);
        }
    }
}
