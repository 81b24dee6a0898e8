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

// im2col for the convolution backward: x [N,C,H,W] (view xv) unfolded into cols [G][Cg*KH*KW][N*OH*OW] (contiguous,
// offset colOff), zero where the window is in padding. One work-item per column entry.
__kernel void im2col_grouped(int total, View xv, int Cg, int KH, int KW, int OH, int OW,
                             int sh, int sw, int ph, int pw, int dh, int dw, __global const float* x, __global float* col, int colOff) {
    int i = get_global_id(0);
    if (i >= total) return;
    int N = xv.shape[0], H = xv.shape[2], W = xv.shape[3], L = OH * OW, NL = N * L, CK = Cg * KH * KW;
    int c0 = i % NL, row = i / NL;
    int g = row / CK, r = row % CK;
    int ci = r / (KH * KW), ki = (r / KW) % KH, kj = r % KW;
    int n = c0 / L, pix = c0 % L, oh = pix / OW, ow = pix % OW;
    int ih = oh * sh - ph + ki * dh, iw = ow * sw - pw + kj * dw;
    float v = 0.0f;
    if (ih >= 0 && ih < H && iw >= 0 && iw < W)
        v = x[xv.offset + n * xv.stride[0] + (g * Cg + ci) * xv.stride[1] + ih * xv.stride[2] + iw * xv.stride[3]];
    col[colOff + i] = v;
}

// The adjoint of im2col_grouped: one work-item per cell of dx [N,C,H,W] (contiguous), summing the column entries
// read from it in kernel order (ki, kj ascending), the order the CPU's col2im adds them.
__kernel void col2im_grouped(int total, int C, int H, int W, int Cg, int KH, int KW, int OH, int OW,
                             int sh, int sw, int ph, int pw, int dh, int dw, __global const float* col, int colOff,
                             __global float* dx, int dxOff) {
    int i = get_global_id(0);
    if (i >= total) return;
    int iw = i % W, ih = (i / W) % H, ch = (i / (W * H)) % C, n = i / (W * H * C);
    int N = total / (C * H * W), L = OH * OW, NL = N * L, CK = Cg * KH * KW;
    int g = ch / Cg, ci = ch % Cg;
    float acc = 0.0f;
    for (int ki = 0; ki < KH; ki++) {
        int ty = ih + ph - ki * dh;
        if (ty < 0 || ty % sh != 0) continue;
        int oh = ty / sh;
        if (oh >= OH) continue;
        for (int kj = 0; kj < KW; kj++) {
            int tx = iw + pw - kj * dw;
            if (tx < 0 || tx % sw != 0) continue;
            int ow = tx / sw;
            if (ow >= OW) continue;
            int row = g * CK + (ci * KH + ki) * KW + kj;
            acc += col[colOff + row * NL + n * L + oh * OW + ow];
        }
    }
    dx[dxOff + i] = acc;
}

// Gradient of pool2d: one work-item per cell of dx [N,C,H,W] (contiguous); x and g contiguous at offsets xOff, gOff.
// Average: the sum of g/(KH*KW) over the windows holding the cell, in row-major window order. Max: the sum of g over
// the windows whose first maximum (row-major within the window) is this cell.
__kernel void pool2d_backward(int total, int isMax, int H, int W, int KH, int KW, int OH, int OW,
                              int sh, int sw, int ph, int pw, int dh, int dw,
                              __global const float* x, int xOff, __global const float* g, int gOff, __global float* dx, int dxOff) {
    int i = get_global_id(0);
    if (i >= total) return;
    int iw = i % W, ih = (i / W) % H, plane = i / (W * H);
    int xb = xOff + plane * H * W, gb = gOff + plane * OH * OW;
    float area = (float) (KH * KW), acc = 0.0f;
    for (int oh = 0; oh < OH; oh++) {
        int y0 = oh * sh - ph;
        if (ih < y0 || ih > y0 + (KH - 1) * dh || (ih - y0) % dh != 0) continue;
        for (int ow = 0; ow < OW; ow++) {
            int x0 = ow * sw - pw;
            if (iw < x0 || iw > x0 + (KW - 1) * dw || (iw - x0) % dw != 0) continue;
            float gv = g[gb + oh * OW + ow];
            if (!isMax) { acc += gv / area; continue; }
            int best = -1;
            float bestV = 0.0f;
            for (int ki = 0; ki < KH; ki++) {
                int y = y0 + ki * dh;
                if (y < 0 || y >= H) continue;
                for (int kj = 0; kj < KW; kj++) {
                    int xx = x0 + kj * dw;
                    if (xx < 0 || xx >= W) continue;
                    float v = x[xb + y * W + xx];
                    if (best < 0 || v > bestV) { best = y * W + xx; bestV = v; }
                }
            }
            if (best == ih * W + iw) acc += gv;
        }
    }
    dx[dxOff + i] = acc;
}
