package dev.elixr.tensor.backend;

/**
 * Positions of an index list grouped by index value (counting sort, CSR layout): for each distinct value u,
 * positions[start[u] .. start[u+1]) are the i with ids[i] == rows[u], in increasing i. Scatters use it to give each
 * destination row to one thread and add its sources in a fixed order.
 */
public record RowGroups(int[] rows, int[] start, int[] positions) {
    public static RowGroups of(int[] ids, int tableRows) {
        int[] count = new int[tableRows + 1];
        for (int id : ids) count[id + 1]++;
        int distinct = 0;
        for (int r = 0; r < tableRows; r++) if (count[r + 1] > 0) distinct++;
        int[] rows = new int[distinct], start = new int[distinct + 1], next = new int[tableRows];
        for (int r = 0, u = 0, at = 0; r < tableRows; r++) {
            next[r] = at;
            if (count[r + 1] == 0) continue;
            rows[u] = r;
            start[u] = at;
            at += count[r + 1];
            start[++u] = at;
        }
        int[] positions = new int[ids.length];
        for (int i = 0; i < ids.length; i++) positions[next[ids[i]]++] = i;
        return new RowGroups(rows, start, positions);
    }
}
