package dev.elixr.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Elements in a {@link MemorySegment} (off-heap or memory-mapped), little-endian, stored as F32,
 * F16 or BF16 and read as float32. A tensor backed by a mapped safetensors file costs no copy.
 */
public final class SegmentStorage extends Storage {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment segment;
    private final DType dtype;
    private final boolean readOnly;

    public SegmentStorage(MemorySegment segment, DType dtype) {
        if (segment.byteSize() % dtype.byteSize() != 0) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is not a whole number of "
                    + dtype + " elements");
        }
        this.segment = segment;
        this.dtype = dtype;
        this.readOnly = segment.isReadOnly();
    }

    @Override public long size() { return segment.byteSize() / dtype.byteSize(); }
    @Override public DType dtype() { return dtype; }
    @Override public Device device() { return Device.CPU; }
    @Override public MemorySegment segment() { return segment; }

    @Override
    public float get(long i) {
        return switch (dtype) {
            case F32 -> segment.get(F32, i * 4);
            case F16 -> Float.float16ToFloat(segment.get(I16, i * 2));
            case BF16 -> DType.bf16ToFloat(segment.get(I16, i * 2));
        };
    }

    @Override
    public void set(long i, float v) {
        if (readOnly) throw new UnsupportedOperationException("storage is read-only (memory-mapped weights); copy the tensor first");
        switch (dtype) {
            case F32 -> segment.set(F32, i * 4, v);
            case F16 -> segment.set(I16, i * 2, Float.floatToFloat16(v));
            case BF16 -> segment.set(I16, i * 2, DType.floatToBf16(v));
        }
    }
}
