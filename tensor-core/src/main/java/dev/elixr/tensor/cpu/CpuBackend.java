package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.HeapStorage;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Storage;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.AdamWStep;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.BinaryOp;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.Extremum;
import dev.elixr.tensor.backend.PoolMode;
import dev.elixr.tensor.backend.ReduceOp;
import dev.elixr.tensor.backend.SgdStep;
import dev.elixr.tensor.backend.SoftmaxMode;
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

    @Override public void argReduce(Extremum which, Tensor x, int axis, Tensor out) { CpuReduce.argReduce(which == Extremum.MAX, x, axis, out); }

    @Override
    public void softmax(SoftmaxMode mode, Tensor x, int axis, Tensor out) { CpuSoftmax.softmax(x, axis, mode == SoftmaxMode.LOG_SOFTMAX, out); }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) { CpuNorm.layerNorm(x, gamma, beta, eps, out); }

    @Override public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) { CpuNorm.rmsNorm(x, gamma, eps, out); }

    @Override public void matmul(Tensor a, Tensor b, Tensor out) { CpuMatMul.matmul(a, b, out); }

    @Override public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) { CpuConv.conv2d(x, w, bias, p, out); }

    @Override
    public void conv2dFused(Tensor x, Tensor w, Tensor gate, Tensor scale, Tensor shift, UnaryOp act, Conv2dParams p, Tensor out) {
        CpuConv.conv2d(x, w, gate, scale, shift, act, p, out);
    }

    @Override
    public void pool2d(PoolMode mode, Tensor x, int kh, int kw, Conv2dParams p, Tensor out) { CpuPool.pool2d(mode == PoolMode.MAX, x, kh, kw, p, out); }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out) {
        CpuAttention.attention(q, k, v, mask, causal, scale, out);
    }

    @Override public boolean keepsAttentionProbabilities() { return true; }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out, Tensor p) {
        CpuAttention.attention(q, k, v, mask, causal, scale, out, p);
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

    @Override public void im2col(Tensor x, int kh, int kw, Conv2dParams p, Tensor cols) { CpuIm2col.im2col(x, kh, kw, p, cols); }

    @Override public void col2im(Tensor cols, int kh, int kw, Conv2dParams p, Tensor dx) { CpuIm2col.col2im(cols, kh, kw, p, dx); }

    /** Dense convolutions (groups = 1) through banded im2col and GEMMs; depthwise ones directly. Other groupings: ops composes. */
    @Override
    public boolean fusesConv2dBackward(Conv2dParams p, int[] xShape, int[] wShape) {
        return p.groups() == 1 || DepthwiseBackward.applies(xShape, wShape, p);
    }

    @Override
    public void conv2dBackward(Tensor x, Tensor w, Tensor g, Conv2dParams p, Tensor dx, Tensor dw) {
        if (p.groups() != 1 && DepthwiseBackward.applies(x.shape(), w.shape(), p)) DepthwiseBackward.backward(x, w, g, p, dx, dw);
        else Conv2dBackward.backward(x, w, g, p, dx, dw);
    }

    @Override
    public long conv2dBackwardScratchFloats(long n, int[] xShape, int[] wShape, int ohw, Conv2dParams p) {
        if (p.groups() != 1 && DepthwiseBackward.applies(xShape, wShape, p)) return DepthwiseBackward.scratchFloats(n, xShape, wShape, p);
        return Conv2dBackward.scratchFloats(n, xShape, wShape, p);
    }

    @Override
    public void pool2dBackward(PoolMode mode, Tensor x, Tensor g, int kh, int kw, Conv2dParams p, Tensor dx) {
        CpuPoolBackward.pool2dBackward(mode, x, g, kh, kw, p, dx);
    }

    @Override public void scatterAddRows(Tensor src, int[] ids, Tensor table) { CpuScatter.scatterAddRows(src, ids, table); }

    @Override
    public void softmaxBackward(SoftmaxMode mode, Tensor y, Tensor g, int axis, Tensor dx) { CpuSoftmaxBackward.softmaxBackward(mode, y, g, axis, dx); }

    @Override
    public void attentionProbabilities(Tensor scores, Tensor mask, boolean causal, float scale, Tensor p) {
        CpuAttention.probabilities(scores, mask, causal, scale, p);
    }

    @Override public boolean fusesAttentionBackward() { return true; }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor g,
                                  Tensor dq, Tensor dk, Tensor dv) {
        AttentionBackward.backward(q, k, v, mask, causal, scale, g, dq, dk, dv);
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor g, Tensor p,
                                  Tensor dq, Tensor dk, Tensor dv) {
        AttentionBackward.backward(q, k, v, mask, causal, scale, g, p, dq, dk, dv);
    }

    @Override
    public long attentionBackwardScratchFloats(int tq, int tk) {
        return Parallel.threads() * AttentionBackward.scratchFloats(tq, tk);
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor gamma, Tensor g, float eps, Tensor dx, Tensor dgamma, Tensor dbeta) {
        CpuNormBackward.backward(x, gamma, g, eps, false, dx, dgamma, dbeta);
    }

    @Override
    public void rmsNormBackward(Tensor x, Tensor gamma, Tensor g, float eps, Tensor dx, Tensor dgamma) {
        CpuNormBackward.backward(x, gamma, g, eps, true, dx, dgamma, null);
    }

    @Override
    public void batchNorm2d(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out, Tensor mean, Tensor var) {
        CpuBatchNorm.forward(x, gamma, beta, eps, out, mean, var);
    }

    @Override
    public void batchNorm2dBackward(Tensor x, Tensor gamma, Tensor mean, Tensor var, float eps, Tensor g, Tensor dx, Tensor dgamma, Tensor dbeta) {
        CpuBatchNorm.backward(x, gamma, mean, var, eps, g, dx, dgamma, dbeta);
    }

    @Override
    public void crossEntropy(Tensor logits, int[] targets, float smoothing, int ignoreIndex, Tensor rowLoss) {
        CpuCrossEntropy.forward(logits, targets, smoothing, ignoreIndex, rowLoss);
    }

    @Override
    public void crossEntropyBackward(Tensor logits, int[] targets, float smoothing, int ignoreIndex, float scale, Tensor dx) {
        CpuCrossEntropy.backward(logits, targets, smoothing, ignoreIndex, scale, dx);
    }

    @Override public void dropoutMask(long seed, float p, Tensor out) { CpuDropout.mask(seed, p, out); }

    @Override public void adamW(Tensor w, Tensor g, Tensor m, Tensor v, AdamWStep step) { CpuOptimizerStep.adamW(w, g, m, v, step); }

    @Override public void sgd(Tensor w, Tensor g, Tensor buf, SgdStep step) { CpuOptimizerStep.sgd(w, g, buf, step); }
}
