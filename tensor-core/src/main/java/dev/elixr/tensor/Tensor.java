package dev.elixr.tensor;

import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * An N-d array of float32 values: a {@link Storage} viewed through a shape, strides and an offset.
 * Views (reshape of contiguous data, permute, transpose, narrow/slice, expand, squeeze, unsqueeze,
 * flatten) share storage and copy nothing; {@link #contiguous()} copies only when it must.
 * Arithmetic lives in the op classes of {@code dev.elixr.tensor.ops}; this class holds the layout.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    /** A view of storage; checks that every reachable element lies inside the storage. */
    public Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " and strides " + Shape.str(strides) + " differ in rank");
        }
        this.storage = storage;
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.offset = offset;
        checkBounds();
    }

    /** A contiguous tensor over the whole storage. */
    public Tensor(Storage storage, int... shape) {
        this(storage, shape, Shape.contiguousStrides(shape), 0);
    }

    private void checkBounds() {
        int n = Shape.numel(shape);
        if (n == 0) return;
        long lo = offset, hi = offset;
        for (int i = 0; i < shape.length; i++) {
            long span = (long) strides[i] * (shape[i] - 1);
            if (span < 0) lo += span; else hi += span;
        }
        if (lo < 0 || hi >= storage.size()) {
            throw new IllegalArgumentException("view " + Shape.str(shape) + " strides " + Shape.str(strides) + " offset " + offset
                    + " reaches outside its storage of " + storage.size() + " elements");
        }
    }

    // ------------------------------------------------------------------ factories

    /** A contiguous tensor holding a copy of data, with the given shape (a scalar when shape is empty). */
    public static Tensor of(float[] data, int... shape) {
        if (Shape.numel(shape) != data.length) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape " + Shape.str(shape));
        }
        return new Tensor(new HeapStorage(data.clone()), shape);
    }

    /** A contiguous tensor that adopts data without copying. */
    public static Tensor wrap(float[] data, int... shape) {
        if (Shape.numel(shape) != data.length) {
            throw new IllegalArgumentException("Tensor.wrap: " + data.length + " values do not fill shape " + Shape.str(shape));
        }
        return new Tensor(new HeapStorage(data), shape);
    }

    /** A 1-D tensor of the values. */
    public static Tensor vector(float... data) { return of(data, data.length); }

    /** A rank-0 tensor. */
    public static Tensor scalar(float v) { return new Tensor(new HeapStorage(new float[] {v}), new int[0]); }

    /** Rows of a matrix. */
    public static Tensor matrix(float[][] rows) {
        int r = rows.length, c = r == 0 ? 0 : rows[0].length;
        float[] d = new float[r * c];
        for (int i = 0; i < r; i++) {
            if (rows[i].length != c) throw new IllegalArgumentException("Tensor.matrix: row " + i + " has " + rows[i].length + " values, expected " + c);
            System.arraycopy(rows[i], 0, d, i * c, c);
        }
        return new Tensor(new HeapStorage(d), r, c);
    }

    public static Tensor zeros(int... shape) { return new Tensor(new HeapStorage(Shape.numel(shape)), shape); }

    public static Tensor ones(int... shape) { return full(1f, shape); }

    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        Arrays.fill(d, value);
        return new Tensor(new HeapStorage(d), shape);
    }

    /** A new zero tensor with the shape of t, on the host. */
    public static Tensor zerosLike(Tensor t) { return zeros(t.shape); }

    /** [start, end) by step, as in numpy.arange. */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0) throw new IllegalArgumentException("arange: step is 0");
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = start + i * step;
        return new Tensor(new HeapStorage(d), n);
    }

    public static Tensor arange(int n) { return arange(0, n, 1); }

    /** Uniform values in [lo, hi). */
    public static Tensor uniform(RandomGenerator rng, float lo, float hi, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.nextFloat();
        return new Tensor(new HeapStorage(d), shape);
    }

    public static Tensor rand(long seed, int... shape) { return uniform(new SplittableRandom(seed), 0f, 1f, shape); }

    /** Normal values N(mean, std²). */
    public static Tensor normal(RandomGenerator rng, float mean, float std, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (mean + std * rng.nextGaussian());
        return new Tensor(new HeapStorage(d), shape);
    }

    public static Tensor randn(long seed, int... shape) { return normal(new SplittableRandom(seed), 0f, 1f, shape); }

    /** Normal values N(mean, std²) redrawn until inside [lo, hi] (absolute bounds, as torch.nn.init.trunc_normal_). */
    public static Tensor truncatedNormal(RandomGenerator rng, float mean, float std, float lo, float hi, int... shape) {
        if (!(lo < hi)) throw new IllegalArgumentException("truncatedNormal: empty interval [" + lo + ", " + hi + "]");
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            double v;
            int tries = 0;
            do {
                v = mean + std * rng.nextGaussian();
                if (++tries > 1000) { v = Math.min(hi, Math.max(lo, mean)); break; }
            } while (v < lo || v > hi);
            d[i] = (float) v;
        }
        return new Tensor(new HeapStorage(d), shape);
    }

    // ------------------------------------------------------------------ layout

    public int[] shape() { return shape.clone(); }

    /** Size of dimension d (negative counts from the end). */
    public int size(int d) { return shape[Shape.axis("size", d, shape.length)]; }

    public int[] strides() { return strides.clone(); }

    public int stride(int d) { return strides[Shape.axis("stride", d, shape.length)]; }

    public int offset() { return offset; }

    public int dim() { return shape.length; }

    public int numel() { return Shape.numel(shape); }

    public Storage storage() { return storage; }

    public Device device() { return storage.device(); }

    public DType dtype() { return storage.dtype(); }

    /** Backend of the device this tensor lives on. */
    public Backend backend() { return Backends.forDevice(device()); }

    /** True when elements are laid out row-major without gaps (size-1 dimensions may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** True when the shapes are equal. */
    public boolean sameShape(Tensor o) { return Arrays.equals(shape, o.shape); }

    // ------------------------------------------------------------------ views

    /** Same data, new shape (one dimension may be -1); requires contiguous data: use reshape otherwise. */
    public Tensor view(int... newShape) {
        int[] s = inferShape("view", newShape);
        if (!isContiguous()) {
            throw new IllegalArgumentException("view: tensor " + Shape.str(shape) + " with strides " + Shape.str(strides)
                    + " is not contiguous; call reshape (copies) or contiguous() first");
        }
        return new Tensor(storage, s, Shape.contiguousStrides(s), offset);
    }

    /** Same data, new shape; a view when contiguous, else a contiguous copy. */
    public Tensor reshape(int... newShape) {
        return isContiguous() ? view(newShape) : contiguous().view(newShape);
    }

    private int[] inferShape(String op, int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": more than one -1 in " + Shape.str(newShape));
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Shape.str(newShape));
            } else {
                known *= s[i];
            }
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": cannot infer -1 in " + Shape.str(newShape) + " for " + n + " elements " + Shape.str(shape));
            }
            s[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException(op + ": shape " + Shape.str(newShape) + " holds " + known + " elements, tensor "
                    + Shape.str(shape) + " has " + n);
        }
        return s;
    }

    /** Reorders the dimensions: result dimension i is this tensor's dimension dims[i]. */
    public Tensor permute(int... dims) {
        if (dims.length != shape.length) {
            throw new IllegalArgumentException("permute: " + dims.length + " dims given for a tensor of rank " + shape.length);
        }
        int[] s = new int[dims.length], st = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shape.axis("permute", dims[i], shape.length);
            if (seen[d]) throw new IllegalArgumentException("permute: dimension " + d + " repeated in " + Shape.str(dims));
            seen[d] = true;
            s[i] = shape[d];
            st[i] = strides[d];
        }
        return new Tensor(storage, s, st, offset);
    }

    public Tensor transpose(int d0, int d1) {
        int a = Shape.axis("transpose", d0, shape.length), b = Shape.axis("transpose", d1, shape.length);
        int[] p = new int[shape.length];
        for (int i = 0; i < p.length; i++) p[i] = i;
        p[a] = b;
        p[b] = a;
        return permute(p);
    }

    /** Transpose of the last two dimensions. */
    public Tensor t() {
        if (shape.length < 2) throw new IllegalArgumentException("t: tensor " + Shape.str(shape) + " has fewer than 2 dimensions");
        return transpose(-2, -1);
    }

    /** Elements start..start+length-1 along dim. */
    public Tensor narrow(int dim, int start, int length) { return slice(dim, start, start + length, 1); }

    /** Elements start, start+step, … below end along dim (step > 0; negative start/end count from the end). */
    public Tensor slice(int dim, int start, int end, int step) {
        int d = Shape.axis("slice", dim, shape.length);
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int n = shape[d];
        int s = start < 0 ? start + n : start, e = end < 0 ? end + n : Math.min(end, n);
        if (s < 0 || s > n || e < s) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") is outside dimension " + d + " of size " + n
                    + " in " + Shape.str(shape));
        }
        int[] ns = shape.clone(), nst = strides.clone();
        ns[d] = (e - s + step - 1) / step;
        nst[d] = strides[d] * step;
        return new Tensor(storage, ns, nst, ns[d] == 0 ? offset : offset + s * strides[d]);
    }

    /** The slice at index along dim, with that dimension removed. */
    public Tensor select(int dim, int index) {
        int d = Shape.axis("select", dim, shape.length);
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d]) {
            throw new IndexOutOfBoundsException("select: index " + index + " is outside dimension " + d + " of size " + shape[d]);
        }
        int[] ns = new int[shape.length - 1], nst = new int[shape.length - 1];
        for (int a = 0, j = 0; a < shape.length; a++) {
            if (a == d) continue;
            ns[j] = shape[a];
            nst[j++] = strides[a];
        }
        return new Tensor(storage, ns, nst, offset + i * strides[d]);
    }

    /** Broadcasts size-1 dimensions (and new leading ones) to the given shape with stride 0; -1 keeps a size. */
    public Tensor expand(int... target) {
        if (target.length < shape.length) {
            throw new IllegalArgumentException("expand: cannot expand " + Shape.str(shape) + " to fewer dimensions " + Shape.str(target));
        }
        int lead = target.length - shape.length;
        int[] ns = new int[target.length], nst = new int[target.length];
        for (int i = 0; i < target.length; i++) {
            if (i < lead) {
                if (target[i] < 0) throw new IllegalArgumentException("expand: -1 not allowed for new dimension " + i);
                ns[i] = target[i];
                nst[i] = 0;
                continue;
            }
            int sz = shape[i - lead], t = target[i] == -1 ? sz : target[i];
            if (sz == t) {
                ns[i] = sz;
                nst[i] = strides[i - lead];
            } else if (sz == 1) {
                ns[i] = t;
                nst[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: " + Shape.str(shape) + " cannot be expanded to " + Shape.str(target)
                        + " (dimension " + i + ": " + sz + " vs " + t + ")");
            }
        }
        return new Tensor(storage, ns, nst, offset);
    }

    /** Same as {@link #expand}. */
    public Tensor broadcastTo(int... target) { return expand(target); }

    /** Removes all size-1 dimensions. */
    public Tensor squeeze() {
        int k = 0;
        for (int s : shape) if (s != 1) k++;
        int[] ns = new int[k], nst = new int[k];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] == 1) continue;
            ns[j] = shape[i];
            nst[j++] = strides[i];
        }
        return new Tensor(storage, ns, nst, offset);
    }

    /** Removes dimension dim, which must have size 1. */
    public Tensor squeeze(int dim) {
        int d = Shape.axis("squeeze", dim, shape.length);
        if (shape[d] != 1) throw new IllegalArgumentException("squeeze: dimension " + d + " of " + Shape.str(shape) + " has size " + shape[d] + ", not 1");
        return select(d, 0);
    }

    /** Inserts a size-1 dimension at dim (in [-(rank+1), rank]). */
    public Tensor unsqueeze(int dim) {
        int d = Shape.axis("unsqueeze", dim, shape.length + 1);
        int[] ns = new int[shape.length + 1], nst = new int[shape.length + 1];
        for (int i = 0, j = 0; i < ns.length; i++) {
            if (i == d) {
                ns[i] = 1;
                nst[i] = d < shape.length ? strides[d] * shape[d] : 1;
            } else {
                ns[i] = shape[j];
                nst[i] = strides[j++];
            }
        }
        return new Tensor(storage, ns, nst, offset);
    }

    /** All dimensions into one. */
    public Tensor flatten() { return reshape(numel()); }

    /** Dimensions start..end (inclusive) into one. */
    public Tensor flatten(int start, int end) {
        if (shape.length == 0) return reshape(1);
        int s = Shape.axis("flatten", start, shape.length), e = Shape.axis("flatten", end, shape.length);
        if (e < s) throw new IllegalArgumentException("flatten: end " + end + " before start " + start);
        int[] ns = new int[shape.length - (e - s)];
        int j = 0, prod = 1;
        for (int i = 0; i < shape.length; i++) {
            if (i < s || i > e) ns[j++] = shape[i];
            else {
                prod *= shape[i];
                if (i == e) ns[j++] = prod;
            }
        }
        return reshape(ns);
    }

    /** This tensor if contiguous, else a contiguous copy on the same device. */
    public Tensor contiguous() { return isContiguous() ? this : copy(); }

    /** A contiguous copy on the same device. */
    public Tensor copy() {
        Backend b = backend();
        Tensor out = new Tensor(b.allocate(numel()), shape);
        b.copy(this, out);
        return out;
    }

    /** This tensor on another device (itself when already there). */
    public Tensor to(Device target) {
        if (target.equals(device())) return this;
        Tensor host = device().kind() == Device.Kind.CPU ? contiguous() : backend().toHost(this);
        return target.kind() == Device.Kind.CPU ? host : Backends.forDevice(target).fromHost(host.contiguous());
    }

    /** This tensor on the host. */
    public Tensor toCpu() { return to(Device.CPU); }

    // ------------------------------------------------------------------ element access (host; for tests and small work)

    /** Storage position of a multi-index. */
    public int position(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Shape.str(index) + " has rank " + index.length + ", tensor " + Shape.str(shape) + " has rank " + shape.length);
        }
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            int ix = index[i];
            if (ix < 0 || ix >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Shape.str(index) + " is outside shape " + Shape.str(shape));
            }
            p += ix * strides[i];
        }
        return p;
    }

    public float get(int... index) { return hostStorage("get").get(position(index)); }

    public void set(float value, int... index) { hostStorage("set").set(position(index), value); }

    /** Value of the single element of a one-element tensor. */
    public float item() {
        if (numel() != 1) throw new IllegalStateException("item: tensor " + Shape.str(shape) + " has " + numel() + " elements, not 1");
        return hostStorage("item").get(offset);
    }

    /** Element at row-major logical position i (any strides). */
    public float getFlat(int i) {
        int p = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            int sz = shape[d];
            p += (i % sz) * strides[d];
            i /= sz;
        }
        return hostStorage("getFlat").get(p);
    }

    /** All values in row-major order (a copy). */
    public float[] toFloatArray() {
        Tensor c = toCpu().contiguous();
        float[] a = c.storage().array();
        if (a != null) return Arrays.copyOfRange(a, c.offset(), c.offset() + c.numel());
        float[] out = new float[c.numel()];
        for (int i = 0; i < out.length; i++) out[i] = c.storage().get(c.offset() + i);
        return out;
    }

    private Storage hostStorage(String op) {
        if (!storage.isHost()) throw new IllegalStateException(op + ": tensor lives on " + device() + "; call toCpu() first");
        return storage;
    }

    // ------------------------------------------------------------------ printing

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape));
        if (!device().equals(Device.CPU)) sb.append(" on ").append(device());
        if (dtype() != DType.F32) sb.append(' ').append(dtype());
        if (numel() > 1000 || !storage.isHost()) return sb.toString();
        sb.append(' ');
        appendValues(sb, 0, offset);
        return sb.toString();
    }

    private void appendValues(StringBuilder sb, int d, int pos) {
        if (d == shape.length) {
            sb.append(fmt(storage.get(pos)));
            return;
        }
        sb.append('[');
        for (int i = 0; i < shape[d]; i++) {
            if (i > 0) sb.append(d == shape.length - 1 ? ", " : ",\n" + " ".repeat(d + 1 + 7 + Shape.str(shape).length()));
            appendValues(sb, d + 1, pos + i * strides[d]);
        }
        sb.append(']');
    }

    private static String fmt(float v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e7) return String.valueOf((long) v) + ".";
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }
}
