package dev.elixr.bench;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Norm;
import dev.elixr.tensor.ops.Softmax;

import java.util.List;
import java.util.Locale;

/**
 * Memory-bound cases that go through the op front-ends, as users call them (a new output tensor per
 * call included): softmax over rows of 4096 and layer norm over rows of 768, both larger than the caches; and a plain
 * copy of the softmax's input into a new tensor, measured and counted the same way (bytes read + written): what an op
 * that reads a tensor and writes a new one of its size can reach on this machine, allocation included.
 */
final class ExtraOps {
    private ExtraOps() {}

    static List<OpsComparison.OpCase> cases() {
        return List.of(copy(4096, 4096), softmax(4096, 4096), layerNorm(16384, 768));
    }

    static OpsComparison.OpCase copy(int rows, int cols) {
        Tensor x = Tensor.randn(4, rows, cols);
        return new OpsComparison.OpCase("copy", "[" + rows + "," + cols + "]", true, 2.0 * 4 * rows * cols,
                x::copy, String.format(Locale.ROOT, "\"op\": \"copy\", \"rows\": %d, \"cols\": %d", rows, cols));
    }

    static OpsComparison.OpCase softmax(int rows, int cols) {
        Tensor x = Tensor.randn(5, rows, cols);
        return new OpsComparison.OpCase("softmax", "[" + rows + "," + cols + "]", true, 2.0 * 4 * rows * cols,
                () -> Softmax.softmax(x, -1), String.format(Locale.ROOT, "\"op\": \"softmax\", \"rows\": %d, \"cols\": %d", rows, cols));
    }

    static OpsComparison.OpCase layerNorm(int rows, int cols) {
        Tensor x = Tensor.randn(6, rows, cols), g = Tensor.randn(7, cols), b = Tensor.randn(8, cols);
        return new OpsComparison.OpCase("layer norm", "[" + rows + "," + cols + "]", true, 2.0 * 4 * rows * cols,
                () -> Norm.layerNorm(x, g, b, 1e-5f), String.format(Locale.ROOT, "\"op\": \"layernorm\", \"rows\": %d, \"cols\": %d", rows, cols));
    }
}
