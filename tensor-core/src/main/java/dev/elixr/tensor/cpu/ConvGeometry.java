package dev.elixr.tensor.cpu;

import dev.elixr.tensor.backend.Conv2dParams;

/**
 * Sizes of one convolution as im2col sees it: batch n, channels c, image h×w, kernel kh×kw, output oh×ow, channels per
 * group cg, column height per group ck = cg·kh·kw, l = oh·ow, and the window geometry.
 */
record ConvGeometry(int n, int c, int h, int w, int kh, int kw, int oh, int ow, int cg, int ck, int l, int groups,
                    int sh, int sw, int ph, int pw, int dh, int dw) {
    static ConvGeometry of(int[] x, int kh, int kw, Conv2dParams p) {
        int oh = Conv2dParams.outSize(x[2], kh, p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(x[3], kw, p.strideW(), p.padW(), p.dilationW());
        int cg = x[1] / p.groups();
        return new ConvGeometry(x[0], x[1], x[2], x[3], kh, kw, oh, ow, cg, cg * kh * kw, oh * ow, p.groups(),
                p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW());
    }

    /** First output column ox whose input column ox·sw − pw + j·dw is inside the image. */
    int firstColumn(int j) { return Math.max(0, Math.ceilDiv(pw - j * dw, sw)); }

    /** One past the last output column whose input column is inside the image. */
    int lastColumn(int j) { return Math.max(firstColumn(j), Math.min(ow, Math.floorDiv(w - 1 + pw - j * dw, sw) + 1)); }
}
