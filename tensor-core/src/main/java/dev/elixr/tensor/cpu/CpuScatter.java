package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.RowGroups;
import jdk.incubator.vector.FloatVector;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * Row scatter-add (the embedding backward): table[ids[i]] += src[i]. Strategy: the ids are grouped by destination row
 * ({@link RowGroups}), one destination row per task, its source rows added in increasing i with vector adds along
 * the row: no two threads touch one row, and the sums come out the same for any thread count.
 */
final class CpuScatter {
    private CpuScatter() {}

    static void scatterAddRows(Tensor src, int[] ids, Tensor table) {
        if (ids.length == 0 || table.numel() == 0) return;
        Tensor sd = HostArrays.dense(src);
        int d = table.numel() / table.size(0);
        RowGroups groups = RowGroups.of(ids, table.size(0));
        float[] s = sd.storage().array(), t = table.storage().array();
        int so = sd.offset(), to = table.offset(), bound = F.loopBound(d);
        Parallel.forRange(groups.rows().length, Math.max(1, 4096 / Math.max(1, d)), (from, until) -> {
            for (int u = from; u < until; u++) {
                int dst = to + groups.rows()[u] * d;
                for (int k = groups.start()[u]; k < groups.start()[u + 1]; k++) {
                    int at = so + groups.positions()[k] * d;
                    for (int j = 0; j < bound; j += L) {
                        FloatVector.fromArray(F, t, dst + j).add(FloatVector.fromArray(F, s, at + j)).intoArray(t, dst + j);
                    }
                    for (int j = bound; j < d; j++) t[dst + j] += s[at + j];
                }
            }
        });
    }
}
