package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The layout of a tensor view as the kernels see it: the {@code View} struct of common.cl
 * ({@code int rank, offset; int shape[8], stride[8]}), passed to kernels by value. {@link #collapse}
 * merges dimensions that are contiguous in every operand, so most elementwise launches see rank 1 or 2.
 */
record ClView(int[] shape, int[] strides, int offset) {
    static final int MAX_RANK = 8;

    ClView {
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException("OpenCL kernels take tensors of rank <= " + MAX_RANK + ", got " + Shape.str(shape));
        }
    }

    static ClView of(Tensor t) { return new ClView(t.shape(), t.strides(), t.offset()); }

    static ClView contiguous(int[] shape, int offset) { return new ClView(shape, Shape.contiguousStrides(shape), offset); }

    boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    MemorySegment toSegment(Arena a) {
        MemorySegment s = a.allocate(JAVA_INT, 2 + 2 * MAX_RANK);
        s.setAtIndex(JAVA_INT, 0, shape.length);
        s.setAtIndex(JAVA_INT, 1, offset);
        for (int i = 0; i < shape.length; i++) {
            s.setAtIndex(JAVA_INT, 2 + i, shape[i]);
            s.setAtIndex(JAVA_INT, 2 + MAX_RANK + i, strides[i]);
        }
        return s;
    }

    /**
     * Views of tensors of one common shape with size-1 dimensions dropped and neighbouring dimensions merged
     * wherever every view is contiguous across them (offsets kept). A scalar becomes rank 0.
     */
    static ClView[] collapse(Tensor... ts) {
        int[] shape = ts[0].shape();
        int k = ts.length;
        List<Integer> dims = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) if (shape[d] != 1) dims.add(d);
        int[][] st = new int[k][];
        for (int j = 0; j < k; j++) st[j] = ts[j].strides();
        int curSize = -1;
        int[] curStride = new int[k];
        List<Integer> sizes = new ArrayList<>();
        List<int[]> strides = new ArrayList<>();
        for (int d : dims) {
            if (curSize < 0) {
                curSize = shape[d];
                for (int j = 0; j < k; j++) curStride[j] = st[j][d];
                continue;
            }
            boolean merge = true;
            for (int j = 0; j < k; j++) if (curStride[j] != st[j][d] * shape[d]) merge = false;
            if (merge) {
                curSize *= shape[d];
                for (int j = 0; j < k; j++) curStride[j] = st[j][d];
            } else {
                sizes.add(curSize);
                strides.add(curStride.clone());
                curSize = shape[d];
                for (int j = 0; j < k; j++) curStride[j] = st[j][d];
            }
        }
        if (curSize >= 0) {
            sizes.add(curSize);
            strides.add(curStride.clone());
        }
        int r = sizes.size();
        ClView[] out = new ClView[k];
        for (int j = 0; j < k; j++) {
            int[] s = new int[r], str = new int[r];
            for (int i = 0; i < r; i++) {
                s[i] = sizes.get(i);
                str[i] = strides.get(i)[j];
            }
            out[j] = new ClView(s, str, ts[j].offset());
        }
        return out;
    }
}
