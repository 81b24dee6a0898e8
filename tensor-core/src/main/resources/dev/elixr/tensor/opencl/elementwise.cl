// Elementwise kernels: unary, binary (broadcast through stride-0 views), where, strided copy, bias.
// Op codes follow the ordinals of UnaryOp and BinaryOp.

float gelu_tanh(float x) {
    const float c = 0.7978845608028654f; // sqrt(2/pi)
    return 0.5f * x * (1.0f + tanh(c * (x + 0.044715f * x * x * x)));
}

// x·sigmoid(v) derivatives without cancellation: e = exp(-|v|), sigmoid(v) and 1 - sigmoid(v) are 1/(1+e) and e/(1+e)
float silu_grad(float x) {
    float e = exp(-fabs(x)), r = 1.0f / (1.0f + e), er = e * r;
    float s = x < 0.0f ? er : r, sm = x < 0.0f ? r : er;
    return s * (1.0f + x * sm);
}

// GELU (tanh form) = x·sigmoid(v), v = 2·sqrt(2/pi)(x + 0.044715x³); x clamped in v' (only used where |x| < 10)
float gelu_tanh_grad(float x) {
    const float k2 = 1.5957691216057308f; // 2·sqrt(2/pi)
    float v = k2 * x * (1.0f + 0.044715f * x * x);
    float e = exp(-fabs(v)), r = 1.0f / (1.0f + e), er = e * r;
    float s = v < 0.0f ? er : r, sm = v < 0.0f ? r : er;
    float xc = clamp(x, -20.0f, 20.0f);
    return s + x * s * sm * k2 * (1.0f + 3.0f * 0.044715f * xc * xc);
}

// GELU (erf form): Phi(x) + x·phi(x), Phi through erfc (no cancellation for x < 0)
float gelu_erf_grad(float x) {
    return 0.5f * erfc(-x * 0.7071067811865476f) + x * 0.3989422804014327f * exp(-0.5f * x * x);
}

float unary_op(int op, float x) {
    switch (op) {
        case 0: return -x;
        case 1: return exp(x);
        case 2: return log(x);
        case 3: return sqrt(x);
        case 4: return rsqrt(x);
        case 5: return fabs(x);
        case 6: return tanh(x);
        case 7: return 1.0f / (1.0f + exp(-x));
        case 8: return x > 0.0f ? x : 0.0f;
        case 9: return gelu_tanh(x);
        case 10: return 0.5f * x * (1.0f + erf(x * 0.7071067811865476f));
        case 11: return x / (1.0f + exp(-x));
        case 12: return 1.0f / x;
        case 13: return x * x;
    }
    return NAN;
}

float binary_op(int op, float a, float b) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        case 4: return pow(a, b);
        case 5: return (a > b || isnan(a)) ? a : b;
        case 6: return (a < b || isnan(a)) ? a : b;
        case 7: return a == b ? 1.0f : 0.0f;
        case 8: return a != b ? 1.0f : 0.0f;
        case 9: return a < b ? 1.0f : 0.0f;
        case 10: return a <= b ? 1.0f : 0.0f;
        case 11: return a > b ? 1.0f : 0.0f;
        case 12: return a >= b ? 1.0f : 0.0f;
        // activation derivatives a·f'(b): b is the saved output (tanh, sigmoid) or input (the rest)
        case 13: return a * (1.0f - b * b);
        case 14: return a * b * (1.0f - b);
        case 15: return b > 0.0f ? a : 0.0f;
        case 16: return a * gelu_tanh_grad(b);
        case 17: return a * gelu_erf_grad(b);
        case 18: return a * silu_grad(b);
    }
    return NAN;
}

__kernel void unary_contig(int op, int n, __global const float* x, int xOff, __global float* out, int outOff) {
    int i = get_global_id(0);
    if (i < n) out[outOff + i] = unary_op(op, x[xOff + i]);
}

__kernel void unary_strided(int op, int n, View xv, __global const float* x, View ov, __global float* out) {
    int i = get_global_id(0);
    if (i < n) out[vpos(ov, i)] = unary_op(op, x[vpos(xv, i)]);
}

__kernel void binary_contig(int op, int n, __global const float* a, int aOff, __global const float* b, int bOff,
                            __global float* out, int outOff) {
    int i = get_global_id(0);
    if (i < n) out[outOff + i] = binary_op(op, a[aOff + i], b[bOff + i]);
}

__kernel void binary_strided(int op, int n, View av, __global const float* a, View bv, __global const float* b,
                             View ov, __global float* out) {
    int i = get_global_id(0);
    if (i < n) out[vpos(ov, i)] = binary_op(op, a[vpos(av, i)], b[vpos(bv, i)]);
}

__kernel void where_strided(int n, View cv, __global const float* c, View av, __global const float* a,
                            View bv, __global const float* b, View ov, __global float* out) {
    int i = get_global_id(0);
    if (i < n) out[vpos(ov, i)] = c[vpos(cv, i)] != 0.0f ? a[vpos(av, i)] : b[vpos(bv, i)];
}

__kernel void copy_strided(int n, View sv, __global const float* src, View dv, __global float* dst) {
    int i = get_global_id(0);
    if (i < n) dst[vpos(dv, i)] = src[vpos(sv, i)];
}

// out[(c * P + p)] += bias[c] for an output laid out [N, C, P] contiguous.
__kernel void add_channel_bias(int n, int C, int P, __global const float* bias, int bOff, int bStride,
                               __global float* out, int outOff) {
    int i = get_global_id(0);
    if (i < n) out[outOff + i] += bias[bOff + ((i / P) % C) * bStride];
}
