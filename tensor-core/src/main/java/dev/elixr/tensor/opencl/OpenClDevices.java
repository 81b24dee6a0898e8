package dev.elixr.tensor.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The OpenCL devices of this machine, numbered across platforms in the order the ICD loader lists them
 * (platform 0's devices first): device N is {@code Device.opencl(N)}.
 */
public final class OpenClDevices {
    private static volatile List<Found> found;

    private OpenClDevices() {}

    /** A device handle with its platform and what it reports. */
    record Found(MemorySegment platform, MemorySegment device, OpenClDeviceInfo info) {}

    /** All devices; throws {@link OpenClException} saying why when there is no OpenCL library or platform. */
    public static List<OpenClDeviceInfo> list() {
        return discover().stream().map(Found::info).toList();
    }

    /** Number of devices, 0 when OpenCL is unavailable (never throws). */
    public static int count() {
        try {
            return discover().size();
        } catch (OpenClException e) {
            return 0;
        }
    }

    /** Why no device can be used, or null when at least one is present. */
    public static String unavailableReason() {
        try {
            return discover().isEmpty() ? "no OpenCL device found (the platforms list no devices)" : null;
        } catch (OpenClException e) {
            return e.getMessage();
        }
    }

    /** Lines for {@code elixr info}: one per device, or one saying why there is none. */
    public static List<String> describe() {
        try {
            var list = list();
            if (list.isEmpty()) return List.of("opencl: no device (platforms present, but no device listed)");
            return list.stream().map(OpenClDeviceInfo::summary).toList();
        } catch (OpenClException e) {
            return List.of("opencl: unavailable (" + e.getMessage() + ")");
        }
    }

    static Found get(int index) {
        var all = discover();
        if (index < 0 || index >= all.size()) {
            throw new OpenClException("no OpenCL device opencl:" + index + ": this machine has " + all.size()
                    + " device(s)" + (all.isEmpty() ? "" : " (opencl:0 .. opencl:" + (all.size() - 1) + ")"));
        }
        return all.get(index);
    }

    private static List<Found> discover() {
        var f = found;
        if (f != null) return f;
        synchronized (OpenClDevices.class) {
            if (found == null) found = List.copyOf(enumerate(ClApi.get()));
            return found;
        }
    }

    private static List<Found> enumerate(ClApi cl) {
        List<Found> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(JAVA_INT);
            int st = ClApi.status(cl.clGetPlatformIDs, 0, MemorySegment.NULL, n);
            if (st == ClStatus.PLATFORM_NOT_FOUND_KHR) {
                throw new OpenClException("no OpenCL platform: the ICD loader found no driver (CL_PLATFORM_NOT_FOUND_KHR);"
                        + " install one, e.g. pocl-opencl-icd, or a GPU vendor's OpenCL driver");
            }
            ClStatus.check("clGetPlatformIDs", st);
            int np = n.get(JAVA_INT, 0);
            MemorySegment plats = arena.allocate(ADDRESS, Math.max(1, np));
            ClApi.call("clGetPlatformIDs", cl.clGetPlatformIDs, np, plats, n);
            for (int p = 0; p < np; p++) {
                MemorySegment plat = plats.getAtIndex(ADDRESS, p);
                String pname = platformString(cl, plat, ClApi.PLATFORM_NAME);
                int s = ClApi.status(cl.clGetDeviceIDs, plat, ClApi.DEVICE_TYPE_ALL, 0, MemorySegment.NULL, n);
                if (s == -1) continue; // CL_DEVICE_NOT_FOUND
                ClStatus.check("clGetDeviceIDs", s);
                int nd = n.get(JAVA_INT, 0);
                MemorySegment devs = arena.allocate(ADDRESS, Math.max(1, nd));
                ClApi.call("clGetDeviceIDs", cl.clGetDeviceIDs, plat, ClApi.DEVICE_TYPE_ALL, nd, devs, n);
                for (int d = 0; d < nd; d++) {
                    MemorySegment dev = devs.getAtIndex(ADDRESS, d);
                    out.add(new Found(plat, dev, info(cl, out.size(), pname, dev)));
                }
            }
        } finally {
            SignalGuard.restore(); // PoCL installs a SIGFPE handler as it starts
        }
        return out;
    }

    private static OpenClDeviceInfo info(ClApi cl, int index, String platform, MemorySegment dev) {
        long type = deviceLong(cl, dev, ClApi.DEVICE_TYPE);
        String t = (type & ClApi.DEVICE_TYPE_GPU) != 0 ? "GPU" : (type & ClApi.DEVICE_TYPE_CPU) != 0 ? "CPU"
                : (type & ClApi.DEVICE_TYPE_ACCELERATOR) != 0 ? "ACCELERATOR" : "OTHER";
        return new OpenClDeviceInfo(index, platform, deviceString(cl, dev, ClApi.DEVICE_NAME), t,
                deviceString(cl, dev, ClApi.DEVICE_VERSION),
                (int) deviceInt(cl, dev, ClApi.DEVICE_MAX_COMPUTE_UNITS), (int) deviceInt(cl, dev, ClApi.DEVICE_MAX_CLOCK_FREQUENCY),
                deviceLong(cl, dev, ClApi.DEVICE_GLOBAL_MEM_SIZE), deviceLong(cl, dev, ClApi.DEVICE_LOCAL_MEM_SIZE),
                deviceLong(cl, dev, ClApi.DEVICE_MAX_MEM_ALLOC_SIZE), (int) deviceLong(cl, dev, ClApi.DEVICE_MAX_WORK_GROUP_SIZE));
    }

    private static String platformString(ClApi cl, MemorySegment plat, int param) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(1024);
            ClApi.call("clGetPlatformInfo", cl.clGetPlatformInfo, plat, param, 1024L, buf, MemorySegment.NULL);
            return buf.getString(0);
        }
    }

    static String deviceString(ClApi cl, MemorySegment dev, int param) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(1024);
            ClApi.call("clGetDeviceInfo", cl.clGetDeviceInfo, dev, param, 1024L, buf, MemorySegment.NULL);
            return buf.getString(0);
        }
    }

    /** cl_ulong / size_t / cl_bitfield values (8 bytes). */
    static long deviceLong(ClApi cl, MemorySegment dev, int param) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(JAVA_LONG);
            ClApi.call("clGetDeviceInfo", cl.clGetDeviceInfo, dev, param, 8L, buf, MemorySegment.NULL);
            return buf.get(JAVA_LONG, 0);
        }
    }

    /** cl_uint values (4 bytes). */
    static long deviceInt(ClApi cl, MemorySegment dev, int param) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(JAVA_INT);
            ClApi.call("clGetDeviceInfo", cl.clGetDeviceInfo, dev, param, 4L, buf, MemorySegment.NULL);
            return Integer.toUnsignedLong(buf.get(JAVA_INT, 0));
        }
    }
}
