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
 * <p>Bitwise: every run is its own JVM limited to the C1 compiler. The tensor-core kernels use Vector API
 * lane reductions and vector exp, whose C2 intrinsics round differently from their Java fallbacks, so under
 * the default JIT the last bit depends on when a kernel got compiled, even within one process; C1 does not
 * intrinsify them, which holds kernel arithmetic fixed and lets the test see whether the checkpoint carries
 * the complete state (parameters, buffers, optimiser state, step, schedule, generator).
 * <p>Default JIT: straight in this (warm) JVM, resumed in a cold one; agreement to 1e-5, bit differences reported.
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
    void resumingUnderTheDefaultJitAgreesTo1e5(int n, int k) throws Exception {
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
            float[] a = e.getValue().toFloatArray(), b = actual.get(e.getKey()).toFloatArray();
            for (int i = 0; i < a.length; i++) {
                total++;
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) differing++;
                if (!e.getKey().equals("rng")) assertEquals(a[i], b[i], 1e-5 * Math.max(1e-3, Math.abs(a[i])), e.getKey() + "[" + i + "]");
            }
        }
        assertEquals(bits(expected.get("rng"))[0], bits(actual.get("rng"))[0], "generator state");
        System.out.println("resume under the default JIT: " + differing + " of " + total + " values differ in bits");
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
