package dev.elixr.tensor.ops;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.UnaryOp;

/** 2-D convolution (cross-correlation, PyTorch's conv2d), with stride, zero padding, dilation and groups. */
public final class Conv {
    private Conv() {}

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv2d(x, w, bias, Conv2dParams.of(stride, padding, dilation, groups));
    }

    /** x [N,C,H,W], w [O,C/groups,KH,KW], bias [O] or null → [N,O,OH,OW]. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
        int[] os = outShape(x, w, bias, p);
        Backend be = Backends.of("conv2d", x, w, bias);
        Tensor out = Outputs.allocate(be, os);
        be.conv2d(x, w, bias, p, out);
        return out;
    }

    /**
     * An inference convolution with its epilogue, act(conv(x·gate, w)·scale + shift): gate [N,C] scales x's channels
     * per image (squeeze-and-excitation), scale and shift [O] per output channel (a batch norm folded in eval mode: scale
     * γ/√(σ²+ε), shift β − μ·scale; or a bias), act an activation; any of the four may be null. One pass over the
     * output where the backend fuses it. No gradient: what a no-grad forward calls.
     */
    public static Tensor conv2dFused(Tensor x, Tensor w, Tensor gate, Tensor scale, Tensor shift, UnaryOp act, Conv2dParams p) {
        int[] os = outShape(x, w, shift, p);
        if (scale != null && (scale.dim() != 1 || scale.size(0) != os[1]))
            throw new IllegalArgumentException("conv2dFused: scale " + Outputs.str(scale) + " does not match " + os[1] + " output channels of w " + Outputs.str(w));
        if (gate != null && (gate.dim() != 2 || gate.size(0) != os[0] || gate.size(1) != x.size(1)))
            throw new IllegalArgumentException("conv2dFused: gate " + Outputs.str(gate) + " must be [N,C] = [" + os[0] + "," + x.size(1) + "] for x " + Outputs.str(x));
        Backend be = Backends.of("conv2dFused", x, w, gate, scale, shift);
        Tensor out = Outputs.allocate(be, os);
        be.conv2dFused(x, w, gate, scale, shift, act, p, out);
        return out;
    }

    /** Checks conv2d's operands; the output shape [N,O,OH,OW]. */
    private static int[] outShape(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
        String shapes = "x " + Outputs.str(x) + ", w " + Outputs.str(w);
        if (x.dim() != 4) throw new IllegalArgumentException("conv2d: " + shapes + ": x must be [N,C,H,W]");
        if (w.dim() != 4) throw new IllegalArgumentException("conv2d: " + shapes + ": w must be [O,C/groups,KH,KW]");
        checkParams("conv2d", p);
        int c = x.size(1), o = w.size(0), g = p.groups();
        if (c % g != 0 || o % g != 0) {
            throw new IllegalArgumentException("conv2d: " + shapes + ": groups " + g + " must divide both the input channels " + c
                    + " and the output channels " + o);
        }
        if (w.size(1) != c / g) {
            throw new IllegalArgumentException("conv2d: " + shapes + ": w has " + w.size(1) + " input channels per group, x has "
                    + c + "/" + g + " = " + c / g);
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != o)) {
            throw new IllegalArgumentException("conv2d: bias " + Outputs.str(bias) + " does not match " + o + " output channels of w "
                    + Outputs.str(w));
        }
        int oh = Conv2dParams.outSize(x.size(2), w.size(2), p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(x.size(3), w.size(3), p.strideW(), p.padW(), p.dilationW());
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("conv2d: " + shapes + ": the (dilated) kernel is larger than the padded input "
                    + "(output would be " + oh + "x" + ow + ")");
        }
        return new int[] {x.size(0), o, oh, ow};
    }

    /**
     * Gradient of {@link #conv2d} with respect to x [N,C,H,W] (xShape) for output gradient g [N,O,OH,OW]: per group,
     * dCols = Wᵀ·g as one batched product, folded back by col2im (the adjoint of the unfolding).
     */
    public static Tensor conv2dBackwardInput(Tensor g, Tensor w, int[] xShape, Conv2dParams p) {
        checkBackward("conv2dBackwardInput", g, xShape, w.shape(), p);
        int groups = p.groups(), og = w.size(0) / groups, ck = w.size(1) * w.size(2) * w.size(3);
        Tensor dcols = MatMul.matmul(w.reshape(groups, og, ck).transpose(-2, -1), groupedGradient(g, groups));
        return col2im(dcols, xShape, w.size(2), w.size(3), p);
    }

    /** Gradient of {@link #conv2d} with respect to w (wShape): per group, dW = g·colsᵀ with cols = im2col(x). */
    public static Tensor conv2dBackwardWeight(Tensor x, Tensor g, int[] wShape, Conv2dParams p) {
        checkBackward("conv2dBackwardWeight", g, x.shape(), wShape, p);
        Tensor cols = im2col(x, wShape[2], wShape[3], p);
        return MatMul.matmul(groupedGradient(g, p.groups()), cols.transpose(-2, -1)).reshape(wShape);
    }

    /**
     * Both gradients of {@link #conv2d}, {dx, dw} (null where the flag is false): in one backend call where the backend
     * fuses them (the CPU: groups = 1, and depthwise convolutions directly from g), else sharing one regrouped copy of g, over chunks of the batch whose columns fit
     * {@link #BACKWARD_COLUMN_FLOATS} (dw summed chunk by chunk in image order). What a backward pass calls.
     */
    public static Tensor[] conv2dBackward(Tensor x, Tensor w, Tensor g, Conv2dParams p, boolean needX, boolean needW) {
        return conv2dBackward(x, w, g, p, needX, needW, BACKWARD_COLUMN_FLOATS);
    }

    /** {@link #conv2dBackward(Tensor, Tensor, Tensor, Conv2dParams, boolean, boolean)} with chunks of {@code columnFloats} (tests). */
    static Tensor[] conv2dBackward(Tensor x, Tensor w, Tensor g, Conv2dParams p, boolean needX, boolean needW, int columnFloats) {
        checkBackward("conv2dBackward", g, x.shape(), w.shape(), p);
        Backend be = Backends.of("conv2dBackward", x, w, g);
        if (be.fusesConv2dBackward(p, x.shape(), w.shape())) {  // one call, the backend's own buffers
            Tensor dx = needX ? Outputs.allocate(be, x.shape()) : null, dw = needW ? Outputs.allocate(be, w.shape()) : null;
            if (needX || needW) be.conv2dBackward(x, w, g, p, dx, dw);
            return new Tensor[] {dx, dw};
        }
        int n = x.size(0), nb = chunkImages(n, columnsPerImage(x.shape(), w.shape(), g.size(2) * g.size(3)), columnFloats);
        if (nb >= n || !(needX || needW)) return unfoldedBackward(x, w, g, p, needX, needW);
        Tensor dx = needX ? Outputs.allocate(be, x.shape()) : null, dw = null;
        for (int n0 = 0; n0 < n; n0 += nb) {
            int m = Math.min(nb, n - n0);
            Tensor[] d = unfoldedBackward(x.narrow(0, n0, m), w, g.narrow(0, n0, m), p, needX, needW);
            if (needX) Index.copyInto(d[0], dx.narrow(0, n0, m));
            if (needW) dw = dw == null ? d[1] : Elementwise.add(dw, d[1]);
        }
        return new Tensor[] {dx, dw};
    }

    /**
     * Floats of the unfolded columns [C·KH·KW, m·OH·OW] a backward that the backend does not fuse (on the CPU: grouped
     * convolutions other than depthwise ones; every convolution on a backend without a fused backward) holds at once (256 MiB): a larger batch goes through in chunks of m images, at least one.
     * Whole-batch columns grew with the batch (EfficientNet-B0's 5×5 depthwise convolution on 240 channels at 64²: 24.6 M
     * floats an image) and passed 2^31−1 elements, the most one tensor holds, at 88 images of 512². Chunks of 2^24
     * floats cost 15% more CPU per image at 128², batch 32 (more, smaller products, and a copy of dx); at 2^26 that batch
     * is still one chunk.
     */
    public static final int BACKWARD_COLUMN_FLOATS = 1 << 26;

    /** How many of n images the backward of an unfused convolution unfolds at once ({@link #BACKWARD_COLUMN_FLOATS}). */
    public static int backwardChunkImages(int n, long columnsPerImage) { return chunkImages(n, columnsPerImage, BACKWARD_COLUMN_FLOATS); }

    private static int chunkImages(int n, long columnsPerImage, int columnFloats) {
        return (int) Math.max(1, Math.min(n, columnFloats / Math.max(1, columnsPerImage)));
    }

    /**
     * The floats of scratch {@link #conv2dBackward} takes besides dx and dw for n images shaped like x's, with weights w
     * and ohw output positions an image: the backend's bands where it fuses the backward, else one chunk's columns and
     * regrouped gradient. With n = Integer.MAX_VALUE, the most it takes for any batch (bounded where it works in chunks).
     */
    public static long backwardScratchFloats(long n, Tensor x, Tensor w, int ohw, Conv2dParams p) {
        Backend be = Backends.of("conv2dBackward", x, w);
        if (be.fusesConv2dBackward(p, x.shape(), w.shape())) return be.conv2dBackwardScratchFloats(n, x.shape(), w.shape(), ohw, p);
        long columns = columnsPerImage(x.shape(), w.shape(), ohw);
        return backwardChunkImages((int) Math.min(n, Integer.MAX_VALUE), columns) * (columns + (long) w.size(0) * ohw);
    }

    /** C·KH·KW·OH·OW: the floats of one image's unfolded columns (w [O, C/G, KH, KW], ohw = OH·OW output positions). */
    public static long columnsPerImage(int[] xShape, int[] wShape, int ohw) {
        return (long) xShape[1] * wShape[2] * wShape[3] * ohw;
    }

    /** Both gradients through whole-batch columns: per group Wᵀ·g folded back by col2im, and g·im2col(x)ᵀ. */
    private static Tensor[] unfoldedBackward(Tensor x, Tensor w, Tensor g, Conv2dParams p, boolean needX, boolean needW) {
        int groups = p.groups(), og = w.size(0) / groups, ck = w.size(1) * w.size(2) * w.size(3);
        Tensor gg = needX || needW ? groupedGradient(g, groups) : null;
        Tensor dx = needX ? col2im(MatMul.matmul(w.reshape(groups, og, ck).transpose(-2, -1), gg), x.shape(), w.size(2), w.size(3), p) : null;
        Tensor dw = needW ? MatMul.matmul(gg, im2col(x, w.size(2), w.size(3), p).transpose(-2, -1)).reshape(w.shape()) : null;
        return new Tensor[] {dx, dw};
    }

    /** g [N,O,OH,OW] as [G, O/G, N·OH·OW], the layout of the columns' last axis. */
    private static Tensor groupedGradient(Tensor g, int groups) {
        int n = g.size(0), o = g.size(1), l = g.size(2) * g.size(3);
        return g.reshape(n, groups, o / groups, l).permute(1, 2, 0, 3).reshape(groups, o / groups, n * l);
    }

    /** The input windows of x [N,C,H,W] as columns [G, C/G·KH·KW, N·OH·OW] (im2col, Chellapilla et al. 2006). */
    public static Tensor im2col(Tensor x, int kh, int kw, Conv2dParams p) {
        if (x.dim() != 4) throw new IllegalArgumentException("im2col: x " + Outputs.str(x) + " must be [N,C,H,W]");
        checkParams("im2col", p);
        int oh = outExtent("im2col", x.size(2), kh, p.strideH(), p.padH(), p.dilationH());
        int ow = outExtent("im2col", x.size(3), kw, p.strideW(), p.padW(), p.dilationW());
        if (x.size(1) % p.groups() != 0) throw new IllegalArgumentException("im2col: groups " + p.groups() + " do not divide the channels of x " + Outputs.str(x));
        Backend be = Backends.of("im2col", x);
        Tensor cols = Outputs.allocate(be, p.groups(), x.size(1) / p.groups() * kh * kw, x.size(0) * oh * ow);
        be.im2col(x, kh, kw, p, cols);
        return cols;
    }

    /** The adjoint of {@link #im2col}: a tensor of xShape where every column entry is added to the cell it was read from. */
    public static Tensor col2im(Tensor cols, int[] xShape, int kh, int kw, Conv2dParams p) {
        checkParams("col2im", p);
        if (xShape.length != 4) throw new IllegalArgumentException("col2im: image shape " + Shape.str(xShape) + " must be [N,C,H,W]");
        int oh = outExtent("col2im", xShape[2], kh, p.strideH(), p.padH(), p.dilationH());
        int ow = outExtent("col2im", xShape[3], kw, p.strideW(), p.padW(), p.dilationW());
        int[] expected = {p.groups(), xShape[1] / p.groups() * kh * kw, xShape[0] * oh * ow};
        if (!java.util.Arrays.equals(cols.shape(), expected)) {
            throw new IllegalArgumentException("col2im: columns " + Outputs.str(cols) + " do not match image " + Shape.str(xShape)
                    + " (expected " + Shape.str(expected) + ")");
        }
        Backend be = Backends.of("col2im", cols);
        Tensor dx = Outputs.allocate(be, xShape);
        be.col2im(cols, kh, kw, p, dx);
        return dx;
    }

    private static int outExtent(String op, int in, int k, int s, int pad, int d) {
        int o = Conv2dParams.outSize(in, k, s, pad, d);
        if (o <= 0) throw new IllegalArgumentException(op + ": the (dilated) kernel " + k + " is larger than the padded input " + in);
        return o;
    }

    private static void checkBackward(String op, Tensor g, int[] xShape, int[] wShape, Conv2dParams p) {
        checkParams(op, p);
        int oh = Conv2dParams.outSize(xShape[2], wShape[2], p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(xShape[3], wShape[3], p.strideW(), p.padW(), p.dilationW());
        int[] expected = {xShape[0], wShape[0], oh, ow};
        if (!java.util.Arrays.equals(g.shape(), expected)) {
            throw new IllegalArgumentException(op + ": gradient " + Outputs.str(g) + " is not the output shape " + Shape.str(expected)
                    + " of x " + Shape.str(xShape) + " and w " + Shape.str(wShape));
        }
    }

    static void checkParams(String op, Conv2dParams p) {
        if (p.strideH() < 1 || p.strideW() < 1 || p.dilationH() < 1 || p.dilationW() < 1 || p.padH() < 0 || p.padW() < 0 || p.groups() < 1) {
            throw new IllegalArgumentException(op + ": stride, dilation and groups must be >= 1 and padding >= 0, got " + p);
        }
    }
}
