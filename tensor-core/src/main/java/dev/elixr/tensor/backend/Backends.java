package dev.elixr.tensor.backend;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Finds the backend for a device. The CPU backend is built in; device backends register a factory
 * (the OpenCL backend does so when its class is first used), so callers never name a backend.
 */
public final class Backends {
    private static final Map<Device.Kind, Function<Device, Backend>> FACTORIES = new ConcurrentHashMap<>();
    private static final Map<Device, Backend> CACHE = new ConcurrentHashMap<>();
    private static volatile Backend cpu;

    private Backends() {}

    /** Registers how to make a backend for a kind of device. */
    public static void register(Device.Kind kind, Function<Device, Backend> factory) { FACTORIES.put(kind, factory); }

    public static Backend cpu() {
        Backend b = cpu;
        if (b == null) {
            b = forDevice(Device.CPU);
            cpu = b;
        }
        return b;
    }

    public static Backend forDevice(Device device) {
        return CACHE.computeIfAbsent(device, d -> {
            if (d.kind() == Device.Kind.CPU && !FACTORIES.containsKey(Device.Kind.CPU)) {
                return loadCpu();
            }
            var f = FACTORIES.get(d.kind());
            if (f == null && d.kind() == Device.Kind.OPENCL) {
                tryInit("dev.elixr.tensor.opencl.OpenClBackend");
                f = FACTORIES.get(d.kind());
            }
            if (f == null) throw new IllegalStateException("no backend for device " + d + " is available");
            return f.apply(d);
        });
    }

    /** The backend that all given tensors live on; error when they live on different devices. */
    public static Backend of(String op, Tensor... ts) {
        Device d = null;
        for (Tensor t : ts) {
            if (t == null) continue;
            if (d == null) d = t.device();
            else if (!d.equals(t.device())) {
                throw new IllegalArgumentException(op + ": tensors live on different devices (" + d + " and " + t.device()
                        + "); move them with to(device) first");
            }
        }
        return forDevice(d == null ? Device.CPU : d);
    }

    private static Backend loadCpu() { return new dev.elixr.tensor.cpu.CpuBackend(); }

    private static void tryInit(String className) {
        try {
            Class.forName(className, true, Backends.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            // not built into this distribution
        }
    }
}
