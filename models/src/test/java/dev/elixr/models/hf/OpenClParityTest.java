package dev.elixr.models.hf;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.models.testing.Fixtures;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.models.text.BertEncoderParityTest;
import dev.elixr.models.transformer.EncoderOutput;
import dev.elixr.models.vision.VisionTransformer;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.opencl.OpenClBackend;
import dev.elixr.tensor.opencl.OpenClTestDevice;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.function.Supplier;

import static dev.elixr.models.testing.Parity.assertClose;
import static dev.elixr.models.testing.Parity.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ViT and BERT parity fixtures run entirely on an OpenCL device (weights moved with Module.to, inputs uploaded
 * once): the outputs equal the CPU's within 1e-4, and PyTorch's too, and nothing is read back to the host on the way.
 */
class OpenClParityTest {
    static Device dev;

    @BeforeAll
    static void device() { dev = OpenClTestDevice.require(); }

    @Test
    void vitOnTheDeviceMatchesTheCpu() {
        VisionTransformer cpu = HfModels.vit(Fixtures.path("vit")), gpu = HfModels.vit(Fixtures.path("vit"));
        gpu.to(dev);
        for (String input : new String[] {"input", "input_48x40"}) {
            Tensor pixels = npy("vit/" + input + ".npy"), onDev = pixels.to(dev);
            try (var g = GradMode.noGrad()) {
                EncoderOutput c = cpu.encode(Var.of(pixels));
                EncoderOutput o = staysOnDevice(() -> gpu.encode(Var.of(onDev)));
                assertClose("vit " + input + " opencl vs cpu", c.lastHiddenState().value(), o.lastHiddenState().value().toCpu());
                assertClose("vit " + input + " opencl vs cpu pooler", c.pooled().value(), o.pooled().value().toCpu());
                String expected = input.equals("input") ? "vit/last_hidden_state.npy" : "vit/last_hidden_state_48x40.npy";
                assertClose("vit " + input + " opencl vs pytorch", npy(expected), o.lastHiddenState().value().toCpu());
            }
        }
    }

    @Test
    void bertOnTheDeviceMatchesTheCpu() throws IOException {
        for (String folder : new String[] {"bert", "bert_cross"}) {
            BertEncoder cpu = HfModels.bert(Fixtures.path(folder)), gpu = HfModels.bert(Fixtures.path(folder));
            gpu.to(dev);
            var in = BertEncoderParityTest.inputs(folder);
            boolean cross = folder.equals("bert_cross");
            Var states = cross ? Var.of(npy(folder + "/encoder_hidden_states.npy")) : null;
            Var statesOnDev = cross ? Var.of(states.value().to(dev)) : null;
            try (var g = GradMode.noGrad()) {
                EncoderOutput c = cpu.encode(in.ids(), in.mask(), in.types(), in.batch(), in.length(), states, null);
                EncoderOutput o = staysOnDevice(() -> gpu.encode(in.ids(), in.mask(), in.types(), in.batch(), in.length(), statesOnDev, null));
                assertClose(folder + " opencl vs cpu", c.lastHiddenState().value(), o.lastHiddenState().value().toCpu());
                assertClose(folder + " opencl vs cpu pooler", c.pooled().value(), o.pooled().value().toCpu());
                assertClose(folder + " opencl vs pytorch", npy(folder + "/last_hidden_state.npy"), o.lastHiddenState().value().toCpu());
            }
        }
    }

    /** Runs the forward pass, checks that it read nothing back to the host and that its outputs live on the device. */
    static EncoderOutput staysOnDevice(Supplier<EncoderOutput> forward) {
        OpenClBackend b = (OpenClBackend) Backends.forDevice(dev);
        long down = b.downloads();
        EncoderOutput out = forward.get();
        assertEquals(down, b.downloads(), "tensors read back to the host during the forward pass");
        assertEquals(dev, out.lastHiddenState().value().device(), "last hidden state should stay on the device");
        assertEquals(dev, out.pooled().value().device(), "pooled output should stay on the device");
        return out;
    }
}
