package dev.elixr.autograd;

import dev.elixr.tensor.Tensor;

/**
 * One recorded step of the tape: the op that produced a {@link Var}, its inputs, and the function that
 * turns the gradient of the output into gradients of the inputs. What the backward needs is captured by
 * that function; {@link #release()} drops it after use, so the graph is freed after backward.
 */
public final class Node {
    private final String op;
    private final AnomalyMode.Site origin;
    private Var[] inputs;
    private Backward backward;
    /** Bytes the backward allocates beyond the input gradients it returns (e.g. a convolution's unfolded columns), for {@link GraphMemory}. */
    private final long workspaceBytes;
    /** The most scratch its backward takes for a batch of any size (it works in chunks of images), for {@link GraphMemory}. */
    private final long workspaceLimit;

    /** Gradients of the inputs (null where an input needs none) from the gradient of the output. */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    /** Bytes the op keeps from its forward for its backward besides variables' values (attention's probabilities). */
    private final long savedBytes;
    /** The most bytes the op keeps: a larger batch's would exceed it, and the op then keeps nothing. */
    private final long savedLimit;

    Node(String op, Var[] inputs, Backward backward, AnomalyMode.Site origin, long workspaceBytes, long workspaceLimit) {
        this(op, inputs, backward, origin, workspaceBytes, workspaceLimit, 0, 0);
    }

    Node(String op, Var[] inputs, Backward backward, AnomalyMode.Site origin, long workspaceBytes, long workspaceLimit,
         long savedBytes, long savedLimit) {
        this.op = op;
        this.workspaceBytes = workspaceBytes;
        this.workspaceLimit = workspaceLimit;
        this.savedBytes = savedBytes;
        this.savedLimit = savedLimit;
        this.origin = origin;
        this.inputs = inputs;
        this.backward = backward;
    }

    /** Name of the op that made this node (for error messages). */
    public String op() { return op; }

    /** Scratch bytes its backward allocates besides the input gradients (0 where the op declares none). */
    public long workspaceBytes() { return workspaceBytes; }

    /**
     * The most scratch bytes its backward takes whatever the batch (Long.MAX_VALUE where the scratch grows with the
     * batch): what a graph recorded on one image scales to for a larger batch ({@link GraphMemory#backwardPeakBytes(Var,
     * java.util.function.ToLongFunction, int)}).
     */
    public long workspaceLimit() { return workspaceLimit; }

    /** Bytes kept from the forward for the backward besides variables' values (0 where the op declares none). */
    public long savedBytes() { return savedBytes; }

    /**
     * The saved bytes of the same op over a batch {@code copies} times as large: {@link #savedBytes} times copies, or 0
     * where that exceeds the op's limit (it then keeps nothing and recomputes).
     */
    public long savedBytes(int copies) {
        long s = savedBytes * copies;
        return savedBytes > 0 && s <= savedLimit ? s : 0;
    }

    /** Where the op was created (recorded only in {@link AnomalyMode}), or null. */
    AnomalyMode.Site origin() { return origin; }

    Var[] inputs() {
        if (inputs == null) throw freed();
        return inputs;
    }

    Tensor[] backward(Tensor gradOutput) {
        if (backward == null) throw freed();
        return backward.apply(gradOutput);
    }

    boolean released() { return backward == null; }

    void release() {
        inputs = null;
        backward = null;
    }

    private IllegalStateException freed() {
        return new IllegalStateException("backward through op '" + op + "' a second time: its graph was freed by the first backward;"
                + " recompute the forward pass");
    }
}
