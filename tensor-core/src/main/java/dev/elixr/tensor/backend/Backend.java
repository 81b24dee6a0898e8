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

    // ---- elementwise: x, a, b already broadcast to out's shape (stride 0 where broadcast); out may be x or a itself
    //      when that is contiguous (Elementwise.addInPlace, reluInPlace): each element is read before it is written ----

    void unary(UnaryOp op, Tensor x, Tensor out);

    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** out = cond != 0 ? a : b. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    // ---- reductions: out has x's rank with size 1 on the reduced axes (keepdim layout) ----

    void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out);

    /** Index of the max (or min) along one axis, written as float into out (size 1 on that axis). */
    void argReduce(Extremum which, Tensor x, int axis, Tensor out);

    // ---- normalisation ----

    /** Softmax (or log-softmax) along one axis. */
    void softmax(SoftmaxMode mode, Tensor x, int axis, Tensor out);

    /** Layer norm over the last dimension; gamma/beta may be null. */
    void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out);

    /** RMS norm over the last dimension; gamma may be null. */
    void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out);

    // ---- products ----

    /** Batched matmul: a [B..,M,K] @ b [B..,K,N] → out [B..,M,N]; batch dims already broadcast; either operand may be a transposed view. */
    void matmul(Tensor a, Tensor b, Tensor out);

    /** 2-D convolution: x [N,C,H,W], w [O,C/groups,KH,KW], bias [O] or null → out [N,O,OH,OW]. */
    void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out);

    /**
     * Inference convolution with its per-channel epilogue: out = act(conv(x·gate, w)·scale + shift), gate [N, C] (a
     * squeeze-and-excitation gate on the input channels), scale and shift [O] (a folded batch norm or a bias), any of
     * gate, scale, shift, act null. By default composed from {@link #binary}, {@link #conv2d} and {@link #unary}; a
     * backend fuses it to spare the passes over the activations.
     */
    default void conv2dFused(Tensor x, Tensor w, Tensor gate, Tensor scale, Tensor shift, UnaryOp act, Conv2dParams p, Tensor out) {
        int n = x.size(0), c = x.size(1), o = out.size(1);
        if (gate != null) {
            Tensor gated = new Tensor(allocate(x.numel()), x.shape());
            binary(BinaryOp.MUL, x, gate.reshape(n, c, 1, 1).expand(x.shape()), gated);
            x = gated;
        }
        conv2d(x, w, null, p, out);
        if (scale != null) binary(BinaryOp.MUL, out, scale.reshape(1, o, 1, 1).expand(out.shape()), out);
        if (shift != null) binary(BinaryOp.ADD, out, shift.reshape(1, o, 1, 1).expand(out.shape()), out);
        if (act != null) unary(act, out, out);
    }

    /** Max or average pooling over KH×KW windows (average counts padded cells, PyTorch's default). */
    void pool2d(PoolMode mode, Tensor x, int kh, int kw, Conv2dParams p, Tensor out);

    /** Scaled dot-product attention: q [B,H,Tq,D], k,v [B,H,Tk,D], additive mask broadcastable to [B,H,Tq,Tk] or null. */
    void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out);

    // ---- indexing ----

    /** out[i, ...] = table[ids[i], ...] along axis 0 of table (embedding lookup, index select). */
    void gather(Tensor table, int[] ids, Tensor out);

    // ---- backward passes (g is the gradient of the op's output; gradients are written into fresh contiguous outputs) ----

    /**
     * Unfolds x [N,C,H,W] into cols [G, C/G·KH·KW, N·OH·OW] (im2col, Chellapilla et al. 2006):
     * cols[g][(c·KH + i)·KW + j][n·OH·OW + oy·OW + ox] = x[n][g·C/G + c][oy·sh − ph + i·dh][ox·sw − pw + j·dw], 0 outside.
     */
    void im2col(Tensor x, int kh, int kw, Conv2dParams p, Tensor cols);

    /**
     * The adjoint of {@link #im2col}: adds every cols entry into the cell of dx [N,C,H,W] it was read from; dx arrives
     * zero-filled (a fresh output), so it ends as the sum.
     */
    void col2im(Tensor cols, int kh, int kw, Conv2dParams p, Tensor dx);

    /**
     * Whether {@link #conv2dBackward} computes both gradients of a convolution of x (xShape) with w (wShape) and these
     * parameters in one call.
     */
    default boolean fusesConv2dBackward(Conv2dParams p, int[] xShape, int[] wShape) { return false; }

    /**
     * Both gradients of {@link #conv2d} at once, where {@link #fusesConv2dBackward} says so (else ops compose im2col,
     * GEMMs and col2im): dx [N,C,H,W] and dw [O,C/G,KH,KW] are fresh zero-filled outputs, or null when not wanted.
     */
    default void conv2dBackward(Tensor x, Tensor w, Tensor g, Conv2dParams p, Tensor dx, Tensor dw) {
        throw new UnsupportedOperationException("conv2dBackward: this backend composes the convolution backward from im2col and GEMMs");
    }

    /**
     * Floats of scratch {@link #conv2dBackward} takes besides dx and dw for n images of xShape's C, H, W and weights
     * wShape (ohw output positions an image), where it fuses: by default the whole batch's columns and a copy of g.
     */
    default long conv2dBackwardScratchFloats(long n, int[] xShape, int[] wShape, int ohw, Conv2dParams p) {
        return n * ((long) xShape[1] * wShape[2] * wShape[3] + wShape[0]) * ohw;
    }

    /**
     * Gradient of {@link #pool2d} with respect to x: dx (zero-filled, a fresh output) gets each window's g spread evenly
     * over the window (AVERAGE, divided by KH·KW) or added at the window's first maximum in row-major order (MAX).
     */
    void pool2dBackward(PoolMode mode, Tensor x, Tensor g, int kh, int kw, Conv2dParams p, Tensor dx);

    /** table[ids[i], ...] += src[i, ...] for every i (rows of src along axis 0, in increasing i for each row of table). */
    void scatterAddRows(Tensor src, int[] ids, Tensor table);

    /**
     * Gradient of softmax (dx = y⊙(g − Σ g⊙y)) or log-softmax (dx = g − exp(y)·Σ g) along axis, from the output y;
     * dx may be g itself (contiguous) to overwrite the gradient in place.
     */
    void softmaxBackward(SoftmaxMode mode, Tensor y, Tensor g, int axis, Tensor dx);

    /**
     * Attention probabilities from raw scores s [B,H,Tq,Tk]: p = softmax(s·scale + mask) per row, where causal rows
     * end at key i + Tk − Tq and rows with every key masked are all zero (as {@link #attention}).
     */
    void attentionProbabilities(Tensor scores, Tensor mask, boolean causal, float scale, Tensor p);

    /**
     * Whether {@link #attentionBackward} computes the gradients of {@link #attention} in one call (else ops composes them
     * from {@link #attentionProbabilities}, batched products and {@link #softmaxBackward}).
     */
    default boolean fusesAttentionBackward() { return false; }

    /**
     * Gradients of {@link #attention} for output gradient g [B,H,Tq,Dv], where {@link #fusesAttentionBackward} says so:
     * dq, dk, dv are fresh zero-filled outputs shaped like q, k, v, or null when not wanted; mask as {@link #attention}'s
     * (broadcastable, not yet expanded).
     */
    default void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor g,
                                   Tensor dq, Tensor dk, Tensor dv) {
        throw new UnsupportedOperationException("attentionBackward: this backend composes the attention backward");
    }

    /**
     * Whether {@link #attention(Tensor, Tensor, Tensor, Tensor, boolean, float, Tensor, Tensor)} can also keep the
     * probabilities P for a backward that reads them instead of recomputing them (the CPU; memory for compute).
     */
    default boolean keepsAttentionProbabilities() { return false; }

    /**
     * {@link #attention} that also writes P = softmax(q·kᵀ·scale + mask) [B,H,Tq,Tk] into p (fresh, zero-filled,
     * contiguous; zero past each row's causal end), where {@link #keepsAttentionProbabilities} says so.
     */
    default void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out, Tensor p) {
        throw new UnsupportedOperationException("attention: this backend does not keep the probabilities");
    }

    /** {@link #attentionBackward} reading the P that {@link #attention(Tensor, Tensor, Tensor, Tensor, boolean, float, Tensor, Tensor)} kept. */
    default void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor g, Tensor p,
                                   Tensor dq, Tensor dk, Tensor dv) {
        throw new UnsupportedOperationException("attentionBackward: this backend does not keep the probabilities");
    }

    /** Floats of scratch {@link #attentionBackward} takes besides its outputs, where it fuses (all threads together). */
    default long attentionBackwardScratchFloats(int tq, int tk) { return 0; }

    /**
     * Gradients of {@link #layerNorm} (statistics recomputed per row): dx = (1/σ)·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)) with
     * ĝ = g⊙γ; dgamma = Σ_rows g⊙x̂; dbeta = Σ_rows g. Any of dx, dgamma, dbeta may be null (not wanted).
     */
    void layerNormBackward(Tensor x, Tensor gamma, Tensor g, float eps, Tensor dx, Tensor dgamma, Tensor dbeta);

    /** Gradients of {@link #rmsNorm}: dx = r·(ĝ − x·r²·mean(ĝ⊙x)), r = 1/√(mean(x²)+eps); dgamma = Σ_rows g⊙x·r. */
    void rmsNormBackward(Tensor x, Tensor gamma, Tensor g, float eps, Tensor dx, Tensor dgamma);

    /**
     * Batch norm in training mode over N,H,W per channel of x [N,C,H,W] (Ioffe &amp; Szegedy 2015, Algorithm 1): writes
     * the batch mean [C] and biased variance [C] and out = (x − mean)/√(var + eps)·gamma + beta (gamma, beta may be null).
     */
    void batchNorm2d(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out, Tensor mean, Tensor var);

    /**
     * Gradients of {@link #batchNorm2d} given its batch mean and variance: dx = γ/σ·(g − mean(g) − x̂·mean(g⊙x̂)),
     * dgamma = Σ g⊙x̂, dbeta = Σ g (sums over N,H,W). Any of dx, dgamma, dbeta may be null; dx may be g itself
     * (contiguous; {@code Norm.batchNorm2dBackwardInPlace}): a channel's sums are taken before its dx is written.
     */
    void batchNorm2dBackward(Tensor x, Tensor gamma, Tensor mean, Tensor var, float eps, Tensor g, Tensor dx, Tensor dgamma, Tensor dbeta);

    /**
     * Per-row cross-entropy of logits [N,C] against class targets, with label smoothing ε (Szegedy et al. 2016, §7):
     * rowLoss[i] = −Σ_c q_c·log softmax(x_i)_c with q = (1−ε)·onehot + ε/C; 0 where targets[i] == ignoreIndex.
     */
    void crossEntropy(Tensor logits, int[] targets, float smoothing, int ignoreIndex, Tensor rowLoss);

    /** Gradient of Σ_i rowLoss[i]·scale: dx = (softmax(x) − q)·scale, 0 on ignored rows. */
    void crossEntropyBackward(Tensor logits, int[] targets, float smoothing, int ignoreIndex, float scale, Tensor dx);

    // ---- random numbers and training updates ----

    /**
     * Inverted-dropout mask (Srivastava et al. 2014): out[i] = 1/(1−p) when u(seed, i) ≥ p, else 0, for the
     * row-major position i of out, with u the counter-based uniform of {@link dev.elixr.tensor.random.SplitMix64#uniform}
     * (the same bits on every backend).
     */
    void dropoutMask(long seed, float p, Tensor out);

    /** One AdamW update in place of parameter w, first moment m and second moment v, from gradient g (same shapes). */
    void adamW(Tensor w, Tensor g, Tensor m, Tensor v, AdamWStep step);

    /** One SGD update in place of parameter w and momentum buffer buf (null when momentum is 0) from gradient g. */
    void sgd(Tensor w, Tensor g, Tensor buf, SgdStep step);
}
