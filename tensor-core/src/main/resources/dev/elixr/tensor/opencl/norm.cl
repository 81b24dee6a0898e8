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

// Backward of layer norm (isRms 0) or RMS norm (isRms 1) over rows of n: x, g contiguous (offsets xOff, gOff).
// One work-group per row: recomputes the mean and 1/sigma, writes them to stats[2r], stats[2r+1] for the column
// kernel, and (hasDx) dx = rstd*(gh - mean(gh) - xhat*mean(gh*xhat)), gh = g*gamma (mean(gh) is 0 for RMS norm).
__kernel void norm_backward_rows(int isRms, int n, float eps, __global const float* x, int xOff, __global const float* g, int gOff,
                                 int hasGamma, __global const float* gm, int gmOff, int gms,
                                 __global float* stats, int hasDx, __global float* dx, int dxOff) {
    __local float buf[WG];
    int r = get_group_id(0), lid = get_local_id(0);
    int xb = xOff + r * n, gb = gOff + r * n;
    float mean = 0.0f;
    if (!isRms) {
        float s = 0.0f;
        for (int j = lid; j < n; j += WG) s += x[xb + j];
        mean = wg_reduce(buf, s, 0) / n;
    }
    float v = 0.0f;
    for (int j = lid; j < n; j += WG) { float d = x[xb + j] - mean; v += d * d; }
    float rstd = rsqrt(wg_reduce(buf, v, 0) / n + eps);
    if (lid == 0) { stats[2 * r] = mean; stats[2 * r + 1] = rstd; }
    float mg = 0.0f, mgx = 0.0f;
    for (int j = lid; j < n; j += WG) {
        float gh = g[gb + j] * (hasGamma ? gm[gmOff + j * gms] : 1.0f);
        mg += gh;
        mgx += gh * (x[xb + j] - mean) * rstd;
    }
    mg = isRms ? 0.0f : wg_reduce(buf, mg, 0) / n;
    mgx = wg_reduce(buf, mgx, 0) / n;
    if (hasDx) {
        for (int j = lid; j < n; j += WG) {
            float xh = (x[xb + j] - mean) * rstd;
            float gh = g[gb + j] * (hasGamma ? gm[gmOff + j * gms] : 1.0f);
            dx[dxOff + r * n + j] = rstd * (gh - mg - xh * mgx);
        }
    }
}

// The parameter gradients of layer / RMS norm: one work-item per column j, summing over all rows in order:
// dgamma[j] = sum g*xhat, dbeta[j] = sum g (each written when its flag is set).
__kernel void norm_backward_columns(int rows, int n, __global const float* x, int xOff, __global const float* g, int gOff,
                                    __global const float* stats, int hasDg, __global float* dg, int dgOff,
                                    int hasDb, __global float* db, int dbOff) {
    int j = get_global_id(0);
    if (j >= n) return;
    float sg = 0.0f, sgx = 0.0f;
    for (int r = 0; r < rows; r++) {
        float gv = g[gOff + r * n + j];
        sg += gv;
        sgx += gv * (x[xOff + r * n + j] - stats[2 * r]) * stats[2 * r + 1];
    }
    if (hasDg) dg[dgOff + j] = sgx;
    if (hasDb) db[dbOff + j] = sg;
}

// Batch-norm statistics of x [N,C,HW] (contiguous, offset xOff) per channel: one work-group per channel, the mean
// then the biased variance (two passes), written to mean[c], var[c].
__kernel void batch_norm_stats(int N, int C, int HW, __global const float* x, int xOff, __global float* mean, int mOff,
                               __global float* var, int vOff) {
    __local float buf[WG];
    int c = get_group_id(0), lid = get_local_id(0);
    int count = N * HW;
    float s = 0.0f;
    for (int k = lid; k < count; k += WG) s += x[xOff + ((k / HW) * C + c) * HW + k % HW];
    float m = count == 0 ? 0.0f : wg_reduce(buf, s, 0) / count;
    float v = 0.0f;
    for (int k = lid; k < count; k += WG) { float d = x[xOff + ((k / HW) * C + c) * HW + k % HW] - m; v += d * d; }
    v = count == 0 ? 0.0f : wg_reduce(buf, v, 0) / count;
    if (lid == 0) { mean[mOff + c] = m; var[vOff + c] = v; }
}

