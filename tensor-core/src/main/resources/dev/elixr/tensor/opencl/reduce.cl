// Reductions over any set of axes. kv: the kept view (out's keepdim shape over x's strides and offset),
// rv: the reduced axes (their sizes and x's strides, offset 0) with rn elements. op: 0 sum, 1 mean, 2 max, 3 min.

// One work-group per output element: long reductions.
__kernel void reduce_wg(int op, int rn, View kv, View rv, __global const float* x, __global float* out, int outOff) {
    __local float buf[WG];
    int o = get_group_id(0);
    int base = vpos(kv, o);
    float acc = op >= 2 ? x[base + vpos(rv, 0)] : 0.0f;
    for (int j = get_local_id(0); j < rn; j += WG) acc = combine(op, acc, x[base + vpos(rv, j)]);
    float r = wg_reduce(buf, acc, op);
    if (get_local_id(0) == 0) out[outOff + o] = op == 1 ? r / rn : r;
}

// One work-item per output element: short reductions over many outputs.
__kernel void reduce_item(int op, int nOut, int rn, View kv, View rv, __global const float* x, __global float* out, int outOff) {
    int o = get_global_id(0);
    if (o >= nOut) return;
    int base = vpos(kv, o);
    float acc = op >= 2 ? x[base + vpos(rv, 0)] : 0.0f;
    for (int j = 0; j < rn; j++) acc = combine(op, acc, x[base + vpos(rv, j)]);
    out[outOff + o] = op == 1 ? acc / rn : acc;
}

// Index of the first maximum (isMax = 1) or minimum along one axis (size n, stride s), as a float.
__kernel void arg_reduce(int isMax, int n, int s, View kv, __global const float* x, __global float* out, int outOff) {
    __local float bv[WG];
    __local int bi[WG];
    int o = get_group_id(0), lid = get_local_id(0);
    int base = vpos(kv, o);
    float best = NAN;
    int bestI = -1;
    for (int j = lid; j < n; j += WG) {
        float v = x[base + j * s];
        bool better = bestI < 0 || (isMax ? v > best : v < best) || (isnan(v) && !isnan(best));
        if (better) { best = v; bestI = j; }
    }
    bv[lid] = best;
    bi[lid] = bestI;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int st = WG / 2; st > 0; st >>= 1) {
        if (lid < st) {
            float v = bv[lid + st];
            int i = bi[lid + st];
            float b = bv[lid];
            int k = bi[lid];
            bool better = i >= 0 && (k < 0 || (isMax ? v > b : v < b) || (isnan(v) && !isnan(b)) || (v == b && i < k));
            if (better) { bv[lid] = v; bi[lid] = i; }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) out[outOff + o] = (float) bi[0];
}
