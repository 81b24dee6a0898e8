// Gather along axis 0: out[i, r] = table[ids[i], r] for out [n, rest] contiguous; rows of the table at
// offset + ids[i] * rowStride, the rest addressed through view rv (offset 0).
__kernel void gather_rows(int total, int rowLen, __global const int* ids, int rowStride, View rv, int tOff,
                          __global const float* table, __global float* out, int outOff) {
    int e = get_global_id(0);
    if (e >= total) return;
    int i = e / rowLen, r = e % rowLen;
    out[outOff + e] = table[tOff + ids[i] * rowStride + vpos(rv, r)];
}

// Row scatter-add, grouped by destination on the host (CSR): for distinct row u, positions[start[u] .. start[u+1])
// are the source rows to add, in increasing order. One work-item per (u, column); src contiguous [n, rowLen].
__kernel void scatter_add_rows(int total, int rowLen, __global const int* rows, __global const int* start,
                               __global const int* positions, __global const float* src, int srcOff,
                               __global float* table, int tOff) {
    int e = get_global_id(0);
    if (e >= total) return;
    int u = e / rowLen, j = e % rowLen;
    int at = tOff + rows[u] * rowLen + j;
    float acc = table[at];
    for (int k = start[u]; k < start[u + 1]; k++) acc += src[srcOff + positions[k] * rowLen + j];
    table[at] = acc;
}
