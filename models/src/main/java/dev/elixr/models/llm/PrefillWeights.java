package dev.elixr.models.llm;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.cpu.PackedCopyBudget;
import dev.elixr.tensor.cpu.PackedMatrix;
import dev.elixr.tensor.ops.MatMul;

import java.util.function.Supplier;

/**
 * Packed float32 copies of half-precision (BF16/F16), block-quantised and memory-mapped float32 weights, made on a
 * projection's first prefill and kept, so that later prefills run the GEMM at once instead of widening every weight
 * again on every call. A copy holds wᵀ as the GEMM's packed strips ({@link PackedMatrix}), so that a prefill packs
 * nothing (before session 33 a copy held wᵀ [in, out] contiguous, which every product still packed with plain vector
 * copies; earlier still, every call transposed w and, for a mapped weight, copied each block out of the mapping first:
 * the report checks of {@code elixr demo}, a dozen prompts of a few tokens each per report through a float32 LM, spent
 * 39% of their time packing its weights that way). The memory
 * cost is 4 bytes per weight of every copied matrix (a 336M-parameter BF16 model: 1.3 GB beside its 0.7 GB of
 * weights), bounded by the JVM's {@link PackedCopyBudget} ({@code -Delixr.packedCopiesMiB=N}, by default a quarter of
 * the maximum heap, shared with frozen layers' packed weights). Past the budget a prefill widens the weight per call, as before. Decoding never reads
 * the copies. A copy belongs to one weight tensor: a weight replaced by {@code assign} gets a new copy (its old one
 * is released); a half-precision tensor changed in place is not seen (optimisers update float32 heap weights, which are
 * never copied; a read-only mapping cannot change). A copy's bytes return to the budget when it is released or when its projection is garbage.
 */
final class PrefillWeights {
    /** A kept copy (packed wᵀ) or, over budget, the widened w for one call. */
    static final class Copy {
        private final Object source;
        private final PackedCopyBudget.Held<PackedMatrix> held;
        private final Tensor transposed;

        private Copy(Object source, PackedCopyBudget.Held<PackedMatrix> held, Tensor transposed) {
            this.source = source;
            this.held = held;
            this.transposed = transposed;
        }

        /** x [T, in] · wᵀ: through the packed copy when kept, else the GEMM packs the transposed view as it reads. */
        Tensor times(Tensor x) { return held != null ? held.copy().times(x) : MatMul.matmul(x, transposed); }

        /** Whether this copy is kept (packed) rather than a view for one call. */
        boolean kept() { return held != null; }
    }

    private PrefillWeights() {}

    /**
     * True for a float32 weight read from a read-only mapping (a safetensors file): its values cannot change, so a copy
     * stays true to it. A float32 weight on the heap is never copied (optimisers change it in place).
     */
    static boolean mappedReadOnly(Tensor w) {
        var segment = w.storage().segment();
        return w.dtype() == dev.elixr.tensor.DType.F32 && w.storage().array() == null && segment != null && segment.isReadOnly();
    }

    /**
     * The copy of source: the kept one when it was made from this source, else a new one (kept if the JVM's {@link
     * PackedCopyBudget} allows, the previous one released). widen gives w [out, in] in float32; weights: their number,
     * 4 bytes each.
     */
    static Copy of(Copy kept, Object source, Supplier<Tensor> widen, long weights) { return of(kept, source, widen, weights, PackedCopyBudget.SHARED); }

    /**
     * As {@link #of(Copy, Object, Supplier, long)} under the given budget. Over budget the widened w is used for this
     * call only, as the transposed view wᵀ that the GEMM packs as it reads (no second, strided pass to make wᵀ
     * contiguous: a 1.1B model's prefill spent more time on that transpose than on its products). Kept or not, the
     * same bits: the packed copy holds exactly the strips the GEMM packs from the view.
     */
    static Copy of(Copy kept, Object source, Supplier<Tensor> widen, long weights, PackedCopyBudget budget) {
        if (kept != null && kept.source == source) return kept;
        release(kept);
        var held = budget.hold(4 * weights, () -> PackedMatrix.of(widen.get().t()));
        return held != null ? new Copy(source, held, null) : new Copy(null, null, widen.get().t()); // over budget: this call only (source null never matches)
    }

    /** Gives a copy's bytes back to the budget; returns null (for {@code copy = release(copy)}). */
    static Copy release(Copy kept) {
        if (kept != null && kept.held != null) kept.held.release();
        return null;
    }
}
