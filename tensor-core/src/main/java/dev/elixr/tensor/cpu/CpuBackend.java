package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.HeapStorage;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Storage;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.BinaryOp;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.ReduceOp;
import dev.elixr.tensor.backend.UnaryOp;

/**
 * The default backend: host memory, Vector API kernels on the shared {@link Parallel} pool. Each family
 * of kernels lives in its own class; this class only dispatches.
 */
public final class CpuBackend implements Backend {
    @Override public Device device() { return Device.CPU; }

    @Override public Storage allocate(int numel) { return new HeapStorage(numel); }

    @Override public void copy(Tensor src, Tensor dst) { StridedCopy.copy(src, dst); }

    @Override public Tensor fromHost(Tensor host) { return host; }

    @Override public Tensor toHost(Tensor t) { return t; }

    @Override public void unary(UnaryOp op, Tensor x, Tensor out) { CpuElementwise.unary(op, x, out); }

    @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) { CpuElementwise.binary(op, a, b, out); }

    @Override public void where(Tensor cond, Tensor a, Tensor b, Tensor out) { CpuElementwise.where(cond, a, b, out); }

    @Override public void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) { CpuReduce.reduce(op, x, axes, out); }

    @Override public void argReduce(boolean max, Tensor x, int axis, Tensor out) { CpuReduce.argReduce(max, x, axis, out); }

    @Override public void softmax(Tensor x, int axis, boolean log, Tensor out) { CpuSoftmax.softmax(x, axis, log, out); }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) { CpuNorm.layerNorm(x, gamma, beta, eps, out); }

    @Override public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) { CpuNorm.rmsNorm(x, gamma, eps, out); }

    @Override public void matmul(Tensor a, Tensor b, Tensor out) { CpuMatMul.matmul(a, b, out); }

    @Override public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) { CpuConv.conv2d(x, w, bias, p, out); }

    @Override
    public void pool2d(boolean max, Tensor x, int kh, int kw, Conv2dParams p, Tensor out) { CpuPool.pool2d(max, x, kh, kw, p, out); }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out) {
        CpuAttention.attention(q, k, v, mask, causal, scale, out);
    }

    /** Rows of table (axis 0) copied into consecutive rows of out. */
    @Override
    public void gather(Tensor table, int[] ids, Tensor out) {
        if (out.numel() == 0) return;
        int row = out.numel() / ids.length;
        float[] t = table.storage().array(), o = out.storage().array();
        if (t != null && o != null && table.isContiguous() && out.isContiguous()) { // whole rows: one arraycopy each
            int to = table.offset(), oo = out.offset();
            Parallel.forRange(ids.length, Math.max(1, 8192 / Math.max(1, row)), (s, e) -> {
                for (int i = s; i < e; i++) System.arraycopy(t, to + ids[i] * row, o, oo + i * row, row);
            });
            return;
        }
        Parallel.forRange(ids.length, Math.max(1, 8192 / Math.max(1, row)), (s, e) -> {
            for (int i = s; i < e; i++) StridedCopy.copy(table.select(0, ids[i]), out.select(0, i));
        });
    }
}
