package dev.elixr.tools;

import dev.elixr.autograd.io.Npy;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.opencl.OpenClTestDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code elixr forward --device opencl:N} on the models module's fixtures gives the CPU's output within 1e-4. */
class ForwardOnDeviceTest {
    private static final Path FIXTURES = Path.of("..", "models", "src", "test", "resources", "fixtures");

    @TempDir Path tmp;

    @Test
    void forwardOnOpenClEqualsTheCpu() throws IOException {
        String device = OpenClTestDevice.require().toString();
        for (String model : new String[] {"vit", "efficientnet", "bert", "qformer_query_only"}) {
            String[] input;
            if (model.equals("bert")) input = new String[] {"--text", "There is no pleural effusion."};
            else if (model.startsWith("qformer")) input = new String[] {"--image-features", FIXTURES.resolve(model + "/image_features.npy").toString()};
            else {
                Path in = tmp.resolve(model + "-in.npy");
                Npy.write(in, Npy.read(FIXTURES.resolve(model + "/input.npy")).narrow(0, 0, 1).contiguous());
                input = new String[] {"--input", in.toString()};
            }
            Path cpu = tmp.resolve(model + "-cpu.npy"), dev = tmp.resolve(model + "-dev.npy");
            run(model, input, "cpu", cpu);
            String printed = run(model, input, device, dev);
            assertTrue(printed.contains("(computed on " + device + ")"), printed);
            assertClose(model, Npy.read(cpu), Npy.read(dev));
        }
    }

    private static String run(String model, String[] input, String device, Path output) {
        String[] args = new String[input.length + 7];
        System.arraycopy(new String[] {"forward", "--model", FIXTURES.resolve(model).toString(), "--device", device, "--output", output.toString()}, 0, args, 0, 7);
        System.arraycopy(input, 0, args, 7, input.length);
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = new CommandLine(new Elixr());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        assertEquals(0, cmd.execute(args), () -> "exit code of forward " + model + " --device " + device + "; stderr: " + err);
        return out.toString();
    }

    private static void assertClose(String model, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), model);
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        double max = 0;
        for (int i = 0; i < e.length; i++) max = Math.max(max, Math.abs(e[i] - a[i]));
        System.out.printf("forward %s --device opencl vs cpu: max abs error %.3g%n", model, max);
        assertTrue(max <= 1e-4, model + ": max abs error " + max + " > 1e-4");
    }
}
