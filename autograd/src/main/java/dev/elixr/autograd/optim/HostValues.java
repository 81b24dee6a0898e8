package dev.elixr.autograd.optim;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;

/** Read-only host views of gradients for the optimiser loops: the backing array itself when it holds exactly the tensor. */
final class HostValues {
    private HostValues() {}

    /** The values in row-major order; the caller must not write into the result (it may be the tensor's own storage). */
    static float[] read(Tensor t) {
        float[] a = t.device().equals(Device.CPU) ? t.storage().array() : null;
        if (a != null && t.isContiguous() && t.offset() == 0 && a.length == t.numel()) return a;
        return t.toFloatArray();
    }
}
