// Layer norm and RMS norm over the last dimension (size n, stride xs); rows through view xr; out contiguous.
// gamma/beta optional (flags), each addressed by offset and stride. One work-group per row. Two passes for the
// variance (mean first), as the float64 reference does.

__kernel void layer_norm(int n, View xr, int xs, __global const float* x, float eps,
                         int hasGamma, __global const float* g, int gOff, int gs,
                         int hasBeta, __global const float* b, int bOff, int bs,
                         __global float* out, int outOff) {
    __local float buf[WG];
    int r = get_group_id(0), lid = get_local_id(0);
    int xb = vpos(xr, r), ob = outOff + r * n;
    float s = 0.0f;
    for (int j = lid; j < n; j += WG) s += x[xb + j * xs];
    float mean = wg_reduce(buf, s, 0) / n;
    float v = 0.0f;
    for (int j = lid; j < n; j += WG) {
        float d = x[xb + j * xs] - mean;
        v += d * d;
    }
    float inv = rsqrt(wg_reduce(buf, v, 0) / n + eps);
    for (int j = lid; j < n; j += WG) {
        float y = (x[xb + j * xs] - mean) * inv;
        if (hasGamma) y *= g[gOff + j * gs];
        if (hasBeta) y += b[bOff + j * bs];
        out[ob + j] = y;
    }
}

__kernel void rms_norm(int n, View xr, int xs, __global const float* x, float eps,
                       int hasGamma, __global const float* g, int gOff, int gs,
                       __global float* out, int outOff) {
    __local float buf[WG];
    int r = get_group_id(0), lid = get_local_id(0);
    int xb = vpos(xr, r), ob = outOff + r * n;
    float s = 0.0f;
    for (int j = lid; j < n; j += WG) {
        float v = x[xb + j * xs];
        s += v * v;
    }
    float inv = rsqrt(wg_reduce(buf, s, 0) / n + eps);
    for (int j = lid; j < n; j += WG) {
        float y = x[xb + j * xs] * inv;
        if (hasGamma) y *= g[gOff + j * gs];
        out[ob + j] = y;
    }
}
