// Optimiser updates in place, one work-item per element (all operands contiguous, at the given offsets).
// No contraction into fma, so the arithmetic is the CPU kernel's (division and sqrt may differ by an ulp).
#pragma OPENCL FP_CONTRACT OFF

__kernel void adamw(int total, int decays, float decay, float b1, float b2, float negStep, float bc2, float eps,
                    __global float* w, int wOff, __global const float* g, int gOff, __global float* m, int mOff,
                    __global float* v, int vOff) {
    int i = get_global_id(0);
    if (i >= total) return;
    float wj = decays ? w[wOff + i] * decay : w[wOff + i], gj = g[gOff + i];
    float mj = m[mOff + i] * b1 + gj * (1.0f - b1);
    float vj = v[vOff + i] * b2 + gj * gj * (1.0f - b2);
    if (fabs(mj) < FLT_MIN) mj = 0.0f; // moments flushed to zero below the smallest normal float, as the CPU kernel
    if (vj < FLT_MIN) vj = 0.0f;
    m[mOff + i] = mj;
    v[vOff + i] = vj;
    float denom = sqrt(vj) / bc2 + eps;
    w[wOff + i] = wj + (mj / denom) * negStep;
}

__kernel void sgd(int total, float wd, float momentum, float negLr, int hasBuf, int first, int nesterov,
                  __global float* w, int wOff, __global const float* g, int gOff, __global float* buf, int bOff) {
    int i = get_global_id(0);
    if (i >= total) return;
    float d = wd != 0.0f ? g[gOff + i] + w[wOff + i] * wd : g[gOff + i];
    if (hasBuf) {
        float b = first ? d : buf[bOff + i] * momentum + d;
        buf[bOff + i] = b;
        d = nesterov ? d + b * momentum : b;
    }
    w[wOff + i] += d * negLr;
}
