package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.DType;
import dev.elixr.tensor.SegmentStorage;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.MatMul;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The operand layouts CpuMatMul hands to Sgemm in place: float32 segments (mapped weights), transposed and broadcast views. */
class CpuMatMulOperandTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 5, 197})
    void linearLayerOnASegmentWeightMatchesReference(int tokens) {
        int in = 70, outF = 45;
        Tensor x = Tensor.randn(tokens, 2, tokens, in);
        float[] w = Tensor.randn(7, outF, in).toFloatArray();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(4L * w.length, 4);
            MemorySegment.copy(w, 0, seg, ValueLayout.JAVA_FLOAT, 0, w.length);
            Tensor mapped = new Tensor(new SegmentStorage(seg, DType.F32), outF, in);
            Tensor heap = Tensor.of(w, outF, in);
            Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(x, heap.t()), MatMul.matmul(x, mapped.t()), 1e-4, "x·Wᵀ, W in a segment");
            Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(x, heap.t()), MatMul.matmul(x, heap.t()), 1e-4, "x·Wᵀ, W on the heap");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 64})
    void transposedAndBroadcastOperandsMatchReference(int n) {
        Tensor a = Tensor.randn(n, 4, 33, n).transpose(-1, -2);      // [4, n, 33] with unit stride down the columns
        Tensor b = Tensor.randn(n + 1, 33, 29).unsqueeze(0).expand(4, 33, 29); // batch stride 0
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(a, b), MatMul.matmul(a, b), 1e-4, "Aᵀ·B, broadcast B");
        Tensor c = Tensor.randn(n + 2, 29, 40).slice(1, 0, 40, 2);    // row stride 40, column stride 2: copied
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(b, c), MatMul.matmul(b, c), 1e-4, "strided B");
    }
}
