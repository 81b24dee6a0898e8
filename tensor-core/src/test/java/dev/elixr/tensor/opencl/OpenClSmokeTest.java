package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.backend.BinaryOp;
import dev.elixr.tensor.backend.ReduceOp;
import dev.elixr.tensor.backend.SoftmaxMode;
import dev.elixr.tensor.backend.UnaryOp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transfers, views and a few primitives on the device against plain Java loops. */
class OpenClSmokeTest {
    static Device dev;
    static Backend be;

    @BeforeAll
    static void device() {
        dev = OpenClTestDevice.require();
        be = Backends.forDevice(dev);
    }

    private Tensor out(int... shape) { return new Tensor(be.allocate(Tensor.zeros(shape).numel()), shape); }

    @Test
    void roundTripKeepsValuesAndShape() {
        Tensor h = Tensor.randn(11, 3, 5, 7);
        Tensor d = h.to(dev);
        assertInstanceOf(ClBuffer.class, d.storage());
        assertEquals(dev, d.device());
        assertArrayEquals(h.toFloatArray(), d.toCpu().toFloatArray());
        assertArrayEquals(new int[] {3, 5, 7}, d.toCpu().shape());
    }

    @Test
    void allocateIsZero() {
        Tensor z = out(4, 9);
        for (float v : z.toFloatArray()) assertEquals(0f, v);
    }

    @Test
    void stridedViewsCopyOnDevice() {
        Tensor h = Tensor.randn(12, 2, 4, 6, 5);
        Tensor d = h.to(dev);
        Tensor hv = h.permute(2, 0, 3, 1).slice(3, 1, 4, 2);
        Tensor dv = d.permute(2, 0, 3, 1).slice(3, 1, 4, 2);
        assertArrayEquals(hv.contiguous().toFloatArray(), dv.contiguous().toCpu().toFloatArray());
        assertArrayEquals(hv.toFloatArray(), dv.toFloatArray());
    }

    @Test
    void hostElementAccessIsRefusedClearly() {
        Tensor d = Tensor.ones(2, 2).to(dev);
        var e = assertThrows(IllegalStateException.class, () -> d.get(0, 0));
        assertTrue(e.getMessage().contains("toCpu"), e.getMessage());
    }

    @Test
    void unaryAndBroadcastBinary() {
        Tensor a = Tensor.randn(13, 3, 4, 5), b = Tensor.randn(14, 4, 1, 5, 1).view(4, 5);
        Tensor da = a.to(dev), db = b.to(dev);
        Tensor o = out(3, 4, 5);
        be.binary(BinaryOp.MUL, da, db.expand(3, 4, 5), o);
        Tensor o2 = out(3, 4, 5);
        be.unary(UnaryOp.TANH, o, o2);
        float[] got = o2.toFloatArray();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
                for (int k = 0; k < 5; k++)
                    assertEquals(Math.tanh(a.get(i, j, k) * b.get(j, k)), got[(i * 4 + j) * 5 + k], 1e-6);
    }

    @Test
    void sumOverMiddleAxis() {
        Tensor a = Tensor.randn(15, 7, 3, 300, 2);
        Tensor o = out(3, 1, 2);
        be.reduce(ReduceOp.SUM, a.to(dev).permute(1, 2, 0, 3), new int[] {1, 2}, o.view(3, 1, 1, 2));
        float[] got = o.toFloatArray();
        for (int c = 0; c < 3; c++)
            for (int k = 0; k < 2; k++) {
                double s = 0;
                for (int i = 0; i < 7; i++) for (int j = 0; j < 300; j++) s += a.get(i, c, j, k);
                assertEquals(s, got[c * 2 + k], 1e-3);
            }
    }

    @Test
    void matmulWithTransposedOperand() {
        int m = 70, k = 33, n = 129;
        Tensor a = Tensor.randn(16, 2, m, k), bt = Tensor.randn(17, 3, n, k);
        Tensor b = bt.select(0, 1).t(); // [k, n] transposed view
        Tensor o = out(m, n);
        be.matmul(a.to(dev).select(0, 1), bt.to(dev).select(0, 1).t(), o);
        float[] got = o.toFloatArray();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int l = 0; l < k; l++) s += (double) a.get(1, i, l) * b.get(l, j);
                assertEquals(s, got[i * n + j], 1e-4, "C[" + i + "," + j + "]");
            }
    }

    @Test
    void softmaxRowsSumToOne() {
        Tensor a = Tensor.randn(18, 5, 6, 40);
        Tensor o = out(5, 6, 40);
        be.softmax(SoftmaxMode.SOFTMAX, a.to(dev), 1, o);
        float[] got = o.toFloatArray();
        for (int i = 0; i < 5; i++)
            for (int k = 0; k < 40; k++) {
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (int j = 0; j < 6; j++) max = Math.max(max, a.get(i, j, k));
                for (int j = 0; j < 6; j++) z += Math.exp(a.get(i, j, k) - max);
                for (int j = 0; j < 6; j++) assertEquals(Math.exp(a.get(i, j, k) - max) / z, got[(i * 6 + j) * 40 + k], 1e-6);
            }
    }

    @Test
    void tensorsOnDifferentDevicesAreRefused() {
        Tensor h = Tensor.ones(2);
        var e = assertThrows(IllegalArgumentException.class, () -> be.unary(UnaryOp.NEG, h, out(2)));
        assertTrue(e.getMessage().contains("lives on cpu"), e.getMessage());
    }

    @Test
    void missingDeviceIndexIsNamed() {
        var e = assertThrows(OpenClException.class, () -> new OpenClBackend(OpenClDevices.count() + 3));
        assertTrue(e.getMessage().contains("opencl:" + (OpenClDevices.count() + 3)), e.getMessage());
    }
}
