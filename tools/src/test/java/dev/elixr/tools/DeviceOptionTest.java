package dev.elixr.tools;

import dev.elixr.tensor.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --device parses cpu / opencl[:N] and says what to do when the device cannot be used. */
class DeviceOptionTest {
    private static DeviceOption of(String s) {
        var o = new DeviceOption();
        o.device = s;
        return o;
    }

    @Test
    void cpuAlwaysOpens() { assertEquals(Device.CPU, of("cpu").open()); }

    @Test
    void badNamesAreExplained() {
        var e = assertThrows(IllegalArgumentException.class, () -> of("gpu").open());
        assertTrue(e.getMessage().contains("not cpu, opencl or opencl:N"), e.getMessage());
    }

    @Test
    void missingOpenClDevicePointsToInfo() {
        var e = assertThrows(IllegalArgumentException.class, () -> of("opencl:99").open());
        assertTrue(e.getMessage().startsWith("--device opencl:99: "), e.getMessage());
        assertTrue(e.getMessage().contains("elixr info"), e.getMessage());
    }
}
