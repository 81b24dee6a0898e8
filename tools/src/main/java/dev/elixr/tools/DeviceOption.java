package dev.elixr.tools;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.backend.Backends;
import picocli.CommandLine.Option;

/**
 * The {@code --device cpu|opencl[:N]} option, shared by the commands that compute: add it with
 * {@code @Mixin DeviceOption device;} and call {@link #open()}, which checks that the backend can be used
 * (for OpenCL: a driver and the device) and says what to do when not.
 */
public final class DeviceOption {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|opencl[:N]",
            description = "Where tensors live and ops run: cpu (default) or an OpenCL device (see `elixr info`).")
    String device;

    /** The parsed device, with its backend opened; a clear error when unusable. */
    public Device open() {
        Device d = Device.parse(device);
        try {
            Backends.forDevice(d);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--device " + device + ": " + e.getMessage()
                    + " (`elixr info` lists the devices; --device cpu always works)", e);
        }
        return d;
    }
}
