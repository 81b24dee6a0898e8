package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Storage;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.AdamWStep;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.backend.BinaryOp;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.Extremum;
import dev.elixr.tensor.backend.PoolMode;
import dev.elixr.tensor.backend.ReduceOp;
import dev.elixr.tensor.backend.SgdStep;
import dev.elixr.tensor.backend.SoftmaxMode;
import dev.elixr.tensor.backend.UnaryOp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The OpenCL backend: tensors live in device buffers ({@link ClBuffer}) and every primitive runs as an OpenCL
 * kernel on one in-order queue, so a chain of ops never returns to the host; only {@link #toHost} waits.
 * Registers itself with {@link Backends} when the class is initialised (Backends.forDevice loads it by name).
 */
public final class OpenClBackend implements Backend {
    static {
        Backends.register(Device.Kind.OPENCL, d -> new OpenClBackend(d.index()));
    }

    private final ClContext ctx;
    private final ClElementwise elementwise;
    private final ClReduce reduce;
    private final ClNorm norm;
    private final ClGemm gemm;
    private final ClConv conv;
    private final ClAttention attention;
    private final ClIndex index;
    private final ClLoss loss;
    private final ClTraining training;
    private final java.util.concurrent.atomic.AtomicLong uploads = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong downloads = new java.util.concurrent.atomic.AtomicLong();

    /** Opens device opencl:index; throws {@link OpenClException} saying why when it cannot. */
    public OpenClBackend(int index) {
        this.ctx = new ClContext(index);
        this.elementwise = new ClElementwise(ctx);
        this.reduce = new ClReduce(ctx);
        this.norm = new ClNorm(ctx);
        this.gemm = new ClGemm(ctx);
        this.conv = new ClConv(ctx, gemm, elementwise);
        this.attention = new ClAttention(ctx, gemm);
        this.index = new ClIndex(ctx);
        this.loss = new ClLoss(ctx);
        this.training = new ClTraining(ctx);
    }

    ClContext context() { return ctx; }

    /** What the device reports. */
    public OpenClDeviceInfo info() { return ctx.info(); }

    /** Waits until all queued work has finished (benchmarks; results are read back with toHost anyway). */
    public void finish() { ctx.finish(); }

    /** Bytes of device memory held by live tensors. */
    public long liveBytes() { return ctx.liveBytes(); }

    /** Tensors copied from the host so far (fromHost calls): lets tests prove that a forward pass stays on the device. */
    public long uploads() { return uploads.get(); }

    /** Tensors read back to the host so far (toHost calls, which every toCpu and host element access goes through). */
    public long downloads() { return downloads.get(); }

    @Override public Device device() { return ctx.device(); }

    @Override public Storage allocate(int numel) { return ctx.allocate(numel); }

    @Override public void copy(Tensor src, Tensor dst) { elementwise.copy(src, dst); }

    @Override
    public Tensor fromHost(Tensor host) {
        if (!host.device().equals(Device.CPU)) throw new IllegalArgumentException("fromHost: tensor lives on " + host.device() + ", not the host");
        uploads.incrementAndGet();
        Tensor h = host.contiguous();
        int n = h.numel();
        MemorySegment seg = h.storage().segment();
        if (seg != null && seg.isNative() && h.dtype() == dev.elixr.tensor.DType.F32) {
            return new Tensor(ctx.upload(seg.asSlice((long) h.offset() * 4, Math.max(4, (long) n * 4)), n), h.shape());
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tmp = a.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, n));
            float[] arr = h.storage().array();
            if (arr != null) MemorySegment.copy(arr, h.offset(), tmp, ValueLayout.JAVA_FLOAT, 0, n);
            else for (int i = 0; i < n; i++) tmp.setAtIndex(ValueLayout.JAVA_FLOAT, i, h.storage().get(h.offset() + i));
            return new Tensor(ctx.upload(tmp, n), h.shape());
        }
    }

    @Override
    public Tensor toHost(Tensor t) {
        downloads.incrementAndGet();
        Tensor c = t.isContiguous() ? t : t.copy();
        ClBuffer b = ClArgs.buffer("toHost", ctx, c);
        int n = c.numel();
        float[] out = new float[n];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tmp = a.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, n));
            ctx.read(b, c.offset(), tmp, n);
            MemorySegment.copy(tmp, ValueLayout.JAVA_FLOAT, 0, out, 0, n);
        }
        return Tensor.wrap(out, c.shape());
    }

    @Override public void unary(UnaryOp op, Tensor x, Tensor out) { elementwise.unary(op, x, out); }

    @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) { elementwise.binary(op, a, b, out); }

    @Override public void where(Tensor cond, Tensor a, Tensor b, Tensor out) { elementwise.where(cond, a, b, out); }

    @Override public void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) { reduce.reduce(op, x, axes, out); }

    @Override public void argReduce(Extremum which, Tensor x, int axis, Tensor out) { reduce.argReduce(which, x, axis, out); }

    @Override public void softmax(SoftmaxMode mode, Tensor x, int axis, Tensor out) { norm.softmax(mode, x, axis, out); }

    @Override public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) { norm.layerNorm(x, gamma, beta, eps, out); }

    @Override public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) { norm.rmsNorm(x, gamma, eps, out); }

    @Override public void matmul(Tensor a, Tensor b, Tensor out) { gemm.matmul(a, b, out); }

    @Override public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) { conv.conv2d(x, w, bias, p, out); }

    @Override public void pool2d(PoolMode mode, Tensor x, int kh, int kw, Conv2dParams p, Tensor out) { conv.pool2d(mode, x, kh, kw, p, out); }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out) {
        attention.attention(q, k, v, mask, causal, scale, out);
    }

    @Override public void gather(Tensor table, int[] ids, Tensor out) { index.gather(table, ids, out); }

    @Override public void im2col(Tensor x, int kh, int kw, Conv2dParams p, Tensor cols) { conv.im2col(x, kh, kw, p, cols); }

    @Override public void col2im(Tensor cols, int kh, int kw, Conv2dParams p, Tensor dx) { conv.col2im(cols, kh, kw, p, dx); }

    @Override
    public void pool2dBackward(PoolMode mode, Tensor x, Tensor g, int kh, int kw, Conv2dParams p, Tensor dx) {
        conv.pool2dBackward(mode, x, g, kh, kw, p, dx);
    }

    @Override public void scatterAddRows(Tensor src, int[] ids, Tensor table) { index.scatterAddRows(src, ids, table); }

    @Override public void softmaxBackward(SoftmaxMode mode, Tensor y, Tensor g, int axis, Tensor dx) { norm.softmaxBackward(mode, y, g, axis, dx); }

    @Override
    public void attentionProbabilities(Tensor scores, Tensor mask, boolean causal, float scale, Tensor p) {
        attention.probabilities(scores, mask, causal, scale, p);
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor gamma, Tensor g, float eps, Tensor dx, Tensor dgamma, Tensor dbeta) {
        norm.normBackward(false, x, gamma, g, eps, dx, dgamma, dbeta);
    }

    @Override
    public void rmsNormBackward(Tensor x, Tensor gamma, Tensor g, float eps, Tensor dx, Tensor dgamma) {
        norm.normBackward(true, x, gamma, g, eps, dx, dgamma, null);
    }

    @Override
    public void batchNorm2d(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out, Tensor mean, Tensor var) {
        norm.batchNorm2d(x, gamma, beta, eps, out, mean, var);
    }

    @Override
    public void batchNorm2dBackward(Tensor x, Tensor gamma, Tensor mean, Tensor var, float eps, Tensor g, Tensor dx, Tensor dgamma, Tensor dbeta) {
        norm.batchNorm2dBackward(x, gamma, mean, var, eps, g, dx, dgamma, dbeta);
    }

    @Override
    public void crossEntropy(Tensor logits, int[] targets, float smoothing, int ignoreIndex, Tensor rowLoss) {
        loss.crossEntropy(logits, targets, smoothing, ignoreIndex, 1f, false, rowLoss);
    }

    @Override
    public void crossEntropyBackward(Tensor logits, int[] targets, float smoothing, int ignoreIndex, float scale, Tensor dx) {
        loss.crossEntropy(logits, targets, smoothing, ignoreIndex, scale, true, dx);
    }

    @Override public void dropoutMask(long seed, float p, Tensor out) { training.dropoutMask(seed, p, out); }

    @Override public void adamW(Tensor w, Tensor g, Tensor m, Tensor v, AdamWStep step) { training.adamW(w, g, m, v, step); }

    @Override public void sgd(Tensor w, Tensor g, Tensor buf, SgdStep step) { training.sgd(w, g, buf, step); }

    @Override public String toString() { return "OpenCL " + ctx.info().summary(); }
}
