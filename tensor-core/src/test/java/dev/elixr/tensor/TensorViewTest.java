package dev.elixr.tensor;

import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.MatMul;
import dev.elixr.tensor.ops.Reduce;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Views share storage and read the right elements; storages widen F16/BF16; printing is readable. */
class TensorViewTest {
    private static final Tensor T = Tensor.arange(24).view(2, 3, 4);

    @Test
    void reshapeAndFlattenOfContiguousAreViews() {
        Tensor r = T.reshape(4, -1);
        assertArrayEquals(new int[] {4, 6}, r.shape());
        assertSame(T.storage(), r.storage());
        assertEquals(13f, r.get(2, 1));
        assertArrayEquals(new int[] {6, 4}, T.flatten(0, 1).shape());
        assertArrayEquals(new int[] {24}, T.flatten().shape());
        assertThrows(IllegalArgumentException.class, () -> T.view(5, -1));
    }

    @Test
    void permuteTransposeSliceSelect() {
        Tensor p = T.permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        assertEquals(T.get(1, 2, 3), p.get(3, 1, 2));
        assertFalse(p.isContiguous());
        Tensor c = p.contiguous();
        assertTrue(c.isContiguous());
        for (int i = 0; i < 24; i++) assertEquals(p.getFlat(i), c.getFlat(i));
        Tensor s = T.slice(2, 1, 4, 2); // columns 1 and 3
        assertArrayEquals(new int[] {2, 3, 2}, s.shape());
        assertArrayEquals(new float[] {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23}, s.toFloatArray());
        assertArrayEquals(new float[] {20, 21, 22, 23}, T.select(0, 1).select(0, 2).toFloatArray());
        assertArrayEquals(new float[] {8, 9, 10, 11}, T.narrow(1, 2, 1).select(0, 0).flatten().toFloatArray());
        assertEquals(T.get(0, 2, 1), T.t().get(0, 1, 2));
        assertArrayEquals(new int[] {2, 0, 4}, T.slice(1, 3, 3, 1).shape());
        Tensor flat = T.slice(1, 0, 3, 2).flatten(); // non-contiguous flatten copies
        assertArrayEquals(new float[] {0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23}, flat.toFloatArray());
    }

    @Test
    void expandSqueezeUnsqueeze() {
        Tensor col = Tensor.vector(1, 2, 3).unsqueeze(1);
        assertArrayEquals(new int[] {3, 1}, col.shape());
        Tensor e = col.expand(2, 3, 4);
        assertArrayEquals(new int[] {0, 1, 0}, e.strides());
        assertEquals(3f, e.get(1, 2, 3));
        assertArrayEquals(new int[] {3}, col.squeeze().shape());
        assertArrayEquals(new int[] {3}, col.squeeze(1).shape());
        assertArrayEquals(new int[] {1, 3, 1}, col.unsqueeze(0).shape());
        assertArrayEquals(new int[] {3, 1, 1}, col.unsqueeze(-1).shape());
        assertThrows(IllegalArgumentException.class, () -> col.squeeze(0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ones(3, 2).expand(3, 4));
        assertEquals(12f, Reduce.sumAll(Tensor.ones(1).expand(3, 4)));
    }

    @Test
    void copyIntoStridedDestination() {
        Tensor out = Tensor.zeros(3, 4);
        out.backend().copy(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2), out.slice(1, 0, 4, 2));
        assertArrayEquals(new float[] {1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0}, out.toFloatArray());
    }

    @Test
    void toStringIsReadable() {
        assertEquals("Tensor[2,2] [[1., 2.],\n             [3., 4.]]", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).toString());
        assertEquals("Tensor[] 0.5000", Tensor.scalar(0.5f).toString());
        assertEquals("Tensor[3] [-1., 0.3333, 1.000e+09]", Tensor.vector(-1, 1f / 3, 1.0000001e9f).toString());
        assertEquals("Tensor[2000]", Tensor.zeros(2000).toString());
    }

    @Test
    void segmentStoragesWidenHalfPrecision() {
        float[] values = {1.5f, -2.25f, 0.099975586f, 65504f, 3.140625f, -0f};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment f16 = arena.allocate(values.length * 2L), bf16 = arena.allocate(values.length * 2L), f32 = arena.allocate(values.length * 4L);
            var i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; i++) {
                f16.set(i16, i * 2L, Float.floatToFloat16(values[i]));
                bf16.set(i16, i * 2L, DType.floatToBf16(values[i]));
                f32.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 4L, values[i]);
            }
            Tensor h = new Tensor(new SegmentStorage(f16, DType.F16), 2, 3);
            Tensor b = new Tensor(new SegmentStorage(bf16, DType.BF16), 2, 3);
            Tensor f = new Tensor(new SegmentStorage(f32, DType.F32), 2, 3);
            assertEquals(DType.F16, h.dtype());
            assertArrayEquals(values, h.toFloatArray());
            assertArrayEquals(values, f.toFloatArray());
            assertEquals(1.5f, b.get(0, 0));
            assertEquals(-2.25f, b.get(0, 1));
            assertEquals(65536f, b.get(1, 0)); // 65504 rounds to the nearest bfloat16
            assertEquals(3.140625f, b.get(1, 1));
            assertTrue(h.toString().startsWith("Tensor[2,3] F16 [[1.500, -2.250"));
            // ops read segment-backed (e.g. memory-mapped) tensors, also through views
            Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(h.t(), f), MatMul.matmul(h.t(), f), 1e-3, "F16 @ F32");
            Close.assertClose(dev.elixr.tensor.reference.Elementwise.mul(b, f.select(0, 1)), Elementwise.mul(b, f.select(0, 1)), 0, "BF16 * F32");
        }
    }

    @Test
    void factoriesAreSeededAndBounded() {
        assertArrayEquals(Tensor.randn(5, 10).toFloatArray(), Tensor.randn(5, 10).toFloatArray());
        Tensor tn = Tensor.truncatedNormal(new java.util.SplittableRandom(1), 0, 1, -0.5f, 0.5f, 1000);
        for (float v : tn.toFloatArray()) assertTrue(v >= -0.5f && v <= 0.5f);
        assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f}, Tensor.arange(0, 2, 0.5f).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[3], 2, 2));
    }

    static Stream<Long> seeds() { return LongStream.range(0, 25).boxed(); }

    /** Random chains of views read the same elements as the same chain applied to index arithmetic on a copy. */
    @ParameterizedTest
    @MethodSource("seeds")
    void randomViewChainsAgreeWithCopies(long seed) {
        Gen g = new Gen(seed);
        int[] shape = g.shape(1, 4);
        Tensor x = g.tensor(shape), c = x.copy();
        assertTrue(c.isContiguous());
        for (int step = 0; step < 4 && x.dim() > 0; step++) {
            int d = g.rng.nextInt(x.dim());
            switch (g.rng.nextInt(4)) {
                case 0 -> { int[] p = g.identity(x.dim()); g.shuffle(p); x = x.permute(p); c = c.permute(p); }
                case 1 -> { int n = x.size(d); if (n > 0) { int s = g.rng.nextInt(n); x = x.slice(d, s, n, 2); c = c.slice(d, s, n, 2); } }
                case 2 -> { x = x.unsqueeze(d); c = c.unsqueeze(d); }
                default -> { x = x.reshape(-1); c = c.reshape(-1); }
            }
            assertArrayEquals(c.toFloatArray(), x.toFloatArray(), "step " + step);
            assertArrayEquals(c.contiguous().toFloatArray(), x.copy().toFloatArray());
        }
    }
}
