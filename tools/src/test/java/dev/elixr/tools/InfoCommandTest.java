package dev.elixr.tools;

import dev.elixr.tensor.cpu.GemmPlan;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code elixr info} names the GEMM kernel and depthwise blocks chosen for this machine and gives a reason for each choice. */
class InfoCommandTest {
    @Test
    void infoPrintsTheGemmKernelTheDepthwiseBlocksAndWhy() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = Elixr.commandLine().execute("info");
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        GemmPlan plan = GemmPlan.DEFAULT;
        assertTrue(out.contains("gemm         " + plan), out);
        for (String why : plan.why()) assertTrue(out.contains(why), "missing reason '" + why + "' in:\n" + out);
        assertTrue(out.contains(dev.elixr.tensor.cpu.CacheLines.describe()), "missing the packing buffers' alignment in:\n" + out);
        assertTrue(out.contains("ISA ") && out.contains("vector registers") && out.contains("L1d"), out);
        assertTrue(out.contains("depthwise    " + dev.elixr.tensor.cpu.DepthwiseConv.blocks()), "missing the depthwise block shapes in:\n" + out);
    }
}
