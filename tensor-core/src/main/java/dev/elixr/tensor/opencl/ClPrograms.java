package dev.elixr.tensor.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Kernel sources (OpenCL C files under resources dev/elixr/tensor/opencl/, each prefixed with common.cl),
 * built once per device and build options and cached with their kernels. A build failure reports the
 * compiler's log.
 */
final class ClPrograms {
    private static final String DIR = "/dev/elixr/tensor/opencl/";

    private final ClContext ctx;
    private final Map<String, MemorySegment> programs = new ConcurrentHashMap<>();
    private final Map<String, ClKernel> kernels = new ConcurrentHashMap<>();

    private final int workGroup;

    ClPrograms(ClContext ctx) {
        this.ctx = ctx;
        int wg = Integer.highestOneBit(Math.max(1, Math.min(256, ctx.info().maxWorkGroupSize())));
        this.workGroup = Integer.getInteger("elixr.opencl.wg", wg);
    }

    /** Work-group size (a power of two) of the reduction kernels, compiled in as WG. */
    int workGroup() { return workGroup; }

    /** The kernel {@code name} of source file {@code file} (without .cl) built with the given options. */
    ClKernel kernel(String file, String name, String options) {
        String opts = ("-DWG=" + workGroup + " " + options).strip();
        String key = file + "|" + opts + "|" + name;
        ClKernel k = kernels.get(key);
        if (k != null) return k;
        synchronized (this) {
            ClKernel made = kernels.computeIfAbsent(key, x -> create(program(file, opts), file, name));
            return made;
        }
    }

    ClKernel kernel(String file, String name) { return kernel(file, name, ""); }

    private MemorySegment program(String file, String options) {
        return programs.computeIfAbsent(file + "|" + options, k -> build(file, options));
    }

    static String source(String file) {
        try (InputStream in = ClPrograms.class.getResourceAsStream(DIR + file + ".cl")) {
            if (in == null) throw new IllegalStateException("kernel source " + DIR + file + ".cl is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + file + ".cl", e);
        }
    }

    private MemorySegment build(String file, String options) {
        ClApi cl = ctx.api();
        String src = source("common") + "\n" + source(file);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment strings = a.allocate(ADDRESS);
            strings.set(ADDRESS, 0, a.allocateFrom(src));
            MemorySegment program = (MemorySegment) ClContext.invoke("clCreateProgramWithSource",
                    () -> (MemorySegment) cl.clCreateProgramWithSource.invokeExact(ctx.context(), 1, strings, MemorySegment.NULL, err));
            ClStatus.check("clCreateProgramWithSource(" + file + ".cl)", err.get(JAVA_INT, 0));
            MemorySegment devs = a.allocate(ADDRESS);
            devs.set(ADDRESS, 0, ctx.deviceHandle());
            MemorySegment opts = a.allocateFrom(options);
            int status = ClApi.status(cl.clBuildProgram, program, 1, devs, opts, MemorySegment.NULL, MemorySegment.NULL);
            SignalGuard.restore(); // the driver's compiler may have installed its signal handlers
            if (status != 0) {
                throw new OpenClException("clBuildProgram(" + file + ".cl, options '" + options + "')", status, "build log:\n" + buildLog(a, program));
            }
            return program;
        }
    }

    private String buildLog(Arena a, MemorySegment program) {
        ClApi cl = ctx.api();
        MemorySegment size = a.allocate(JAVA_LONG);
        ClApi.status(cl.clGetProgramBuildInfo, program, ctx.deviceHandle(), ClApi.PROGRAM_BUILD_LOG, 0L, MemorySegment.NULL, size);
        long n = Math.min(size.get(JAVA_LONG, 0), 1 << 20);
        if (n <= 0) return "(empty)";
        MemorySegment log = a.allocate(n + 1);
        ClApi.status(cl.clGetProgramBuildInfo, program, ctx.deviceHandle(), ClApi.PROGRAM_BUILD_LOG, n, log, MemorySegment.NULL);
        return log.getString(0);
    }

    private ClKernel create(MemorySegment program, String file, String name) {
        ClApi cl = ctx.api();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment cname = a.allocateFrom(name);
            MemorySegment k = (MemorySegment) ClContext.invoke("clCreateKernel",
                    () -> (MemorySegment) cl.clCreateKernel.invokeExact(program, cname, err));
            ClStatus.check("clCreateKernel(" + file + ".cl: " + name + ")", err.get(JAVA_INT, 0));
            MemorySegment wg = a.allocate(JAVA_LONG);
            ClApi.call("clGetKernelWorkGroupInfo", cl.clGetKernelWorkGroupInfo, k, ctx.deviceHandle(), ClApi.KERNEL_WORK_GROUP_SIZE, 8L, wg, MemorySegment.NULL);
            long max = wg.get(JAVA_LONG, 0);
            if (max < workGroup && (file.equals("reduce") || file.equals("softmax") || file.equals("norm") || file.equals("loss"))) {
                throw new OpenClException(name + " can run with at most " + max + " work-items per group on " + ctx.device()
                        + ", fewer than WG = " + workGroup + "; run with -Delixr.opencl.wg=" + Integer.highestOneBit((int) max));
            }
            return new ClKernel(ctx, k, name, max);
        }
    }
}
