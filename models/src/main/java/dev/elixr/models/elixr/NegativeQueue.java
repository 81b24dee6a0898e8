package dev.elixr.models.elixr;

import dev.elixr.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A first-in first-out memory of the image and text embeddings of recent batches (detached), used as extra
 * negatives of the contrastive loss (He et al. 2020, MoCo; ALBEF/BLIP keep the same image and text queues), with
 * each entry's duplicate group so that duplicates of a batch pair are never its negatives. Entries are kept in
 * insertion order; {@link #state()} / {@link #restore} make it part of a resumable checkpoint.
 */
public final class NegativeQueue {
    private final int capacity, dim;
    private final float[] images, texts;
    private final long[] groups;
    private int size, head; // head: next slot to overwrite once full

    public NegativeQueue(int capacity, int dim) {
        if (capacity < 1 || dim < 1) throw new IllegalArgumentException("negative queue: need capacity and dim >= 1, got " + capacity + ", " + dim);
        this.capacity = capacity;
        this.dim = dim;
        this.images = new float[capacity * dim];
        this.texts = new float[capacity * dim];
        this.groups = new long[capacity];
    }

    public int size() { return size; }

    public int capacity() { return capacity; }

    /** Appends a batch's embeddings [B,E] (values are copied), dropping the oldest entries when full. */
    public void enqueue(Tensor imageEmbeddings, Tensor textEmbeddings, long[] batchGroups) {
        int b = batchGroups.length;
        check(imageEmbeddings, b, "image");
        check(textEmbeddings, b, "text");
        float[] u = imageEmbeddings.contiguous().toFloatArray(), v = textEmbeddings.contiguous().toFloatArray();
        for (int i = 0; i < b; i++) {
            int slot;
            if (size < capacity) slot = size++;
            else { slot = head; head = (head + 1) % capacity; }
            System.arraycopy(u, i * dim, images, slot * dim, dim);
            System.arraycopy(v, i * dim, texts, slot * dim, dim);
            groups[slot] = batchGroups[i];
        }
    }

    /** Queued image embeddings [size,E], oldest first. */
    public Tensor images() { return Tensor.wrap(ordered(images, dim), size, dim); }

    /** Queued text embeddings [size,E], oldest first. */
    public Tensor texts() { return Tensor.wrap(ordered(texts, dim), size, dim); }

    /** Duplicate groups of the queued entries, oldest first. */
    public long[] groups() {
        long[] out = new long[size];
        for (int i = 0; i < size; i++) out[i] = groups[physical(i)];
        return out;
    }

    private int physical(int i) { return size < capacity ? i : (head + i) % capacity; }

    private float[] ordered(float[] store, int d) {
        float[] out = new float[size * d];
        for (int i = 0; i < size; i++) System.arraycopy(store, physical(i) * d, out, i * d, d);
        return out;
    }

    private void check(Tensor t, int b, String what) {
        if (t.dim() != 2 || t.size(0) != b || t.size(1) != dim)
            throw new IllegalArgumentException("negative queue: " + what + " embeddings " + Arrays.toString(t.shape())
                    + ", expected [" + b + ", " + dim + "]");
    }

    /** The queue as tensors (oldest first): images, texts, and the groups split into two exact float halves each. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("queue.images", images());
        m.put("queue.texts", texts());
        long[] g = groups();
        float[] parts = new float[size * 4];
        for (int i = 0; i < size; i++)
            for (int p = 0; p < 4; p++) parts[i * 4 + p] = (float) ((g[i] >>> (16 * p)) & 0xFFFF); // 16-bit parts are exact in float32
        m.put("queue.groups", Tensor.wrap(parts, size, 4));
        return m;
    }

    /** Replaces the contents by a {@link #state()} written earlier. */
    public void restore(Map<String, Tensor> state) {
        Tensor im = state.get("queue.images"), tx = state.get("queue.texts"), gr = state.get("queue.groups");
        if (im == null || tx == null || gr == null) throw new IllegalArgumentException("negative queue: the checkpoint has no queue.images/texts/groups");
        int n = im.size(0);
        if (n > capacity || im.size(1) != dim) throw new IllegalArgumentException("negative queue: checkpoint holds "
                + Arrays.toString(im.shape()) + ", this queue holds at most [" + capacity + ", " + dim + "]");
        float[] u = im.contiguous().toFloatArray(), v = tx.contiguous().toFloatArray(), parts = gr.contiguous().toFloatArray();
        System.arraycopy(u, 0, images, 0, n * dim);
        System.arraycopy(v, 0, texts, 0, n * dim);
        for (int i = 0; i < n; i++) {
            long g = 0;
            for (int p = 0; p < 4; p++) g |= ((long) parts[i * 4 + p]) << (16 * p);
            groups[i] = g;
        }
        size = n;
        head = 0;
    }
}
