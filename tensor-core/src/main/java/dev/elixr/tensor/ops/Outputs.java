package dev.elixr.tensor.ops;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;

/** New contiguous result tensors and scalar operands on a backend's device. */
final class Outputs {
    private Outputs() {}

    static Tensor allocate(Backend b, int... shape) { return new Tensor(b.allocate(Shape.numel(shape)), shape); }

    /** A rank-0 tensor holding s on the backend's device. */
    static Tensor scalar(Backend b, float s) { return Tensor.scalar(s).to(b.device()); }

    static String str(Tensor t) { return Shape.str(t.shape()); }
}
