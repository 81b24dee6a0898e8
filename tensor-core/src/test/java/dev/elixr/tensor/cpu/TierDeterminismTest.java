package dev.elixr.tensor.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Results must not depend on the JIT tier: every op of {@link TierProbe} gives bitwise the same output in
 * the interpreter (-Xint), in C1 only (-XX:TieredStopAtLevel=1; neither intrinsifies the Vector API, both
 * run its per-lane Java fallback) and after C2 warm-up (vector intrinsics), and in the first (cold) and the
 * last (warm) call of one process. This is what makes a resumed training run bitwise equal to a straight one.
 */
class TierDeterminismTest {
    @TempDir Path dir;

    @Test
    void everyOpGivesTheSameBitsInEveryTier() throws Exception {
        Map<String, int[][]> xint = probe("xint", 1, "-Xint");
        Map<String, int[][]> c1 = probe("c1", 30, "-XX:TieredStopAtLevel=1");
        Map<String, int[][]> c2 = probe("c2", 2000);
        Map<String, List<String>> differing = new TreeMap<>();
        for (String op : xint.keySet()) {
            int[] ref = xint.get(op)[0];
            check(differing, op, "C1", ref, c1.get(op)[1]);
            check(differing, op, "C2 cold", ref, c2.get(op)[0]);
            check(differing, op, "C2 warm", ref, c2.get(op)[1]);
        }
        StringBuilder report = new StringBuilder();
        differing.forEach((op, where) -> report.append("\n  ").append(op).append(": ").append(String.join(", ", where)));
        System.out.println("tier determinism at " + Simd.species() + ": " + (differing.isEmpty() ? "all " + xint.size() + " ops bitwise equal" : report));
        assertTrue(differing.isEmpty(), "ops whose bits differ from the interpreter's:" + report);
    }

    private static void check(Map<String, List<String>> differing, String op, String tier, int[] ref, int[] got) {
        int n = 0;
        for (int i = 0; i < ref.length; i++) if (ref[i] != got[i]) n++;
        if (n > 0) differing.computeIfAbsent(op, o -> new ArrayList<>()).add(tier + " (" + n + " of " + ref.length + ")");
    }

    private Map<String, int[][]> probe(String name, int iterations, String... flags) throws IOException, InterruptedException {
        Path out = dir.resolve(name + ".bits");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xmx")) cmd.add(a);
        }
        cmd.add("-Xmx256m");
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TierProbe.class.getName(), out.toString(),
                Integer.toString(iterations)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), name + " probe did not finish");
        assertEquals(0, p.exitValue(), name + " probe failed:\n" + output);
        Map<String, int[][]> r = new LinkedHashMap<>();
        try (var in = new DataInputStream(Files.newInputStream(out))) {
            assertEquals(Simd.species().toString(), in.readUTF(), "the probe runs with the test's vector species");
            int n = in.readInt();
            for (int i = 0; i < n; i++) r.put(in.readUTF(), new int[][] {read(in), read(in)});
        }
        return r;
    }

    private static int[] read(DataInputStream in) throws IOException {
        int[] b = new int[in.readInt()];
        for (int i = 0; i < b.length; i++) b[i] = in.readInt();
        return b;
    }
}
