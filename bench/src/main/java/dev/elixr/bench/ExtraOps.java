package dev.elixr.bench;

import dev.elixr.tensor.HeapStorage;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.SoftmaxMode;
import dev.elixr.tensor.ops.Norm;
import dev.elixr.tensor.ops.Softmax;

import java.util.List;
import java.util.Locale;

/**
 * Memory-bound cases beyond convolution: softmax over rows of 4096 and layer norm over rows of 768, both larger than the
 * caches, each twice: the kernel writing into an existing output (as every other row of the table does; what the
 * bandwidth target judges) and the op front-end as users call it, a new output tensor per call included ("+alloc": the
 * JVM zeroes a new array before the kernel writes it, and the collector reclaims it; the numpy column, which allocates
 * too, is beside these). And a plain copy of the softmax's input, counted the same way (bytes read + written), into an
 * existing tensor ("copy": what the softmax kernel would reach if its arithmetic were free, with its working set and
 * cache state) and into a new one ("copy+alloc": the difference is the allocation's cost).
 */
final class ExtraOps {
    private ExtraOps() {}

    static List<OpsComparison.OpCase> cases() {
        return List.of(copy(4096, 4096, false), copy(4096, 4096, true), softmax(4096, 4096, false), softmax(4096, 4096, true), layerNorm(16384, 768, false),
                layerNorm(16384, 768, true));
    }

    static OpsComparison.OpCase copy(int rows, int cols, boolean alloc) {
        Tensor x = Tensor.randn(4, rows, cols);
        String shape = "[" + rows + "," + cols + "]";
        if (alloc) return new OpsComparison.OpCase("copy+alloc", shape, true, 2.0 * 4 * rows * cols,
                x::copy, String.format(Locale.ROOT, "\"op\": \"copy\", \"rows\": %d, \"cols\": %d", rows, cols));
        Tensor out = new Tensor(new HeapStorage(rows * cols), rows, cols);
        return new OpsComparison.OpCase("copy", shape, true, 2.0 * 4 * rows * cols, () -> x.backend().copy(x, out), null);
    }

    static OpsComparison.OpCase softmax(int rows, int cols, boolean alloc) {
        Tensor x = Tensor.randn(5, rows, cols);
        String shape = "[" + rows + "," + cols + "]";
        double bytes = 2.0 * 4 * rows * cols;
        if (alloc) return new OpsComparison.OpCase("softmax+alloc", shape, true, bytes, () -> Softmax.softmax(x, -1),
                String.format(Locale.ROOT, "\"op\": \"softmax\", \"rows\": %d, \"cols\": %d", rows, cols));
        Tensor out = new Tensor(new HeapStorage(rows * cols), rows, cols);
        return new OpsComparison.OpCase("softmax", shape, true, bytes, () -> x.backend().softmax(SoftmaxMode.SOFTMAX, x, 1, out), null);
    }

    static OpsComparison.OpCase layerNorm(int rows, int cols, boolean alloc) {
        Tensor x = Tensor.randn(6, rows, cols), g = Tensor.randn(7, cols), b = Tensor.randn(8, cols);
        String shape = "[" + rows + "," + cols + "]";
        double bytes = 2.0 * 4 * rows * cols;
        if (alloc) return new OpsComparison.OpCase("layer norm+alloc", shape, true, bytes, () -> Norm.layerNorm(x, g, b, 1e-5f),
                String.format(Locale.ROOT, "\"op\": \"layernorm\", \"rows\": %d, \"cols\": %d", rows, cols));
        Tensor out = new Tensor(new HeapStorage(rows * cols), rows, cols);
        return new OpsComparison.OpCase("layer norm", shape, true, bytes, () -> x.backend().layerNorm(x, g, b, 1e-5f, out), null);
    }
}
