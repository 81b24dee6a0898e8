package dev.elixr.tensor.backend;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Storage;
import dev.elixr.tensor.Tensor;

/**
 * The primitive operations a device must provide. The op front-ends in {@code dev.elixr.tensor.ops}
 * check shapes, allocate the output (always contiguous, on this backend's device) and call one of
 * these; callers never see which backend ran. Inputs are views (any strides, broadcast dimensions
 * have stride 0) that already live on this device. Nothing here assumes a Java array.
 */
public interface Backend {
    Device device();

    /** New zero-filled float32 storage of n elements on this device. */
    Storage allocate(int numel);

    /**
     * dst[i] = src[i] over all positions; same shape, both on this device, any strides on both sides (dst
     * must not overlap itself: concat, stack and pad copy into narrowed views of their output).
     */
    void copy(Tensor src, Tensor dst);

    /** Copies a host tensor (contiguous) to a new tensor on this device. */
    Tensor fromHost(Tensor host);

    /** Copies a tensor on this device to a new contiguous host tensor. */
    Tensor toHost(Tensor deviceTensor);

    // ---- elementwise: x, a, b already broadcast to out's shape (stride 0 where broadcast) ----

    void unary(UnaryOp op, Tensor x, Tensor out);

    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** out = cond != 0 ? a : b. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    // ---- reductions: out has x's rank with size 1 on the reduced axes (keepdim layout) ----

    void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out);

    /** Index of the max (or min) along one axis, written as float into out (size 1 on that axis). */
    void argReduce(boolean max, Tensor x, int axis, Tensor out);

    // ---- normalisation ----

    /** Softmax (or log-softmax) along one axis. */
    void softmax(Tensor x, int axis, boolean log, Tensor out);

    /** Layer norm over the last dimension; gamma/beta may be null. */
    void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out);

    /** RMS norm over the last dimension; gamma may be null. */
    void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out);

    // ---- products ----

    /** Batched matmul: a [B..,M,K] @ b [B..,K,N] → out [B..,M,N]; batch dims already broadcast; either operand may be a transposed view. */
    void matmul(Tensor a, Tensor b, Tensor out);

    /** 2-D convolution: x [N,C,H,W], w [O,C/groups,KH,KW], bias [O] or null → out [N,O,OH,OW]. */
    void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out);

    /** Max or average pooling over KH×KW windows (average counts padded cells, PyTorch's default). */
    void pool2d(boolean max, Tensor x, int kh, int kw, Conv2dParams p, Tensor out);

    /** Scaled dot-product attention: q [B,H,Tq,D], k,v [B,H,Tk,D], additive mask broadcastable to [B,H,Tq,Tk] or null. */
    void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out);

    // ---- indexing ----

    /** out[i, ...] = table[ids[i], ...] along axis 0 of table (embedding lookup, index select). */
    void gather(Tensor table, int[] ids, Tensor out);
}
