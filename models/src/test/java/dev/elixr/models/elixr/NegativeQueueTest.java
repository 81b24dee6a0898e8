package dev.elixr.models.elixr;

import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class NegativeQueueTest {
    static Tensor rows(float... firstColumn) {
        float[] f = new float[firstColumn.length * 2];
        for (int i = 0; i < firstColumn.length; i++) { f[2 * i] = firstColumn[i]; f[2 * i + 1] = -firstColumn[i]; }
        return Tensor.wrap(f, firstColumn.length, 2);
    }

    @Test void keepsTheNewestEntriesOldestFirst() {
        NegativeQueue q = new NegativeQueue(3, 2);
        q.enqueue(rows(1, 2), rows(10, 20), new long[] {1, 2});
        assertEquals(2, q.size());
        q.enqueue(rows(3, 4), rows(30, 40), new long[] {3, 4});
        assertEquals(3, q.size());
        assertArrayEquals(new float[] {2, -2, 3, -3, 4, -4}, q.images().toFloatArray());
        assertArrayEquals(new float[] {20, -20, 30, -30, 40, -40}, q.texts().toFloatArray());
        assertArrayEquals(new long[] {2, 3, 4}, q.groups());
        q.enqueue(rows(5), rows(50), new long[] {5});
        assertArrayEquals(new long[] {3, 4, 5}, q.groups());
        assertArrayEquals(new float[] {3, -3, 4, -4, 5, -5}, q.images().toFloatArray());
    }

    @Test void stateRoundTripsExactlyIncludingFull64BitGroups() {
        NegativeQueue q = new NegativeQueue(4, 2);
        long[] g = {0xcbf29ce484222325L, -1L, Long.MIN_VALUE, 42, 0x100000001b3L};
        q.enqueue(rows(1, 2, 3, 4, 5), rows(6, 7, 8, 9, 10), g);
        NegativeQueue r = new NegativeQueue(4, 2);
        r.restore(q.state());
        assertArrayEquals(q.groups(), r.groups());
        assertArrayEquals(new long[] {-1L, Long.MIN_VALUE, 42, 0x100000001b3L}, r.groups());
        assertArrayEquals(q.images().toFloatArray(), r.images().toFloatArray());
        assertArrayEquals(q.texts().toFloatArray(), r.texts().toFloatArray());
        r.enqueue(rows(11), rows(12), new long[] {7});
        q.enqueue(rows(11), rows(12), new long[] {7});
        assertArrayEquals(q.groups(), r.groups());
    }

    @Test void badShapesAreRefusedWithTheShapes() {
        NegativeQueue q = new NegativeQueue(4, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> q.enqueue(Tensor.zeros(2, 3), Tensor.zeros(2, 2), new long[2]));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 2]"), e.getMessage());
        var small = new NegativeQueue(1, 2);
        q.enqueue(rows(1, 2), rows(1, 2), new long[2]);
        assertThrows(IllegalArgumentException.class, () -> small.restore(q.state()));
    }
}
