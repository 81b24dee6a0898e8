package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.RowGroups;

/** Row gather along axis 0 (embedding lookup, index select) of index.cl; indices are checked on the host. */
final class ClIndex {
    private final ClContext ctx;

    ClIndex(ClContext ctx) { this.ctx = ctx; }

    /** table[ids[i]] += src[i]: ids grouped by destination on the host, one work-item per (row, column) (index.cl). */
    void scatterAddRows(Tensor src, int[] ids, Tensor table) {
        Tensor s = ClArgs.dense(src);
        ClBuffer sb = ClArgs.buffer("scatterAddRows", ctx, s), tb = ClArgs.buffer("scatterAddRows", ctx, table);
        ClArgs.requireContiguous("scatterAddRows", table);
        if (ids.length == 0 || table.numel() == 0) return;
        int rowLen = table.numel() / table.size(0);
        RowGroups groups = RowGroups.of(ids, table.size(0));
        int total = groups.rows().length * rowLen;
        ctx.programs().kernel("index", "scatter_add_rows").run1d(total, total, rowLen, ctx.uploadInts(groups.rows()),
                ctx.uploadInts(groups.start()), ctx.uploadInts(groups.positions()), sb, s.offset(), tb, table.offset());
    }

    void gather(Tensor table, int[] ids, Tensor out) {
        ClBuffer tb = ClArgs.buffer("gather", ctx, table), ob = ClArgs.buffer("gather", ctx, out);
        ClArgs.requireContiguous("gather", out);
        int rows = table.size(0);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= rows) {
                throw new IndexOutOfBoundsException("gather: index " + ids[i] + " at position " + i + " is outside [0, " + rows
                        + ") of table " + Shape.str(table.shape()));
            }
        }
        int total = out.numel();
        if (total == 0) return;
        int rowLen = total / ids.length;
        ClBuffer idb = ctx.uploadInts(ids);
        ctx.programs().kernel("index", "gather_rows").run1d(total, total, rowLen, idb, table.stride(0),
                ClArgs.dims(table, 1, table.dim(), 0), table.offset(), tb, ob, out.offset());
    }
}
