package dev.elixr.autograd.nn;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.DType;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.cpu.PackedCopyBudget;
import dev.elixr.tensor.cpu.PackedMatrix;

/**
 * The GEMM's packed copy of a frozen layer's weight: wᵀ of a [out, in] weight as {@link PackedMatrix} strips, so that
 * the layer's forward products stop packing the weight on every call (a quarter of a 64-row product's time with a
 * 768×768 weight, more than half at 8 rows: docs/results.md, session 33). A frozen encoder under a trained head (ELIXR-B's image
 * encoder under the Q-Former, the LLM under stage 2's adapter) runs its weights unchanged through every step.
 *
 * <p>When: the weight does not require grad (its module is {@link Module#freeze() frozen}), is a 2-D float32 tensor on
 * the CPU, and the layer runs a second time on the same weight tensor with no leaf unfrozen in between
 * ({@link Var#unfreezes()}). The first run only remembers the tensor, so a weight replaced at every step (a momentum
 * encoder's, {@code MomentumUpdate}) is never packed. A weight that is assigned a new tensor ({@code assign}, {@code
 * loadStateDict}, {@code to}) or unfrozen drops the copy. Writing into a frozen weight's array in place is not seen:
 * change frozen weights through {@code assign}. {@code -Delixr.packFrozenWeights=false} turns it off.
 *
 * <p>Memory: one more copy of every frozen weight a forward has run twice (N rounded up to the tile's NR), bounded by
 * the JVM's {@link PackedCopyBudget} ({@code -Delixr.packedCopiesMiB=N}, by default a quarter of the maximum heap,
 * shared with the LLM's prefill copies: a frozen float32 LLM of 1B parameters would otherwise double its 4 GB). Past
 * the budget a layer multiplies as a trainable one does; a copy's bytes return when it is dropped or its layer is garbage.
 */
public final class FrozenWeight {
    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("elixr.packFrozenWeights", "true"));

    /** Whether frozen weights are packed in this JVM ({@code -Delixr.packFrozenWeights}, on by default). */
    public static boolean enabled() { return ENABLED; }

    /** The weight tensor last seen, and its packed copy once made, whose bytes count against the budget until released or garbage. */
    private record State(Tensor source, long unfreezes, PackedCopyBudget.Held<PackedMatrix> held) {
        PackedMatrix packed() { return held == null ? null : held.copy(); }

        void release() { if (held != null) held.release(); }
    }

    private final PackedCopyBudget budget;
    private volatile State state;

    public FrozenWeight() { this(PackedCopyBudget.SHARED); }

    /** Counting its copies against the given budget (tests). */
    FrozenWeight(PackedCopyBudget budget) { this.budget = budget; }

    /** The packed wᵀ of weight to multiply by, or null for the plain product (trainable, not on the CPU, first seen now, or over budget). */
    public PackedMatrix packedTranspose(Parameter weight) {
        if (!ENABLED || weight.requiresGrad()) {
            if (state != null) drop(null);
            return null;
        }
        Tensor w = weight.value();
        if (w.dim() != 2 || w.device().kind() != Device.Kind.CPU || w.dtype() != DType.F32) {
            if (state != null) drop(null);
            return null;
        }
        long unfreezes = Var.unfreezes();
        State s = state;
        if (s != null && s.source() == w && s.unfreezes() == unfreezes && s.packed() != null) return s.packed(); // without a lock: shards of a batch run the same layers side by side
        return packedTranspose(w, unfreezes);
    }

    private synchronized PackedMatrix packedTranspose(Tensor w, long unfreezes) {
        State s = state;
        if (s == null || s.source() != w || s.unfreezes() != unfreezes) {
            drop(new State(w, unfreezes, null));
            return null;
        }
        if (s.packed() == null) {
            var held = budget.hold(4L * w.numel(), () -> PackedMatrix.of(w.t()));
            if (held == null) return null;
            state = s = new State(w, unfreezes, held);
        }
        return s.packed();
    }

    /** Replaces the state, giving the old copy's bytes back to the budget. */
    private synchronized void drop(State next) {
        State old = state;
        state = next;
        if (old != null) old.release();
    }
}
