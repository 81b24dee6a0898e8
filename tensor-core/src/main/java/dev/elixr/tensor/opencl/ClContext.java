package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Device;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One device's OpenCL context and in-order command queue: buffers, transfers and the kernel cache.
 * Commands run in the order they are queued, so a chain of ops needs no synchronisation; only reads back
 * to the host wait. Device memory is accounted: past a budget (80% of the device's global memory, or
 * {@code -Delixr.opencl.budgetMiB}) a garbage collection is asked for, so unreachable buffers are released.
 */
final class ClContext {
    private final ClApi cl;
    private final Device device;
    private final OpenClDevices.Found found;
    private final MemorySegment context, queue;
    private final ClPrograms programs;
    private final AtomicLong liveBytes = new AtomicLong();
    /** Set by a shutdown hook: once the JVM exits, the driver's own exit handlers may tear it down, so cleaners stop calling it. */
    private static boolean exiting;
    private static final Object EXIT_LOCK = new Object();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (EXIT_LOCK) {
                exiting = true;
            }
        }, "opencl-exit"));
    }
    private final long budgetBytes;

    ClContext(int index) {
        this.cl = ClApi.get();
        this.found = OpenClDevices.get(index);
        this.device = Device.opencl(index);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment devs = a.allocate(ADDRESS);
            devs.set(ADDRESS, 0, found.device());
            context = (MemorySegment) invoke("clCreateContext", () -> (MemorySegment) cl.clCreateContext.invokeExact(MemorySegment.NULL, 1, devs, MemorySegment.NULL, MemorySegment.NULL, err));
            ClStatus.check("clCreateContext(" + found.info().name() + ")", err.get(JAVA_INT, 0));
            queue = (MemorySegment) invoke("clCreateCommandQueue", () -> (MemorySegment) cl.clCreateCommandQueue.invokeExact(context, found.device(), 0L, err));
            ClStatus.check("clCreateCommandQueue", err.get(JAVA_INT, 0));
        }
        SignalGuard.restore();
        long mib = Long.getLong("elixr.opencl.budgetMiB", -1);
        budgetBytes = mib > 0 ? mib << 20 : (long) (found.info().globalMemBytes() * 0.8);
        programs = new ClPrograms(this);
    }

    Device device() { return device; }

    OpenClDeviceInfo info() { return found.info(); }

    ClApi api() { return cl; }

    MemorySegment context() { return context; }

    MemorySegment queue() { return queue; }

    MemorySegment deviceHandle() { return found.device(); }

    ClPrograms programs() { return programs; }

    // ------------------------------------------------------------------ memory

    /** A new buffer of n floats, zero-filled on the device. */
    ClBuffer allocate(long n) {
        ClBuffer b = create(n, MemorySegment.NULL);
        if (n > 0) fill(b, 0, n, 0f);
        return b;
    }

    /** A new buffer of n floats with undefined contents (scratch space a kernel overwrites). */
    ClBuffer allocateUninitialised(long n) {
        return create(n, MemorySegment.NULL);
    }

    /** A new buffer holding the floats of a host segment (native memory, n floats). */
    ClBuffer upload(MemorySegment host, long n) {
        return create(n, host);
    }

    private ClBuffer create(long n, MemorySegment host) {
        long bytes = Math.max(4, n * 4);
        if (bytes > found.info().maxAllocBytes()) {
            throw new OpenClException("cannot allocate " + (bytes >> 20) + " MiB on " + device + ": the device allows at most "
                    + (found.info().maxAllocBytes() >> 20) + " MiB per buffer (CL_DEVICE_MAX_MEM_ALLOC_SIZE)");
        }
        if (liveBytes.get() + bytes > budgetBytes) reclaim(bytes);
        long flags = ClApi.MEM_READ_WRITE | (host.equals(MemorySegment.NULL) ? 0 : ClApi.MEM_COPY_HOST_PTR);
        MemorySegment mem;
        int status;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            mem = (MemorySegment) invoke("clCreateBuffer", () -> (MemorySegment) cl.clCreateBuffer.invokeExact(context, flags, bytes, host, err));
            status = err.get(JAVA_INT, 0);
            if (status == -4 || status == -5) { // allocation failure / out of resources: free what the GC can, retry once
                reclaim(bytes);
                mem = (MemorySegment) invoke("clCreateBuffer", () -> (MemorySegment) cl.clCreateBuffer.invokeExact(context, flags, bytes, host, err));
                status = err.get(JAVA_INT, 0);
            }
        }
        if (status != 0) {
            throw new OpenClException("clCreateBuffer", status, (bytes >> 10) + " KiB on " + device + " with "
                    + (liveBytes.get() >> 20) + " MiB in use");
        }
        liveBytes.addAndGet(bytes);
        return new ClBuffer(this, mem, n);
    }

    private void reclaim(long bytes) {
        for (int i = 0; i < 5 && liveBytes.get() + bytes > budgetBytes; i++) {
            System.gc();
            try {
                Thread.sleep(20L * (i + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Called by the buffer's cleaner. */
    void release(MemorySegment mem, long bytes) {
        synchronized (EXIT_LOCK) {
            if (exiting) return;
            try {
                int unused = (int) cl.clReleaseMemObject.invokeExact(mem);
            } catch (Throwable t) {
                // nothing sensible to do in a cleaner
            }
        }
        liveBytes.addAndGet(-Math.max(4, bytes));
    }

    private volatile ClBuffer placeholder;

    /**
     * A one-float buffer passed for absent optional arguments (no gamma, no bias, no mask): a kernel never
     * gets the same cl_mem twice, which some drivers (PoCL) mishandle.
     */
    ClBuffer placeholder() {
        ClBuffer p = placeholder;
        if (p == null) {
            synchronized (this) {
                if (placeholder == null) placeholder = allocate(1);
                p = placeholder;
            }
        }
        return p;
    }

    /** Bytes held by live buffers. */
    long liveBytes() { return liveBytes.get(); }

    /** dst[dstOff + i] = value for i in [0, n). */
    void fill(ClBuffer dst, long dstOff, long n, float value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pattern = a.allocate(JAVA_FLOAT);
            pattern.set(JAVA_FLOAT, 0, value);
            synchronized (this) {
                check("clEnqueueFillBuffer", () -> (int) cl.clEnqueueFillBuffer.invokeExact(queue, dst.mem(), pattern, 4L,
                        dstOff * 4, n * 4, 0, MemorySegment.NULL, MemorySegment.NULL));
            }
        }
    }

    /** Device-to-device copy of n floats. */
    void copy(ClBuffer src, long srcOff, ClBuffer dst, long dstOff, long n) {
        if (n == 0) return;
        synchronized (this) {
            check("clEnqueueCopyBuffer", () -> (int) cl.clEnqueueCopyBuffer.invokeExact(queue, src.mem(), dst.mem(),
                    srcOff * 4, dstOff * 4, n * 4, 0, MemorySegment.NULL, MemorySegment.NULL));
        }
    }

    /** Blocking write of n floats from host memory into dst at element offset dstOff. */
    void write(ClBuffer dst, long dstOff, MemorySegment host, long n) {
        if (n == 0) return;
        synchronized (this) {
            check("clEnqueueWriteBuffer", () -> (int) cl.clEnqueueWriteBuffer.invokeExact(queue, dst.mem(), ClApi.TRUE,
                    dstOff * 4, n * 4, host, 0, MemorySegment.NULL, MemorySegment.NULL));
        }
    }

    /** Blocking read of n floats at element offset srcOff into host memory; waits for all queued work. */
    void read(ClBuffer src, long srcOff, MemorySegment host, long n) {
        if (n == 0) return;
        synchronized (this) {
            check("clEnqueueReadBuffer", () -> (int) cl.clEnqueueReadBuffer.invokeExact(queue, src.mem(), ClApi.TRUE,
                    srcOff * 4, n * 4, host, 0, MemorySegment.NULL, MemorySegment.NULL));
        }
        SignalGuard.check();
    }

    /** Waits until every queued command has finished; kernel failures surface here. */
    void finish() {
        check("clFinish", () -> (int) cl.clFinish.invokeExact(queue));
        SignalGuard.check();
    }

    /** A buffer of ints (indices) uploaded from the host. */
    ClBuffer uploadInts(int[] values) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(ValueLayout.JAVA_INT, Math.max(1, values.length));
            MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_INT, 0, values.length);
            return upload(seg, Math.max(1, values.length));
        }
    }

    // ------------------------------------------------------------------ calls

    interface IntCall { int call() throws Throwable; }

    interface ObjCall { Object call() throws Throwable; }

    static void check(String name, IntCall c) {
        int status;
        try {
            status = c.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new OpenClException(name + " failed: " + t);
        }
        ClStatus.check(name, status);
    }

    static Object invoke(String name, ObjCall c) {
        try {
            return c.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new OpenClException(name + " failed: " + t);
        }
    }
}
