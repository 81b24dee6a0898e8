package dev.elixr.tensor.cpu;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes that kept copies of weights ({@link PackedMatrix} strips) may hold in this JVM: one budget for every kind of
 * copy, a frozen layer's packed wᵀ ({@code FrozenWeight}) and an LLM projection's float32 prefill copy of a half-precision,
 * quantised or mapped weight ({@code PrefillWeights}), so that a frozen LLM does not hold a quarter of the heap under
 * each. {@code -Delixr.packedCopiesMiB=N}, by default a quarter of the maximum heap. Past it a caller multiplies without
 * a copy, as a trainable layer does. A copy's bytes come back when its holder releases it or when it is garbage.
 */
public final class PackedCopyBudget {
    /** The JVM's budget. */
    public static final PackedCopyBudget SHARED =
            new PackedCopyBudget(Long.getLong("elixr.packedCopiesMiB", Runtime.getRuntime().maxMemory() / 4 >> 20) << 20);
    private static final Cleaner CLEANER = Cleaner.create();

    private final long bytes;
    private final AtomicLong used = new AtomicLong();

    /** A budget of its own (tests). */
    public PackedCopyBudget(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("packed-copy budget of " + bytes + " bytes");
        this.bytes = bytes;
    }

    /** Bytes copies may hold. */
    public long bytes() { return bytes; }

    /** Bytes held now. */
    public long used() { return used.get(); }

    /**
     * Makes a copy of n bytes if the budget allows: counts them, makes the copy, and returns it with the handle that
     * gives the bytes back (once: on {@code clean()}, or when the copy is garbage); null, counting nothing, past the
     * budget. A failing make counts nothing either.
     */
    public <T> Held<T> hold(long n, java.util.function.Supplier<T> make) {
        if (used.addAndGet(n) > bytes) {
            used.addAndGet(-n);
            return null;
        }
        T copy;
        try {
            copy = make.get();
        } catch (RuntimeException | Error e) {
            used.addAndGet(-n);
            throw e;
        }
        return new Held<>(copy, CLEANER.register(copy, () -> used.addAndGet(-n))); // the action holds the count only, not the copy
    }

    /** A copy and the handle that returns its bytes to the budget (at most once). */
    public record Held<T>(T copy, Cleaner.Cleanable bytes) {
        /** Gives the copy's bytes back now (the copy stays usable; later calls and the cleaner do nothing). */
        public void release() { bytes.clean(); }
    }
}
