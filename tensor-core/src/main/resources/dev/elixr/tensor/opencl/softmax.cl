// Softmax and log-softmax along one axis (size n, strides xs in x and os in out); rows indexed through views
// of the other axes (xr over x, orow over out). One work-group per row.
__kernel void softmax_rows(int isLog, int n, View xr, int xs, __global const float* x, View orow, int os, __global float* out) {
    __local float buf[WG];
    int r = get_group_id(0), lid = get_local_id(0);
    int xb = vpos(xr, r), ob = vpos(orow, r);
    float m = -INFINITY;
    for (int j = lid; j < n; j += WG) m = combine(2, m, x[xb + j * xs]);
    m = wg_reduce(buf, m, 2);
    if (m == -INFINITY) m = 0.0f; // a row of -inf gives NaN, as 0/0 in the reference
    float s = 0.0f;
    for (int j = lid; j < n; j += WG) s += exp(x[xb + j * xs] - m);
    s = wg_reduce(buf, s, 0);
    if (isLog) {
        float ls = log(s);
        for (int j = lid; j < n; j += WG) out[ob + j * os] = x[xb + j * xs] - m - ls;
    } else {
        float inv = 1.0f / s;
        for (int j = lid; j < n; j += WG) out[ob + j * os] = exp(x[xb + j * xs] - m) * inv;
    }
}

// Attention weights in place over contiguous scores [rows, tk] (rows = B*H*Tq): s = softmax(s * scale + mask),
// mask (optional) addressed through mv (a [B,H,Tq] row view) and its last stride ms; causal masks key j > i + tk - tq.
// A row with every key masked gets zero weights (the op's documented behaviour).
__kernel void attention_softmax(int tq, int tk, float scale, int hasMask, View mv, int ms, __global const float* mask,
                                int causal, __global float* s, int sOff) {
    __local float buf[WG];
    int r = get_group_id(0), lid = get_local_id(0);
    int i = r % tq;
    int base = sOff + r * tk;
    int mb = hasMask ? vpos(mv, r) : 0;
    int limit = causal ? i + tk - tq : tk - 1;
    float m = -INFINITY;
    for (int j = lid; j < tk; j += WG) {
        float v = s[base + j] * scale + (hasMask ? mask[mb + j * ms] : 0.0f);
        if (j > limit) v = -INFINITY;
        s[base + j] = v;
        m = combine(2, m, v);
    }
    m = wg_reduce(buf, m, 2);
    // Every key masked: zero weights, so the output row is zero. (No early return: barriers follow, and
    // PoCL's work-group compilation mishandles returns between barriers.)
    const bool dead = m == -INFINITY;
    if (dead) m = 0.0f;
    float sum = 0.0f;
    for (int j = lid; j < tk; j += WG) sum += exp(s[base + j] - m);
    sum = wg_reduce(buf, sum, 0);
    float inv = dead ? 0.0f : 1.0f / sum;
    for (int j = lid; j < tk; j += WG) s[base + j] = exp(s[base + j] - m) * inv;
}

// Gradient of softmax (isLog 0: dx = y*(g - sum g*y)) or log-softmax (isLog 1: dx = g - exp(y)*sum g) along one axis
// of contiguous y, g, dx (offsets yOff, gOff, dxOff) of n elements at stride inner; line r starts at
// (r / inner) * n * inner + r % inner. One work-group per line.
__kernel void softmax_backward(int isLog, int n, int inner, __global const float* y, int yOff, __global const float* g, int gOff,
                               __global float* dx, int dxOff) {
    __local float buf[WG];
    int r = get_group_id(0), lid = get_local_id(0);
    int base = (r / inner) * n * inner + r % inner;
    float s = 0.0f;
    for (int j = lid; j < n; j += WG) {
        int p = base + j * inner;
        s += isLog ? g[gOff + p] : g[gOff + p] * y[yOff + p];
    }
    s = wg_reduce(buf, s, 0);
    for (int j = lid; j < n; j += WG) {
        int p = base + j * inner;
        dx[dxOff + p] = isLog ? g[gOff + p] - exp(y[yOff + p]) * s : y[yOff + p] * (g[gOff + p] - s);
    }
}
