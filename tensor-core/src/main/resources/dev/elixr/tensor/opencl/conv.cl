// Convolution and pooling on NCHW tensors (PyTorch conventions). x and w arrive as rank-4 views (any strides).

// Unfolds images n0.. (as many as total covers), group g of x into col [img][Cg*KH*KW][OH*OW] (row-major),
// zero where the window is in padding.
__kernel void im2col(int total, View xv, int n0, int g, int Cg, int KH, int KW, int OH, int OW,
                     int sh, int sw, int ph, int pw, int dh, int dw, __global const float* x, __global float* col) {
    int i = get_global_id(0);
    if (i >= total) return;
    int P = OH * OW;
    int p = i % P, row = (i / P) % (Cg * KH * KW), nImg = n0 + i / (P * Cg * KH * KW);
    int kj = row % KW, ki = (row / KW) % KH, ci = row / (KW * KH);
    int oh = p / OW, ow = p % OW;
    int ih = oh * sh - ph + ki * dh, iw = ow * sw - pw + kj * dw;
    int H = xv.shape[2], W = xv.shape[3];
    float v = 0.0f;
    if (ih >= 0 && ih < H && iw >= 0 && iw < W)
        v = x[xv.offset + nImg * xv.stride[0] + (g * Cg + ci) * xv.stride[1] + ih * xv.stride[2] + iw * xv.stride[3]];
    col[i] = v;
}

// Direct convolution, one work-item per output element of out [N,O,OH,OW] (contiguous); used for grouped
// (e.g. depthwise) convolutions where im2col + GEMM would launch one small GEMM per group.
__kernel void conv_direct(int total, View xv, __global const float* x, View wv, __global const float* w,
                          int hasBias, __global const float* bias, int biasOff, int biasStride,
                          int O, int OH, int OW, int groups, int sh, int sw, int ph, int pw, int dh, int dw,
                          __global float* out, int outOff) {
    int i = get_global_id(0);
    if (i >= total) return;
    int ow = i % OW, oh = (i / OW) % OH, o = (i / (OW * OH)) % O, n = i / (OW * OH * O);
    int Cg = wv.shape[1], KH = wv.shape[2], KW = wv.shape[3];
    int Og = O / groups, g = o / Og;
    int H = xv.shape[2], W = xv.shape[3];
    float acc = hasBias ? bias[biasOff + o * biasStride] : 0.0f;
    for (int ci = 0; ci < Cg; ci++) {
        int xc = xv.offset + n * xv.stride[0] + (g * Cg + ci) * xv.stride[1];
        int wc = wv.offset + o * wv.stride[0] + ci * wv.stride[1];
        for (int ki = 0; ki < KH; ki++) {
            int ih = oh * sh - ph + ki * dh;
            if (ih < 0 || ih >= H) continue;
            for (int kj = 0; kj < KW; kj++) {
                int iw = ow * sw - pw + kj * dw;
                if (iw < 0 || iw >= W) continue;
                acc = mad(x[xc + ih * xv.stride[2] + iw * xv.stride[3]], w[wc + ki * wv.stride[2] + kj * wv.stride[3]], acc);
            }
        }
    }
    out[outOff + i] = acc;
}

// Max or average pooling over KH x KW windows, one work-item per output of out [N,C,OH,OW] (contiguous).
// Average divides by KH*KW (padded cells count, PyTorch's count_include_pad default).
__kernel void pool2d(int total, int isMax, View xv, __global const float* x, int KH, int KW, int OH, int OW,
                     int sh, int sw, int ph, int pw, int dh, int dw, __global float* out, int outOff) {
    int i = get_global_id(0);
    if (i >= total) return;
    int C = xv.shape[1], H = xv.shape[2], W = xv.shape[3];
    int ow = i % OW, oh = (i / OW) % OH, c = (i / (OW * OH)) % C, n = i / (OW * OH * C);
    int base = xv.offset + n * xv.stride[0] + c * xv.stride[1];
    float acc = isMax ? -INFINITY : 0.0f;
    for (int ki = 0; ki < KH; ki++) {
        int ih = oh * sh - ph + ki * dh;
        if (ih < 0 || ih >= H) continue;
        for (int kj = 0; kj < KW; kj++) {
            int iw = ow * sw - pw + kj * dw;
            if (iw < 0 || iw >= W) continue;
            float v = x[base + ih * xv.stride[2] + iw * xv.stride[3]];
            acc = isMax ? combine(2, acc, v) : acc + v;
        }
    }
    out[outOff + i] = isMax ? acc : acc / (KH * KW);
}
