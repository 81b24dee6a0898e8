package dev.elixr.autograd.nn;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.opencl.OpenClTestDevice;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Module.to(Device): parameters, gradients and buffers move; names, order and requires-grad stay. */
class ModuleToDeviceTest {
    @Test
    void toCpuKeepsTheSameTensors() {
        var m = new ModuleTest.Model(3);
        Map<String, Tensor> before = m.stateDict();
        assertSame(m, m.to(Device.CPU));
        m.stateDict().forEach((n, t) -> assertSame(before.get(n), t, n));
        assertThrows(IllegalArgumentException.class, () -> m.to(null));
    }

    @Test
    void movesParametersGradientsAndBuffersKeepingNamesAndFrozenState() {
        Device dev = OpenClTestDevice.require();
        var m = new ModuleTest.Model(5);
        m.encoder.layer.get(0).freeze();
        Parameter scale = m.namedParameters().get("encoder.scale");
        scale.setGrad(Tensor.of(new float[] {0.25f}, 1));
        Map<String, Tensor> before = m.stateDict();
        List<String> names = List.copyOf(before.keySet());
        Map<String, Boolean> grads = new java.util.LinkedHashMap<>();
        m.namedParameters().forEach((n, p) -> grads.put(n, p.requiresGrad()));

        assertSame(m, m.to(dev));

        assertEquals(names, List.copyOf(m.stateDict().keySet()));
        m.stateDict().forEach((n, t) -> {
            assertEquals(dev, t.device(), n + " should live on " + dev);
            assertArrayEquals(before.get(n).toFloatArray(), t.toCpu().toFloatArray(), n);
        });
        m.namedParameters().forEach((n, p) -> assertEquals(grads.get(n), p.requiresGrad(), n + " requires-grad"));
        assertEquals(false, m.namedParameters().get("encoder.layer.0.mlp.fc1.weight").requiresGrad());
        assertEquals(true, m.namedParameters().get("encoder.layer.1.mlp.fc1.weight").requiresGrad());
        assertEquals(dev, scale.grad().device());
        assertEquals(0.25f, scale.grad().toCpu().item());

        m.to(Device.CPU);
        m.stateDict().forEach((n, t) -> {
            assertEquals(Device.CPU, t.device(), n);
            assertArrayEquals(before.get(n).toFloatArray(), t.toFloatArray(), n);
        });
    }
}
