package dev.elixr.models.llm;

import dev.elixr.tensor.Tensor;

/**
 * The keys and values of every layer for the positions seen so far, preallocated for {@code capacity} positions
 * (one float32 tensor [kvHeads, capacity, headDim] per layer and kind), so that decoding one token appends one row
 * per head and allocates nothing. Positions are appended in order; {@link #length()} is the next position.
 */
public final class KvCache {
    private final Tensor[] keys, values;
    private final int capacity, kvHeads, headDim;
    private int length;

    public KvCache(LlamaConfig c, int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("KvCache: capacity must be positive, got " + capacity);
        this.capacity = capacity;
        this.kvHeads = c.numKvHeads();
        this.headDim = c.headDim();
        this.keys = new Tensor[c.numLayers()];
        this.values = new Tensor[c.numLayers()];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Tensor.zeros(kvHeads, capacity, headDim);
            values[l] = Tensor.zeros(kvHeads, capacity, headDim);
        }
    }

    public int length() { return length; }

    public int capacity() { return capacity; }

    /** Forgets every position (the tensors are reused). */
    public void clear() { length = 0; }

    /** Forgets the positions from n on: what was cached before n (a shared prefix) stays, what follows is written over. */
    public void truncate(int n) {
        if (n < 0 || n > length) throw new IllegalArgumentException("KV cache: cannot truncate to " + n + " positions, it holds " + length);
        length = n;
    }

    /** Throws unless n more positions fit. */
    void ensureRoom(int n) {
        if (length + n > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " positions held, " + n + " more asked, capacity " + capacity);
        }
    }

    /** Writes k, v [T, kvHeads·headDim] of one layer at positions length … length+T−1 (not yet committed). */
    void write(int layer, float[] k, float[] v, int rows) {
        float[] kc = keys[layer].storage().array(), vc = values[layer].storage().array();
        for (int t = 0; t < rows; t++) {
            for (int h = 0; h < kvHeads; h++) {
                int src = (t * kvHeads + h) * headDim, dst = (h * capacity + length + t) * headDim;
                System.arraycopy(k, src, kc, dst, headDim);
                System.arraycopy(v, src, vc, dst, headDim);
            }
        }
    }

    /** Keys of a layer for positions [0, n): a view [kvHeads, n, headDim]. */
    Tensor keys(int layer, int n) { return keys[layer].narrow(1, 0, n); }

    Tensor values(int layer, int n) { return values[layer].narrow(1, 0, n); }

    /** Commits T positions written to every layer. */
    void advance(int rows) { length += rows; }
}
