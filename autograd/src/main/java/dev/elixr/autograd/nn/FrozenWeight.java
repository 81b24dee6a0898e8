package dev.elixr.autograd.nn;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.DType;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
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
 * <p>Memory: one more copy of every frozen weight a forward has run twice (N rounded up to the tile's NR).
 */
public final class FrozenWeight {
    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("elixr.packFrozenWeights", "true"));

    /** Whether frozen weights are packed in this JVM ({@code -Delixr.packFrozenWeights}, on by default). */
    public static boolean enabled() { return ENABLED; }

    private record State(Tensor source, long unfreezes, PackedMatrix packed) {}

    private volatile State state;

    /** The packed wᵀ of weight to multiply by, or null for the plain product (trainable, not on the CPU, or first seen now). */
    public PackedMatrix packedTranspose(Parameter weight) {
        if (!ENABLED || weight.requiresGrad()) {
            state = null;
            return null;
        }
        Tensor w = weight.value();
        if (w.dim() != 2 || w.device().kind() != Device.Kind.CPU || w.dtype() != DType.F32) return null;
        long unfreezes = Var.unfreezes();
        State s = state;
        if (s == null || s.source() != w || s.unfreezes() != unfreezes) {
            state = new State(w, unfreezes, null);
            return null;
        }
        if (s.packed() == null) state = s = new State(w, unfreezes, PackedMatrix.of(w.t()));
        return s.packed();
    }
}
