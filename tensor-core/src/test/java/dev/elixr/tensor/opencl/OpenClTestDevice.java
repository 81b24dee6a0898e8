package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Device;
import org.junit.jupiter.api.Assumptions;

/**
 * The device the OpenCL tests run on (opencl:0, or -Delixr.test.opencl=N). Where none is present the tests
 * skip with the reason, except in CI (CI=true), where a missing device fails them: a silent skip there would
 * hide a broken backend.
 */
public final class OpenClTestDevice {
    private OpenClTestDevice() {}

    public static Device require() {
        String reason = OpenClDevices.unavailableReason();
        if (reason != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("CI=true but no OpenCL device is usable: " + reason
                        + " (.ci/run installs pocl-opencl-icd; check clinfo -l)");
            }
            Assumptions.abort("OpenCL tests skipped: " + reason);
        }
        return Device.opencl(Integer.getInteger("elixr.test.opencl", 0));
    }
}
