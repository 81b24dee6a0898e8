package dev.elixr.autograd.io;

import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * N steps straight vs k steps, a checkpoint, and N − k steps in another JVM that starts from other weights.
 * <p>Each run in its own JVM limited to the C1 compiler: checks that the checkpoint carries the complete state
 * (parameters, buffers, optimiser state, step, schedule, generator) with the JIT held fixed.
 * <p>Default JIT: straight in this JVM after a warm-up (kernels compiled by C2), resumed in a cold one (kernels
 * interpreted, then C1, then C2). Bitwise too: the tensor-core kernels give the same bits in every JIT tier
 * (VectorMath and fixed-order lane sums instead of the Vector API's vector exp and reduceLanes(ADD), whose C2
 * intrinsics rounded differently from their Java fallbacks).
 */
class ResumeTest {
    @TempDir Path dir;

    @ParameterizedTest(name = "N={0}, k={1}, GELU/LayerNorm/CE={2}")
    @CsvSource({"10, 4, false", "10, 7, true"})
    void resumingIsBitwiseIdentical(int n, int k, boolean full) throws Exception {
        Path straight = dir.resolve("straight.safetensors"), ckpt = dir.resolve("ckpt.safetensors"), resumed = dir.resolve("resumed.safetensors");
        List<String> c1 = List.of("-XX:TieredStopAtLevel=1");
        runJvm(c1, "" + full, "straight", "" + n, straight.toString());
        runJvm(c1, "" + full, "first", "" + k, ckpt.toString());
        runJvm(c1, "" + full, "resume", ckpt.toString(), "" + n, resumed.toString());
        Map<String, Tensor> expected = Safetensors.read(straight), actual = Safetensors.read(resumed);
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, t) -> assertArrayEquals(bits(t), bits(actual.get(name)), name));
    }

    @ParameterizedTest(name = "N={0}, k={1}")
    @CsvSource({"10, 4"})
    void resumingUnderTheDefaultJitIsBitwiseIdentical(int n, int k) throws Exception {
        new TrainingRun(3, true).train(0, 4000); // warm-up: C2 compiles the kernels in this JVM
        TrainingRun straight = new TrainingRun(1, true);
        straight.train(0, n);
        TrainingRun first = new TrainingRun(1, true);
        first.train(0, k);
        Path ckpt = dir.resolve("ckpt.safetensors"), out = dir.resolve("resumed.safetensors");
        Checkpoint.save(ckpt, first.checkpoint(k));
        runJvm(List.of(), "true", "resume", ckpt.toString(), "" + n, out.toString());
        Map<String, Tensor> expected = straight.everything(), actual = Safetensors.read(out);
        assertEquals(expected.keySet(), actual.keySet());
        int differing = 0, total = 0;
        for (var e : expected.entrySet()) {
            int[] a = bits(e.getValue()), b = bits(actual.get(e.getKey()));
            for (int i = 0; i < a.length; i++) if (a[i] != b[i]) differing++;
            total += a.length;
        }
        System.out.println("resume under the default JIT: " + differing + " of " + total + " values differ in bits");
        expected.forEach((name, t) -> assertArrayEquals(bits(t), bits(actual.get(name)), name));
    }

    /** Runs TrainingRun.main in a new JVM with this JVM's flags plus extra ones. */
    static void runJvm(List<String> extraFlags, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent")) cmd.add(a);
        }
        cmd.addAll(extraFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TrainingRun.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "training run did not finish");
        assertEquals(0, p.exitValue(), "training run failed:\n" + output);
    }

    static int[] bits(Tensor t) {
        float[] f = t.toFloatArray();
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) b[i] = Float.floatToRawIntBits(f[i]);
        return b;
    }
}
