package dev.elixr.tensor;

/** Float32 elements in a Java array: the default storage of CPU tensors. */
public final class HeapStorage extends Storage {
    private final float[] data;

    public HeapStorage(float[] data) { this.data = data; }

    public HeapStorage(int size) { this(new float[size]); }

    @Override public long size() { return data.length; }
    @Override public DType dtype() { return DType.F32; }
    @Override public Device device() { return Device.CPU; }
    @Override public float get(long i) { return data[(int) i]; }
    @Override public void set(long i, float v) { data[(int) i] = v; }
    @Override public float[] array() { return data; }
}
