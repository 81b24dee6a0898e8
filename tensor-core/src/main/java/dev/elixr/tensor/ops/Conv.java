package dev.elixr.tensor.ops;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.backend.Conv2dParams;

/** 2-D convolution (cross-correlation, PyTorch's conv2d), with stride, zero padding, dilation and groups. */
public final class Conv {
    private Conv() {}

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv2d(x, w, bias, Conv2dParams.of(stride, padding, dilation, groups));
    }

    /** x [N,C,H,W], w [O,C/groups,KH,KW], bias [O] or null → [N,O,OH,OW]. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
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
        Backend be = Backends.of("conv2d", x, w, bias);
        Tensor out = Outputs.allocate(be, x.size(0), o, oh, ow);
        be.conv2d(x, w, bias, p, out);
        return out;
    }

    static void checkParams(String op, Conv2dParams p) {
        if (p.strideH() < 1 || p.strideW() < 1 || p.dilationH() < 1 || p.dilationW() < 1 || p.padH() < 0 || p.padW() < 0 || p.groups() < 1) {
            throw new IllegalArgumentException(op + ": stride, dilation and groups must be >= 1 and padding >= 0, got " + p);
        }
    }
}