// out = (x - mean[c]) / sqrt(var[c] + eps) * gamma[c] + beta[c], one work-item per element of x [N,C,HW] (contiguous).
__kernel void batch_norm_apply(int total, int C, int HW, float eps, __global const float* x, int xOff,
                               __global const float* mean, int mOff, __global const float* var, int vOff,
                               int hasGamma, __global const float* gm, int gmOff, int gms,
                               int hasBeta, __global const float* bt, int btOff, int bts, __global float* out, int outOff) {
    int i = get_global_id(0);
    if (i >= total) return;
    int c = (i / HW) % C;
    float is = 1.0f / sqrt(var[vOff + c] + eps);
    float k = hasGamma ? is * gm[gmOff + c * gms] : is;
    out[outOff + i] = (x[xOff + i] - mean[mOff + c]) * k + (hasBeta ? bt[btOff + c * bts] : 0.0f);
}

// Batch-norm backward sums per channel (one work-group per channel): sums[2c] = sum g, sums[2c+1] = sum g*xhat.
__kernel void batch_norm_backward_sums(int N, int C, int HW, float eps, __global const float* x, int xOff,
                                       __global const float* g, int gOff, __global const float* mean, int mOff,
                                       __global const float* var, int vOff, __global float* sums) {
    __local float buf[WG];
    int c = get_group_id(0), lid = get_local_id(0);
    int count = N * HW;
    float m = mean[mOff + c], is = 1.0f / sqrt(var[vOff + c] + eps);
    float sg = 0.0f, sgx = 0.0f;
    for (int k = lid; k < count; k += WG) {
        int p = ((k / HW) * C + c) * HW + k % HW;
        float gv = g[gOff + p];
        sg += gv;
        sgx += gv * ((x[xOff + p] - m) * is);
    }
    sg = wg_reduce(buf, sg, 0);
    sgx = wg_reduce(buf, sgx, 0);
    if (lid == 0) { sums[2 * c] = sg; sums[2 * c + 1] = sgx; }
}

// dx = gamma/sigma * (g - sum g/count - xhat * sum(g*xhat)/count), one work-item per element.
__kernel void batch_norm_backward_dx(int total, int C, int HW, float eps, __global const float* x, int xOff,
                                     __global const float* g, int gOff, __global const float* mean, int mOff,
                                     __global const float* var, int vOff, int hasGamma, __global const float* gm, int gmOff, int gms,
                                     __global const float* sums, __global float* dx, int dxOff) {
    int i = get_global_id(0);
    if (i >= total) return;
    int c = (i / HW) % C;
    float count = (float) (total / C);
    float m = mean[mOff + c], is = 1.0f / sqrt(var[vOff + c] + eps);
    float k = hasGamma ? is * gm[gmOff + c * gms] : is;
    float a = sums[2 * c] / count, bc = sums[2 * c + 1] / count;
    dx[dxOff + i] = k * (g[gOff + i] - a - (x[xOff + i] - m) * is * bc);
}

// Copies the per-channel sums of batch_norm_backward_sums into dgamma (sum g*xhat) and dbeta (sum g).
__kernel void batch_norm_backward_params(int C, __global const float* sums, int hasDg, __global float* dg, int dgOff,
                                         int hasDb, __global float* db, int dbOff) {
    int c = get_global_id(0);
    if (c >= C) return;
    if (hasDg) dg[dgOff + c] = sums[2 * c + 1];
    if (hasDb) db[dbOff + c] = sums[2 * c];
}
