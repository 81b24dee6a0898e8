package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;

/**
 * Walks several same-shaped views together, row by row: dimensions that are contiguous for every
 * operand are merged (so contiguous tensors become one long row) and size-1 dimensions dropped; the
 * last merged dimension is the row. Rows are split over the shared pool.
 */
final class StridedLoop {
    /** Body for one row: bases[i] is operand i's storage position of the row's first element. */
    @FunctionalInterface
    interface RowBody { void row(int[] bases, int length); }

    private final int[] outer;        // sizes of the outer (row-indexing) dimensions
    private final int[][] outerStrides; // [operand][dim]
    private final int[] offsets;
    final int rowLength;
    final int[] innerStrides;         // per operand
    final int rows;

    StridedLoop(Tensor... ts) {
        int[] shape = ts[0].shape();
        int n = ts.length;
        int[][] st = new int[n][];
        for (int i = 0; i < n; i++) st[i] = ts[i].strides();
        // drop size-1 dims, then merge i into i+1 when contiguous for all operands
        int[] sh = new int[shape.length];
        int[][] s = new int[n][shape.length];
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (r > 0) {
                boolean merge = true;
                for (int i = 0; i < n && merge; i++) merge = s[i][r - 1] == st[i][d] * shape[d];
                if (merge) {
                    sh[r - 1] *= shape[d];
                    for (int i = 0; i < n; i++) s[i][r - 1] = st[i][d];
                    continue;
                }
            }
            sh[r] = shape[d];
            for (int i = 0; i < n; i++) s[i][r] = st[i][d];
            r++;
        }
        offsets = new int[n];
        for (int i = 0; i < n; i++) offsets[i] = ts[i].offset();
        innerStrides = new int[n];
        if (r == 0) {
            rowLength = ts[0].numel() == 0 ? 0 : 1;
            outer = new int[0];
            outerStrides = new int[n][0];
        } else {
            rowLength = sh[r - 1];
            for (int i = 0; i < n; i++) innerStrides[i] = s[i][r - 1];
            outer = java.util.Arrays.copyOf(sh, r - 1);
            outerStrides = new int[n][];
            for (int i = 0; i < n; i++) outerStrides[i] = java.util.Arrays.copyOf(s[i], r - 1);
        }
        int rc = rowLength == 0 ? 0 : 1;
        for (int d : outer) rc *= d;
        rows = rc;
    }

    /** Storage positions of row r's first element for every operand. */
    void bases(int r, int[] out) {
        System.arraycopy(offsets, 0, out, 0, offsets.length);
        for (int d = outer.length - 1; d >= 0; d--) {
            int sz = outer[d], ix = r % sz;
            r /= sz;
            for (int i = 0; i < out.length; i++) out[i] += ix * outerStrides[i][d];
        }
    }

    /** Runs body over all rows, in parallel chunks of about {@code grainElements} elements. */
    void forEachRow(int grainElements, RowBody body) {
        int grain = Math.max(1, grainElements / Math.max(1, rowLength));
        Parallel.forRange(rows, grain, (s, e) -> {
            int[] b = new int[offsets.length];
            for (int r = s; r < e; r++) {
                bases(r, b);
                body.row(b, rowLength);
            }
        });
    }

    /** Same as forEachRow, but splits a single long row into chunks (for one-row contiguous work). */
    void forEachChunk(int grainElements, RowBody body) {
        if (rows != 1) {
            forEachRow(grainElements, body);
            return;
        }
        int[] base = new int[offsets.length];
        bases(0, base);
        Parallel.forRange(rowLength, grainElements, (s, e) -> {
            int[] b = new int[base.length];
            for (int i = 0; i < b.length; i++) b[i] = base[i] + s * innerStrides[i];
            body.row(b, e - s);
        });
    }
}
