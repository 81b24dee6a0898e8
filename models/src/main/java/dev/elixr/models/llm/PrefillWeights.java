package dev.elixr.models.llm;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.cpu.PackedMatrix;
import dev.elixr.tensor.ops.MatMul;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
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
 * weights), bounded by a budget shared by all models of the JVM: {@code -Delixr.llm.prefillCopyMiB=N}, by default a
 * quarter of the maximum heap. Past the budget a prefill widens the weight per call, as before. Decoding never reads
 * the copies. A copy belongs to one weight tensor: a weight replaced by {@code assign} gets a new copy (its old one
 * is released); a half-precision tensor changed in place is not seen (optimisers update float32 heap weights, which are
 * never copied; a read-only mapping cannot change). A copy's bytes return to the budget when it is released or when its projection is garbage.
 */
final class PrefillWeights {
    static final long BUDGET = Long.getLong("elixr.llm.prefillCopyMiB", Runtime.getRuntime().maxMemory() / 4 >> 20) << 20;
    private static final AtomicLong USED = new AtomicLong();
    private static final Cleaner CLEANER = Cleaner.create();

    /** A kept copy (packed wᵀ) or, over budget, the widened w for one call; its bytes are counted against the budget until cleaned. */
    static final class Copy {
        private final Object source;
        private final PackedMatrix packed;
        private final Tensor transposed;
        private final Cleaner.Cleanable counted;

        private Copy(Object source, PackedMatrix packed, Tensor transposed, long bytes) {
            this.source = source;
            this.packed = packed;
            this.transposed = transposed;
            this.counted = bytes == 0 ? null : CLEANER.register(this, () -> USED.addAndGet(-bytes));
        }

        /** x [T, in] · wᵀ: through the packed copy when kept, else the GEMM packs the transposed view as it reads. */
        Tensor times(Tensor x) { return packed != null ? packed.times(x) : MatMul.matmul(x, transposed); }

        /** Whether this copy is kept (packed) rather than a view for one call. */
        boolean kept() { return packed != null; }
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
     * The copy of source: the kept one when it was made from this source, else a new one (kept if the budget
     * allows, the previous one released). widen gives w [out, in] in float32; weights: their number, 4 bytes each.
     */
    static Copy of(Copy kept, Object source, Supplier<Tensor> widen, long weights) { return of(kept, source, widen, weights, BUDGET); }

    /**
     * As {@link #of(Copy, Object, Supplier, long)} under the given budget. Over budget the widened w is used for this
     * call only, as the transposed view wᵀ that the GEMM packs as it reads (no second, strided pass to make wᵀ
     * contiguous: a 1.1B model's prefill spent more time on that transpose than on its products). Kept or not, the
     * same bits: the packed copy holds exactly the strips the GEMM packs from the view.
     */
    static Copy of(Copy kept, Object source, Supplier<Tensor> widen, long weights, long budget) {
        if (kept != null && kept.source == source) return kept;
        release(kept);
        long bytes = 4 * weights;
        if (USED.addAndGet(bytes) > budget) {
            USED.addAndGet(-bytes);
            return new Copy(null, null, widen.get().t(), 0); // over budget: this call only (source null never matches)
        }
        try {
            return new Copy(source, PackedMatrix.of(widen.get().t()), null, bytes);
        } catch (RuntimeException | Error e) {
            USED.addAndGet(-bytes);
            throw e;
        }
    }

    /** Gives a copy's bytes back to the budget; returns null (for {@code copy = release(copy)}). */
    static Copy release(Copy kept) {
        if (kept != null && kept.counted != null) kept.counted.clean(); // runs once, also if the cleaner ran it
        return null;
    }

    /** Bytes of copies held now (all models). */
    static long used() { return USED.get(); }
}
