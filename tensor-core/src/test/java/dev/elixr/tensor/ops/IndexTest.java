package dev.elixr.tensor.ops;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Embedding, index select, concat, stack, split, chunk and pad against the references. */
class IndexTest {
    static Stream<Long> seeds() { return LongStream.range(0, 30).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds")
    void gathers(long seed) {
        Gen g = new Gen(seed);
        Tensor table = g.tensor(1 + g.rng.nextInt(9), g.dim());
        int[] ids = g.rng.ints(6, 0, table.size(0)).toArray();
        int[] idShape = seed % 2 == 0 ? new int[] {2, 3} : new int[0];
        Close.assertClose(dev.elixr.tensor.reference.Index.embedding(table, ids, idShape), Index.embedding(table, ids, idShape), 0, "embedding");
        int[] shape = g.shape(1, 4);
        Tensor x = g.tensor(shape);
        int axis = g.rng.nextInt(shape.length);
        int[] idx = g.rng.ints(1 + g.rng.nextInt(5), 0, shape[axis]).toArray();
        Close.assertClose(dev.elixr.tensor.reference.Index.indexSelect(x, axis, idx), Index.indexSelect(x, axis, idx), 0, "indexSelect");
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void joinsAndSplits(long seed) {
        Gen g = new Gen(seed);
        int[] shape = g.shape(1, 4);
        int axis = g.rng.nextInt(shape.length);
        Tensor[] parts = new Tensor[1 + g.rng.nextInt(3)];
        for (int i = 0; i < parts.length; i++) {
            int[] s = shape.clone();
            s[axis] = g.rng.nextInt(4);
            parts[i] = g.tensor(s);
        }
        Close.assertClose(dev.elixr.tensor.reference.Index.concat(axis, parts), Index.concat(axis, parts), 0, "concat");
        Tensor[] same = new Tensor[parts.length];
        for (int i = 0; i < same.length; i++) same[i] = g.tensor(shape);
        int sAxis = g.rng.nextInt(shape.length + 1);
        Close.assertClose(dev.elixr.tensor.reference.Index.stack(sAxis, same), Index.stack(sAxis, same), 0, "stack");
        Tensor x = g.tensor(shape);
        int n = 1 + g.rng.nextInt(4);
        Tensor[] mine = Index.chunk(x, axis, n), ref = dev.elixr.tensor.reference.Index.chunk(x, axis, n);
        assertEquals(ref.length, mine.length);
        for (int i = 0; i < ref.length; i++) {
            Close.assertClose(ref[i], mine[i], 0, "chunk " + i);
            assertSame(x.storage(), mine[i].storage(), "chunk is a view");
        }
        int first = g.rng.nextInt(shape[axis] + 1);
        Tensor[] sp = Index.split(x, axis, first, shape[axis] - first);
        Tensor[] rs = dev.elixr.tensor.reference.Index.split(x, axis, first, shape[axis] - first);
        for (int i = 0; i < 2; i++) Close.assertClose(rs[i], sp[i], 0, "split " + i);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void pads(long seed) {
        Gen g = new Gen(seed);
        int[] shape = g.shape(1, 4);
        for (int i = 0; i < shape.length; i++) shape[i] = Math.max(shape[i], 2);
        Tensor x = g.tensor(shape);
        int[] pads = new int[2 * (1 + g.rng.nextInt(shape.length))];
        for (int i = 0; i < pads.length; i++) pads[i] = g.rng.nextInt(4) - (seed % 3 == 0 ? 1 : 0);
        float value = seed % 2 == 0 ? 0f : -2.5f;
        Close.assertClose(dev.elixr.tensor.reference.Index.pad(x, pads, value), Index.pad(x, pads, value), 0,
                "pad " + java.util.Arrays.toString(shape) + " by " + java.util.Arrays.toString(pads));
    }

    @Test
    void chunkFollowsTorch() {
        Tensor x = Tensor.arange(10);
        Tensor[] c = Index.chunk(x, 0, 4);
        assertEquals(4, c.length);
        assertArrayEquals(new float[] {9}, c[3].toFloatArray());
        assertEquals(3, Index.chunk(Tensor.arange(6), 0, 4).length); // sizes 2,2,2 as torch.chunk
    }
}
