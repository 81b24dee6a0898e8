package dev.elixr.tasks.train;

import dev.elixr.autograd.io.Checkpoint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tiny training run of {@link ContrastiveTrainingTest} in a child JVM (same java binary, class path and JVM flags as
 * the test), with a checkpoint every step, for the kill -9 test: {@code TrainingChild DATA OUT}.
 */
public final class TrainingChild {
    private TrainingChild() {}

    public static void main(String[] args) throws Exception {
        ContrastiveTrainingTest.train(Path.of(args[0]), Path.of(args[1]), false, 0, 1, new PrintStream(System.out, true));
    }

    /** Starts the child; its checkpoint write of step pauseAtStep stops half-way and creates marker. */
    static Process start(Path data, Path out, long pauseAtStep, Path marker, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // C1 only: reaches step 3 sooner (measured 8-9 s against 14 s with C2, on a loaded machine), and the steps it
        // checkpoints must still match the parent's C2 bit for bit (the kernels round alike in every JIT tier)
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-D" + Checkpoint.PAUSE_AT_STEP + "=" + pauseAtStep, "-D" + Checkpoint.PAUSE_MARKER + "=" + marker,
                "-cp", System.getProperty("java.class.path"), TrainingChild.class.getName(), data.toString(), out.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
