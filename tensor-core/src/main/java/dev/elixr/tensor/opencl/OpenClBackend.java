package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Storage;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.backend.BinaryOp;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.ReduceOp;
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
    }

    ClContext context() { return ctx; }

    /** What the device reports. */
    public OpenClDeviceInfo info() { return ctx.info(); }

    /** Waits until all queued work has finished (benchmarks; results are read back with toHost anyway). */
    public void finish() { ctx.finish(); }

    /** Bytes of device memory held by live tensors. */
    public long liveBytes() { return ctx.liveBytes(); }

    @Override public Device device() { return ctx.device(); }

    @Override public Storage allocate(int numel) { return ctx.allocate(numel); }

    @Override public void copy(Tensor src, Tensor dst) { elementwise.copy(src, dst); }

    @Override
    public Tensor fromHost(Tensor host) {
        if (!host.device().equals(Device.CPU)) throw new IllegalArgumentException("fromHost: tensor lives on " + host.device() + ", not the host");
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

    @Override public void argReduce(boolean max, Tensor x, int axis, Tensor out) { reduce.argReduce(max, x, axis, out); }

    @Override public void softmax(Tensor x, int axis, boolean log, Tensor out) { norm.softmax(x, axis, log, out); }

    @Override public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) { norm.layerNorm(x, gamma, beta, eps, out); }

    @Override public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) { norm.rmsNorm(x, gamma, eps, out); }

    @Override public void matmul(Tensor a, Tensor b, Tensor out) { gemm.matmul(a, b, out); }

    @Override public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) { conv.conv2d(x, w, bias, p, out); }

    @Override public void pool2d(boolean max, Tensor x, int kh, int kw, Conv2dParams p, Tensor out) { conv.pool2d(max, x, kh, kw, p, out); }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out) {
        attention.attention(q, k, v, mask, causal, scale, out);
    }

    @Override public void gather(Tensor table, int[] ids, Tensor out) { index.gather(table, ids, out); }

    @Override public String toString() { return "OpenCL " + ctx.info().summary(); }
}
