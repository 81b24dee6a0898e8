package dev.elixr.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A flat run of elements that one or more tensors view. Implementations: {@link HeapStorage}
 * (a float[]), {@link SegmentStorage} (a {@link MemorySegment}, e.g. a memory-mapped weight file,
 * F32/F16/BF16), and device storages of other backends. Nothing here assumes a Java array:
 * kernels that want one ask {@link #array()} and fall back otherwise.
 */
public abstract class Storage {
    /** Number of elements. */
    public abstract long size();

    public abstract DType dtype();

    public abstract Device device();

    /** Element i widened to float (host storages only). */
    public abstract float get(long i);

    /** Writes element i (host storages only; read-only storages throw). */
    public abstract void set(long i, float v);

    /** The backing array when this is a float32 heap storage, else null. */
    public float[] array() { return null; }

    /** The backing segment when this is a host segment storage, else null. */
    public MemorySegment segment() { return null; }

    public boolean isHost() { return device().kind() == Device.Kind.CPU; }
}
