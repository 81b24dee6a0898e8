// Gather along axis 0: out[i, r] = table[ids[i], r] for out [n, rest] contiguous; rows of the table at
// offset + ids[i] * rowStride, the rest addressed through view rv (offset 0).
__kernel void gather_rows(int total, int rowLen, __global const int* ids, int rowStride, View rv, int tOff,
                          __global const float* table, __global float* out, int outOff) {
    int e = get_global_id(0);
    if (e >= total) return;
    int i = e / rowLen, r = e % rowLen;
    out[outOff + e] = table[tOff + ids[i] * rowStride + vpos(rv, r)];
}
