package dev.elixr.tensor.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A built kernel and how to launch it. Arguments are given in order: a {@link ClBuffer} (passed as its
 * cl_mem), an Integer (cl_int), a Float, or a {@link ClView} (a struct passed by value). Setting the
 * arguments and queueing happen under the context's lock, since a cl_kernel's arguments are shared state.
 */
final class ClKernel {
    private final ClContext ctx;
    private final MemorySegment kernel;
    private final String name;
    private final long maxWorkGroup;

    ClKernel(ClContext ctx, MemorySegment kernel, String name, long maxWorkGroup) {
        this.ctx = ctx;
        this.kernel = kernel;
        this.name = name;
        this.maxWorkGroup = maxWorkGroup;
    }

    /** Largest work-group this kernel may run with on its device. */
    long maxWorkGroup() { return maxWorkGroup; }

    /** 1-D launch of n work-items (rounded up to the work-group size; kernels guard their index). */
    void run1d(long n, Object... args) {
        if (n == 0) return;
        long local = Math.min(64, maxWorkGroup);
        launch(new long[] {roundUp(n, local)}, new long[] {local}, args);
    }

    /** Launch with explicit global and local sizes (local null lets the driver choose). */
    void launch(long[] global, long[] local, Object... args) {
        ClApi cl = ctx.api();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment g = a.allocate(JAVA_LONG, global.length);
            for (int i = 0; i < global.length; i++) g.setAtIndex(JAVA_LONG, i, global[i]);
            MemorySegment l = MemorySegment.NULL;
            if (local != null) {
                l = a.allocate(JAVA_LONG, local.length);
                for (int i = 0; i < local.length; i++) l.setAtIndex(JAVA_LONG, i, local[i]);
            }
            MemorySegment[] values = new MemorySegment[args.length];
            for (int i = 0; i < args.length; i++) values[i] = value(a, i, args[i]);
            MemorySegment lf = l;
            synchronized (ctx) {
                for (int i = 0; i < args.length; i++) {
                    int idx = i;
                    MemorySegment v = values[i];
                    ClContext.check("clSetKernelArg(" + name + ", arg " + i + ")",
                            () -> (int) cl.clSetKernelArg.invokeExact(kernel, idx, v.byteSize(), v));
                }
                ClContext.check("clEnqueueNDRangeKernel(" + name + ")", () -> (int) cl.clEnqueueNDRangeKernel.invokeExact(ctx.queue(),
                        kernel, global.length, MemorySegment.NULL, g, lf, 0, MemorySegment.NULL, MemorySegment.NULL));
            }
            SignalGuard.check(); // a first launch may compile the kernel for its work-group size
        }
    }

    private MemorySegment value(Arena a, int i, Object arg) {
        return switch (arg) {
            case ClBuffer b -> {
                if (b.context() != ctx) throw new IllegalArgumentException(name + ": argument " + i + " lives on another device (" + b.device() + ")");
                MemorySegment s = a.allocate(ADDRESS);
                s.set(ADDRESS, 0, b.mem());
                yield s;
            }
            case Integer v -> a.allocateFrom(JAVA_INT, v);
            case Float v -> a.allocateFrom(JAVA_FLOAT, v);
            case ClView v -> v.toSegment(a);
            default -> throw new IllegalArgumentException(name + ": unsupported kernel argument type " + arg.getClass().getName());
        };
    }

    static long roundUp(long n, long m) { return (n + m - 1) / m * m; }

    @Override public String toString() { return name; }
}
