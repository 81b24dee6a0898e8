// Cross-entropy with label smoothing over rows of contiguous logits [N,C] (offset xOff); targets[i] == ignore marks a
// row to skip. One work-group per row: the max, log-sum-exp, then the loss (isBackward 0: rowLoss[i]) or the
// gradient (isBackward 1: dx = (softmax - q) * scale). q = on*onehot + off.
__kernel void cross_entropy(int isBackward, int C, __global const int* targets, int ignore, float on, float off, float scale,
                            __global const float* x, int xOff, __global float* out, int outOff) {
    __local float buf[WG];
    int i = get_group_id(0), lid = get_local_id(0);
    int t = targets[i];
    int xb = xOff + i * C;
    const bool skip = t == ignore;
    float m = -INFINITY;
    for (int j = lid; j < C; j += WG) m = combine(2, m, x[xb + j]);
    m = wg_reduce(buf, m, 2);
    float s = 0.0f, sx = 0.0f;
    for (int j = lid; j < C; j += WG) { s += exp(x[xb + j] - m); sx += x[xb + j]; }
    s = wg_reduce(buf, s, 0);
    sx = wg_reduce(buf, sx, 0);
    float lse = m + log(s);
    if (isBackward) {
        for (int j = lid; j < C; j += WG) {
            float d = (exp(x[xb + j] - lse) - off) * scale;
            if (j == t) d -= on * scale;
            out[outOff + i * C + j] = skip ? 0.0f : d;
        }
    } else if (lid == 0) {
        out[outOff + i] = skip ? 0.0f : -(on * (x[xb + t] - lse) + off * (sx - C * lse));
    }
}
