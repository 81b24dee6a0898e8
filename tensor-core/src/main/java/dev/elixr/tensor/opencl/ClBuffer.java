package dev.elixr.tensor.opencl;

import dev.elixr.tensor.DType;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Storage;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * Float32 elements in an OpenCL buffer (cl_mem) on one device. The buffer is released when the storage
 * becomes unreachable (a {@link Cleaner}); commands already queued keep it alive until they finish, as the
 * OpenCL specification guarantees. Element access from the host is refused: move the tensor with toCpu().
 */
public final class ClBuffer extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final ClContext context;
    private final MemorySegment mem;
    private final long size;

    ClBuffer(ClContext context, MemorySegment mem, long size) {
        this.context = context;
        this.mem = mem;
        this.size = size;
        CLEANER.register(this, new Release(context, mem, size));
    }

    /** The cl_mem handle. */
    MemorySegment mem() { return mem; }

    ClContext context() { return context; }

    @Override public long size() { return size; }
    @Override public DType dtype() { return DType.F32; }
    @Override public Device device() { return context.device(); }

    @Override
    public float get(long i) {
        throw new IllegalStateException("element " + i + " lives on " + device() + "; call toCpu() on the tensor first");
    }

    @Override
    public void set(long i, float v) {
        throw new IllegalStateException("element " + i + " lives on " + device() + "; compute on the host and move it with to(device)");
    }

    @Override public String toString() { return "ClBuffer[" + size + " floats on " + device() + "]"; }

    /** Releases the cl_mem; holds no reference to the buffer object itself. */
    private record Release(ClContext context, MemorySegment mem, long size) implements Runnable {
        @Override public void run() { context.release(mem, size * 4); }
    }
}
