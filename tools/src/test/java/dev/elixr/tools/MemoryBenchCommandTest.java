package dev.elixr.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code elixr bench memory} runs a few training steps of a tiny tower and reports its memory beside the plan. */
class MemoryBenchCommandTest {
    static String run(String... args) {
        CommandLine cl = Elixr.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return code + "\n" + out + err;
    }

    @Test
    void aTinyVitReportsPeakRssLiveHeapThePlanAndItsRate() throws Exception {
        String got = run("bench", "memory", "--image-encoder", "vit-8-1-2", "--image-width", "16", "--image-size", "16", "--batch", "2",
                "--steps", "2", "--checkpoint-activations");
        assertTrue(got.startsWith("0\n"), got);
        JsonNode r = new ObjectMapper().readTree(got.substring(2).lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        assertEquals(2, r.get("batch").asInt());
        assertTrue(r.get("checkpoint").asBoolean());
        assertTrue(r.get("peak_rss_bytes").asLong() > r.get("plan_bytes").asLong(), "the process holds at least the planned heap: " + r);
        assertTrue(r.get("plan_bytes").asLong() > 0 && r.get("images_per_second").asDouble() > 0, r.toString());
        assertTrue(r.get("cpu_seconds_per_image").asDouble() > 0, r.toString());
    }

    @Test
    void aBatchBelowOneAndATowerWithoutBlocksToCheckpointAreRefused() {
        String zero = run("bench", "memory", "--image-encoder", "vit-8-1-2", "--image-size", "16", "--batch", "0");
        assertNotEquals('0', zero.charAt(0), zero);
        assertTrue(zero.contains("--batch must be >= 1"), zero);
        String conv = run("bench", "memory", "--image-encoder", "conv", "--image-size", "16", "--batch", "1", "--checkpoint-activations");
        assertTrue(conv.contains("has no blocks to checkpoint"), conv);
    }
}
