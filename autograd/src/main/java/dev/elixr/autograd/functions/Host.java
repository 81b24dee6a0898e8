package dev.elixr.autograd.functions;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;

/**
 * Host arrays for the loops that have no device kernel yet (backward of pooling, convolution's im2col, scatters,
 * fused losses; the optimisers' updates): a contiguous float copy in, a tensor on the original device out.
 */
public final class Host {
    private Host() {}

    /**
     * The values in row-major order: the backing array itself when t is a contiguous heap tensor covering it (write
     * into it only when t is yours), else a copy.
     */
    public static float[] read(Tensor t) {
        float[] a = t.storage().array();
        if (a != null && t.isContiguous() && t.offset() == 0 && a.length == t.numel()) return a;
        return t.toFloatArray();
    }

    /** A tensor of shape over data, on device. */
    public static Tensor put(float[] data, int[] shape, Device device) {
        Tensor t = Tensor.wrap(data, shape);
        return device.equals(Device.CPU) ? t : t.to(device);
    }
}
