package dev.elixr.autograd;

import dev.elixr.autograd.functions.ArithmeticFn;
import dev.elixr.autograd.functions.MatMulFn;
import dev.elixr.autograd.functions.PointwiseFn;
import dev.elixr.autograd.functions.ReduceFn;
import dev.elixr.autograd.functions.SoftmaxFn;
import dev.elixr.autograd.functions.ViewFn;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A differentiable variable: a tensor value, its accumulated gradient, and the {@link Node} that produced
 * it (null for leaves). Reverse-mode automatic differentiation (Griewank &amp; Walther, "Evaluating
 * Derivatives", ch. 3): ops record nodes while {@link GradMode} is enabled and an input requires grad;
 * {@link #backward()} walks them in reverse creation order. Gradients accumulate across backward calls
 * until {@link #zeroGrad()}.
 */
public class Var {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** Times any leaf's gradient tracking was turned back on ({@link #requiresGrad(boolean)}): unfreezing. */
    private static final AtomicLong UNFROZEN = new AtomicLong();

    private Tensor value;
    private Tensor grad;
    private boolean requiresGrad;
    private final Node node;
    /** Creation order: inputs are always created before outputs, so descending order is a topological order. */
    final long seq = SEQUENCE.getAndIncrement();

    protected Var(Tensor value, boolean requiresGrad) {
        this(value, requiresGrad, null);
    }

    private Var(Tensor value, boolean requiresGrad, Node node) {
        if (value == null) throw new IllegalArgumentException("Var: value is null");
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.node = node;
    }

    /** A constant: no gradient is computed for it. */
    public static Var of(Tensor value) { return new Var(value, false); }

    /** A leaf that requires grad (a trainable value outside a Module; inside one use nn.Parameter). */
    public static Var param(Tensor value) { return new Var(value, true); }

    /** A scalar constant. */
    public static Var scalar(float v) { return of(Tensor.scalar(v)); }

    /** True when an op over these inputs must record a node (grad mode on and some input requires grad). */
    public static boolean needsGraph(Var... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Var v : inputs) if (v != null && v.requiresGrad) return true;
        return false;
    }

    /**
     * The output of a differentiable op: records a node with the backward function when {@link #needsGraph}
     * holds for the inputs, else a constant. Used by {@code dev.elixr.autograd.functions}.
     */
    public static Var result(String op, Tensor value, Node.Backward backward, Var... inputs) {
        return result(op, value, 0, backward, inputs);
    }

    /**
     * {@link #result(String, Tensor, Node.Backward, Var...)} for an op whose backward allocates {@code workspaceBytes} of
     * scratch besides the input gradients it returns (what {@link GraphMemory#backwardPeakBytes} adds at that node).
     */
    public static Var result(String op, Tensor value, long workspaceBytes, Node.Backward backward, Var... inputs) {
        return result(op, value, workspaceBytes, Long.MAX_VALUE, backward, inputs);
    }

    /**
     * {@link #result(String, Tensor, long, Node.Backward, Var...)} for an op whose backward's scratch stops growing with
     * the batch at {@code workspaceLimit} bytes (it works in chunks of images).
     */
    public static Var result(String op, Tensor value, long workspaceBytes, long workspaceLimit, Node.Backward backward, Var... inputs) {
        return result(op, value, 0, 0, workspaceBytes, workspaceLimit, backward, inputs);
    }

    /**
     * {@link #result(String, Tensor, long, long, Node.Backward, Var...)} for an op that keeps {@code savedBytes} from its
     * forward for its backward besides variables' values, and keeps nothing where that would pass {@code savedLimit}
     * (what {@link GraphMemory} holds alive until the node's backward).
     */
    public static Var result(String op, Tensor value, long savedBytes, long savedLimit, long workspaceBytes, long workspaceLimit,
                             Node.Backward backward, Var... inputs) {
        boolean anomaly = AnomalyMode.isEnabled();
        if (anomaly) AnomalyMode.checkForward(op, value, inputs);
        if (!needsGraph(inputs)) return of(value);
        return new Var(value, true, new Node(op, inputs.clone(), backward, anomaly ? AnomalyMode.site() : null, workspaceBytes, workspaceLimit,
                savedBytes, savedLimit));
    }

    // ------------------------------------------------------------------ state

    public Tensor value() { return value; }

    /** Accumulated gradient (same shape as the value), or null before any backward reached this leaf. */
    public Tensor grad() { return grad; }

    public boolean requiresGrad() { return requiresGrad; }

    /** True when this variable was not produced by a recorded op. */
    public boolean isLeaf() { return node == null; }

    /** The node that produced this variable, or null for a leaf. */
    public Node node() { return node; }

    /** Turns gradient tracking of a leaf on or off (freezing). */
    public Var requiresGrad(boolean on) {
        if (node != null) throw new IllegalStateException("requiresGrad: only leaves can change it; this Var was produced by '" + node.op() + "'");
        if (on && !requiresGrad) UNFROZEN.incrementAndGet();
        this.requiresGrad = on;
        return this;
    }

    /**
     * How many times a leaf's gradient tracking has been turned back on in this JVM: a cache of a frozen value (the
     * packed copy of a frozen weight, {@link dev.elixr.autograd.nn.FrozenWeight}) made under one count may be stale
     * under another, since the leaf may have been trained in between.
     */
    public static long unfreezes() { return UNFROZEN.get(); }

    /** Replaces the value of a leaf (optimizers, loading weights); the shape must stay the same. */
    public void assign(Tensor newValue) {
        if (node != null) throw new IllegalStateException("assign: only leaves can be assigned; this Var was produced by '" + node.op() + "'");
        if (!newValue.sameShape(value)) {
            throw new IllegalArgumentException("assign: new value " + Shape.str(newValue.shape()) + " differs from " + Shape.str(value.shape()));
        }
        this.value = newValue;
    }

    /** Replaces the gradient (optimizers, clipping); null clears it. */
    public void setGrad(Tensor g) {
        if (g != null && !g.sameShape(value)) {
            throw new IllegalArgumentException("setGrad: gradient " + Shape.str(g.shape()) + " differs from value " + Shape.str(value.shape()));
        }
        this.grad = g;
    }

    /** Adds to the accumulated gradient (a new tensor; the argument is never modified later). */
    void accumulateGrad(Tensor g) { grad = grad == null ? g : Accumulate.sum(grad, g); }

    public void zeroGrad() { grad = null; }

    /** Backward from this scalar (one-element) variable with seed 1. */
    public void backward() {
        if (value.numel() != 1) {
            throw new IllegalStateException("backward: output " + Shape.str(value.shape()) + " is not a scalar; pass a gradient with backward(Tensor)");
        }
        backward(Tensor.full(1f, value.shape()).to(value.device()));
    }

    /** Backward with an explicit gradient of this variable. */
    public void backward(Tensor gradOutput) { Backprop.run(this, gradOutput); }

    /** The same value, cut from the graph. */
    public Var detach() { return of(value); }

    public int[] shape() { return value.shape(); }

    public int size(int d) { return value.size(d); }

    public int dim() { return value.dim(); }

    public int numel() { return value.numel(); }

    /** The value of a one-element variable. */
    public float item() { return value.toCpu().item(); }

    @Override
    public String toString() {
        return "Var" + Shape.str(value.shape()) + (node != null ? " <" + node.op() + ">" : requiresGrad ? " (leaf, grad)" : "");
    }

    // ------------------------------------------------------------------ arithmetic (broadcasting)

    public Var add(Var o) { return ArithmeticFn.add(this, o); }
    public Var sub(Var o) { return ArithmeticFn.sub(this, o); }
    public Var mul(Var o) { return ArithmeticFn.mul(this, o); }
    public Var div(Var o) { return ArithmeticFn.div(this, o); }
    public Var add(float s) { return ArithmeticFn.add(this, s); }
    public Var sub(float s) { return ArithmeticFn.add(this, -s); }
    public Var mul(float s) { return ArithmeticFn.mul(this, s); }
    public Var div(float s) { return ArithmeticFn.mul(this, 1f / s); }
    public Var neg() { return ArithmeticFn.mul(this, -1f); }
    public Var pow(float p) { return ArithmeticFn.pow(this, p); }
    /** Positions where mask != 0 take value v; no gradient flows there. */
    public Var maskedFill(Tensor mask, float v) { return ArithmeticFn.maskedFill(this, mask, v); }

    // ------------------------------------------------------------------ pointwise

    public Var exp() { return PointwiseFn.exp(this); }
    public Var log() { return PointwiseFn.log(this); }
    public Var sqrt() { return PointwiseFn.sqrt(this); }
    public Var rsqrt() { return PointwiseFn.rsqrt(this); }
    public Var abs() { return PointwiseFn.abs(this); }
    public Var square() { return PointwiseFn.square(this); }
    public Var reciprocal() { return PointwiseFn.reciprocal(this); }
    public Var tanh() { return PointwiseFn.tanh(this); }
    public Var sigmoid() { return PointwiseFn.sigmoid(this); }
    public Var relu() { return PointwiseFn.relu(this); }
    /** GELU with the exact erf form, as torch.nn.GELU() (Hendrycks &amp; Gimpel 2016). */
    public Var gelu() { return PointwiseFn.geluErf(this); }
    /** GELU with the tanh approximation, as torch.nn.GELU(approximate='tanh'). */
    public Var geluTanh() { return PointwiseFn.geluTanh(this); }
    /** x·sigmoid(x) (SiLU / swish). */
    public Var silu() { return PointwiseFn.silu(this); }
    public Var clamp(float lo, float hi) { return PointwiseFn.clamp(this, lo, hi); }

    // ------------------------------------------------------------------ reductions

    public Var sum(boolean keepdim, int... axes) { return ReduceFn.sum(this, keepdim, axes); }
    public Var mean(boolean keepdim, int... axes) { return ReduceFn.mean(this, keepdim, axes); }
    /** Maximum along axis; the gradient flows to the first maximal element. */
    public Var max(int axis, boolean keepdim) { return ReduceFn.max(this, axis, keepdim); }
    /** Minimum along axis; the gradient flows to the first minimal element. */
    public Var min(int axis, boolean keepdim) { return ReduceFn.min(this, axis, keepdim); }
    /** Sum of all elements, a scalar. */
    public Var sumAll() { return ReduceFn.sum(this, false); }
    /** Mean of all elements, a scalar. */
    public Var meanAll() { return ReduceFn.mean(this, false); }

    // ------------------------------------------------------------------ softmax, products

    public Var softmax(int axis) { return SoftmaxFn.softmax(this, axis); }
    public Var logSoftmax(int axis) { return SoftmaxFn.logSoftmax(this, axis); }
    /** Matrix product with numpy semantics (batch broadcasting, 1-D operands). */
    public Var matmul(Var o) { return MatMulFn.matmul(this, o); }

    // ------------------------------------------------------------------ views (share storage in forward)

    public Var view(int... shape) { return ViewFn.view(this, shape); }
    public Var reshape(int... shape) { return ViewFn.reshape(this, shape); }
    public Var permute(int... dims) { return ViewFn.permute(this, dims); }
    public Var transpose(int a, int b) { return ViewFn.transpose(this, a, b); }
    public Var t() { return ViewFn.transpose(this, -2, -1); }
    public Var narrow(int dim, int start, int length) { return ViewFn.slice(this, dim, start, start + length, 1); }
    public Var slice(int dim, int start, int end, int step) { return ViewFn.slice(this, dim, start, end, step); }
    public Var select(int dim, int index) { return ViewFn.select(this, dim, index); }
    public Var expand(int... shape) { return ViewFn.expand(this, shape); }
    public Var squeeze(int dim) { return ViewFn.squeeze(this, dim); }
    public Var unsqueeze(int dim) { return ViewFn.unsqueeze(this, dim); }
    public Var flatten(int start, int end) { return ViewFn.flatten(this, start, end); }
    /** A contiguous copy when the value is a strided view (gradient passes through). */
    public Var contiguous() { return ViewFn.contiguous(this); }
}
