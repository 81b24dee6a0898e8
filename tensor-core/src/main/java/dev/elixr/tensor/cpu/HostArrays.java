package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Tensor;

/** Kernels read float[] storages; a tensor over another host storage (memory-mapped F16/BF16) is copied first. */
final class HostArrays {
    private HostArrays() {}

    /** t itself when its storage is a float[], else a contiguous heap copy. */
    static Tensor heap(Tensor t) {
        return t == null || t.storage().array() != null ? t : t.copy();
    }

    /** A contiguous tensor over a float[] (t itself when it already is one). */
    static Tensor dense(Tensor t) {
        if (t == null) return null;
        return t.isContiguous() && t.storage().array() != null ? t : t.copy();
    }
}
