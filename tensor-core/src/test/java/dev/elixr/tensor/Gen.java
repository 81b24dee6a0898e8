package dev.elixr.tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded generators for property tests: shapes (size-1 and odd sizes, some long rows for the vector
 * paths), values, and the same values laid out as contiguous, permuted, step-sliced or offset views.
 */
public final class Gen {
    public final SplittableRandom rng;

    public Gen(long seed) { this.rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 12345); }

    /** A dimension: mostly small (1..7), sometimes a long odd one that exercises vectors and tails. */
    public int dim() {
        int r = rng.nextInt(10);
        if (r == 0) return 1;
        if (r < 7) return 1 + rng.nextInt(7);
        return new int[] {15, 17, 31, 33, 40, 67}[rng.nextInt(6)];
    }

    public int[] shape(int minRank, int maxRank) {
        int rank = minRank + rng.nextInt(maxRank - minRank + 1);
        int[] s = new int[rank];
        long n = 1;
        for (int i = 0; i < rank; i++) {
            s[i] = dim();
            n *= s[i];
            if (n > 20000) s[i] = 1;
        }
        return s;
    }

    /** A shape that broadcasts to s: some dimensions set to 1, some leading ones dropped. */
    public int[] broadcastable(int[] s) {
        int drop = s.length == 0 ? 0 : rng.nextInt(s.length + 1);
        int[] b = Arrays.copyOfRange(s, drop, s.length);
        for (int i = 0; i < b.length; i++) if (rng.nextInt(3) == 0) b[i] = 1;
        return b;
    }

    /** Normal values times scale, contiguous. */
    public Tensor values(float scale, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (rng.nextGaussian() * scale);
        return Tensor.wrap(d, shape);
    }

    /** Uniform values in [lo, hi), contiguous. */
    public Tensor uniform(float lo, float hi, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * (float) rng.nextDouble();
        return Tensor.wrap(d, shape);
    }

    /** Normal values in a random layout. */
    public Tensor tensor(int... shape) { return layout(values(1f, shape)); }

    /**
     * The same logical values in a random layout: contiguous, permuted, sliced with a step, offset, or a mix.
     * Unused storage holds NaN so that a kernel reading the wrong element fails loudly.
     */
    public Tensor layout(Tensor values) {
        int r = values.dim();
        int kind = rng.nextInt(4);
        if (kind == 0 || values.numel() == 0) return values;
        int[] shape = values.shape();
        int[] perm = identity(r);
        if (kind != 2) shuffle(perm);
        int[] steps = new int[r];
        for (int i = 0; i < r; i++) steps[i] = kind == 1 ? 1 : 1 + rng.nextInt(2);
        int offset = kind == 1 ? 0 : rng.nextInt(4);
        int[] base = new int[r];
        for (int i = 0; i < r; i++) base[i] = shape[perm[i]] * steps[perm[i]];
        float[] store = new float[Shape.numel(base) + offset];
        Arrays.fill(store, Float.NaN);
        Tensor v = new Tensor(new HeapStorage(store), base, Shape.contiguousStrides(base), offset);
        for (int i = 0; i < r; i++) v = v.slice(i, 0, base[i], steps[perm[i]]);
        int[] inv = new int[r];
        for (int i = 0; i < r; i++) inv[perm[i]] = i;
        v = v.permute(inv);
        for (int i = 0; i < values.numel(); i++) v.set(values.getFlat(i), unravel(i, shape));
        return v;
    }

    public static int[] unravel(int i, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = i % shape[d];
            i /= shape[d];
        }
        return idx;
    }

    public int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }

    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Distinct sorted axes of a rank-r tensor (possibly none). */
    public int[] axes(int r) {
        int[] a = new int[r];
        int k = 0;
        for (int i = 0; i < r; i++) if (rng.nextBoolean()) a[k++] = i;
        return Arrays.copyOf(a, k);
    }

    public <T> T pick(T[] options) { return options[rng.nextInt(options.length)]; }
}
