package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.HeapStorage;
import dev.elixr.tensor.Storage;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.BinaryOp;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.ReduceOp;
import dev.elixr.tensor.backend.UnaryOp;

/** The default backend: host memory, Vector API kernels on the shared {@link dev.elixr.tensor.Parallel} pool. */
public final class CpuBackend implements Backend {
    @Override public Device device() { return Device.CPU; }

    @Override public Storage allocate(int numel) { return new HeapStorage(numel); }

    @Override
    public void copy(Tensor src, Tensor dst) {
        StridedCopy.copy(src, dst);
    }

    @Override public Tensor fromHost(Tensor host) { return host; }

    @Override public Tensor toHost(Tensor t) { return t; }

    private static UnsupportedOperationException todo(String op) {
        return new UnsupportedOperationException(op + " is not implemented on the CPU backend yet");
    }

    @Override public void unary(UnaryOp op, Tensor x, Tensor out) { throw todo("unary"); }
    @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) { throw todo("binary"); }
    @Override public void where(Tensor cond, Tensor a, Tensor b, Tensor out) { throw todo("where"); }
    @Override public void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) { throw todo("reduce"); }
    @Override public void argReduce(boolean max, Tensor x, int axis, Tensor out) { throw todo("argReduce"); }
    @Override public void softmax(Tensor x, int axis, boolean log, Tensor out) { throw todo("softmax"); }
    @Override public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) { throw todo("layerNorm"); }
    @Override public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) { throw todo("rmsNorm"); }
    @Override public void matmul(Tensor a, Tensor b, Tensor out) { throw todo("matmul"); }
    @Override public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) { throw todo("conv2d"); }
    @Override public void pool2d(boolean max, Tensor x, int kh, int kw, Conv2dParams p, Tensor out) { throw todo("pool2d"); }
    @Override public void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out) { throw todo("attention"); }
    @Override public void gather(Tensor table, int[] ids, Tensor out) { throw todo("gather"); }
}
