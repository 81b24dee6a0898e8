package dev.elixr.tensor.opencl;

import java.util.Locale;

/** What one OpenCL device reports about itself; {@code index} is N in {@code opencl:N}. */
public record OpenClDeviceInfo(int index, String platform, String name, String type, String version,
                               int computeUnits, int clockMhz, long globalMemBytes, long localMemBytes,
                               long maxAllocBytes, int maxWorkGroupSize) {
    public boolean isGpu() { return type.equals("GPU"); }

    /** One line for {@code elixr info}. */
    public String summary() {
        return String.format(Locale.ROOT, "opencl:%d  %s %s (%s, %s) %d CUs @ %d MHz, %d MiB global, %d KiB local",
                index, type, name.strip(), platform.strip(), version.strip(), computeUnits, clockMhz,
                globalMemBytes >> 20, localMemBytes >> 10);
    }
}
