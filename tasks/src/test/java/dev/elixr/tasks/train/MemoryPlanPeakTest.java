package dev.elixr.tasks.train;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link MemoryPlan}'s estimate against the heap a training step needs, measured by {@link TrainingPeakProbe} in a JVM
 * of its own (Serial collector, 16 MiB young generation, so that ballast emulates a smaller heap faithfully), for small
 * configurations of both image towers, plain and checkpointed. The plan must lie within 15% below and 25% above the
 * measured peak: below it, a run the plan admits could still fail; far above, it refuses runs that fit.
 */
class MemoryPlanPeakTest {
    static final double BELOW = 0.15, ABOVE = 0.25;

    @ParameterizedTest(name = "{0} width {1} at {2}px, batch {3}, checkpointing {4}")
    @CsvSource({
            "vit-16-4-4, 192, 224, 8, false",
            "vit-16-4-4, 192, 224, 8, true",
            "efficientnet-b0, 0, 128, 4, false",
            "efficientnet-b0, 0, 128, 4, true",
            // a larger image and batch than 128² and 4: the plan's error does not grow with them
            "efficientnet-b0, 0, 192, 6, true"})
    void planIsWithinFifteenPercentBelowAndTwentyFivePercentAboveTheMeasuredPeak(String encoder, int width, int size, int batch,
                                                                                 boolean checkpoint) throws Exception {
        String out = probe(encoder, width, size, batch, checkpoint);
        Matcher m = Pattern.compile("plan (\\d+) peak (\\d+)").matcher(out);
        assertTrue(m.find(), "the probe measured no peak within [plan/2, 2 plan]: " + out);
        long plan = Long.parseLong(m.group(1)), peak = Long.parseLong(m.group(2));
        String figures = String.format("plan %.1f MiB, measured peak %.1f MiB (plan/peak %.2f)", plan / 1048576.0, peak / 1048576.0,
                plan / (double) peak);
        System.out.println(encoder + " " + size + "px batch " + batch + (checkpoint ? " checkpointed: " : ": ") + figures);
        assertTrue(plan >= (1 - BELOW) * peak, "the plan underestimates: " + figures);
        assertTrue(plan <= (1 + ABOVE) * peak, "the plan overestimates: " + figures);
    }

    /** Runs the probe in a fresh JVM with the flags the measurement needs; its standard output. */
    static String probe(String encoder, int width, int size, int batch, boolean checkpoint) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-Xmn16m", "-Xmx1g", "-cp", System.getProperty("java.class.path"), TrainingPeakProbe.class.getName(),
                encoder, Integer.toString(width), Integer.toString(size), Integer.toString(batch), Boolean.toString(checkpoint));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the probe did not finish");
        assertEquals(0, p.exitValue(), "the probe failed: " + out);
        return out;
    }
}
