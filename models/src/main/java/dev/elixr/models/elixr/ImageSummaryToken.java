package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.Functional;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One extra image token for ELIXR-B's cross-attention: a linear map of the frozen tower's whole feature map (its T
 * spatial tokens of width C, flattened) to width C, appended after the T spatial tokens. A ViT hands BLIP-2's Q-Former
 * its [CLS] token beside the patch tokens; a convolutional tower has no such global token, and attention pooling over
 * the T tokens cannot express what ELIXR-C's own head does (a linear map of the whole flattened map, position-aware).
 * With this token the Q-Former can at least represent that. Trained with the Q-Former; {@link #initFrom} starts it
 * from ELIXR-C's trained image head and projection (randomly projected to width C), so that it starts as ELIXR-C's image
 * embedding. Parameters: {@code weight} [C, T·C], {@code bias} [C].
 */
public final class ImageSummaryToken extends Module {
    private final Parameter weight, bias;
    private final int tokens, width;

    public ImageSummaryToken(int tokens, int width, RandomGenerator rng) {
        if (tokens < 1 || width < 1) throw new IllegalArgumentException("image summary token: " + tokens + " tokens of width " + width);
        this.tokens = tokens;
        this.width = width;
        float bound = (float) (1.0 / Math.sqrt(tokens * width));  // torch.nn.Linear's
        this.weight = registerParameter("weight", Tensor.uniform(rng, -bound, bound, width, tokens * width));
        this.bias = registerParameter("bias", Tensor.uniform(rng, -bound, bound, width));
    }

    /** The tower tokens this summary reads. */
    public int tokens() { return tokens; }

    /** Tower tokens [B,T,C] → the summary token [B,1,C]. */
    public Var forward(Var towerTokens) {
        if (towerTokens.dim() != 3 || towerTokens.size(1) != tokens || towerTokens.size(2) != width)
            throw new IllegalArgumentException("image summary token: tower tokens " + Shape.str(towerTokens.shape()) + ", expected [B,"
                    + tokens + "," + width + "]");
        int b = towerTokens.size(0);
        return Functional.linear(towerTokens.reshape(b, tokens * width), weight, bias).reshape(b, 1, width);
    }

    /**
     * Starts the map as R·P·(H·x + h): ELIXR-C's image head H, h ({@code image_encoder.head}, which reads the feature map
     * [C,T] channel-major, so its columns are reordered to the token-major [T,C] of the spatial tokens) and projection P
     * ({@code image_projection}), then R, a random N(0, 1/E) map from ELIXR-C's embedding width E to C.
     * {@code elixrC}: ELIXR-C's parameters by name; {@code source} names the run in errors.
     */
    public void initFrom(Map<String, Parameter> elixrC, String source, RandomGenerator rng) {
        Tensor head = take(elixrC, "image_encoder.head.weight", source), headBias = take(elixrC, "image_encoder.head.bias", source);
        Tensor proj = take(elixrC, "image_projection.weight", source);
        int f = head.size(0), e = proj.size(0), in = tokens * width;
        if (head.size(1) != in || proj.size(1) != f || headBias.size(0) != f)
            throw new IllegalArgumentException("cannot start the image summary token from " + source + ": its image head is "
                    + Shape.str(head.shape()) + " and projection " + Shape.str(proj.shape()) + ", expected [F," + in + "] and [E,F] for "
                    + tokens + " tokens of width " + width);
        float[] hw = head.toFloatArray(), hb = headBias.toFloatArray(), pw = proj.toFloatArray();
        double[] r = new double[width * e];
        double sd = 1 / Math.sqrt(e);
        for (int i = 0; i < r.length; i++) r[i] = rng.nextGaussian() * sd;
        double[] rp = new double[width * f];  // R·P [C,F]
        for (int o = 0; o < width; o++)
            for (int k = 0; k < e; k++) {
                double rv = r[o * e + k];
                for (int j = 0; j < f; j++) rp[o * f + j] += rv * pw[k * f + j];
            }
        float[] w = new float[width * in], bias = new float[width];
        for (int o = 0; o < width; o++) {
            double bo = 0;
            for (int j = 0; j < f; j++) bo += rp[o * f + j] * hb[j];
            bias[o] = (float) bo;
            for (int t = 0; t < tokens; t++)
                for (int c = 0; c < width; c++) {
                    int headColumn = c * tokens + t;  // channel-major flatten of [C,h,w]
                    double s = 0;
                    for (int j = 0; j < f; j++) s += rp[o * f + j] * hw[j * in + headColumn];
                    w[o * in + t * width + c] = (float) s;
                }
        }
        weight.assign(Tensor.wrap(w, width, in).to(weight.value().device()));
        this.bias.assign(Tensor.wrap(bias, width).to(this.bias.value().device()));
    }

    private static Tensor take(Map<String, Parameter> from, String name, String source) {
        Parameter p = from.get(name);
        if (p == null) throw new IllegalArgumentException("cannot start the image summary token from " + source + ": it has no " + name
                + " (a convolutional image tower with a linear head is needed)");
        return p.value().toCpu().contiguous();
    }
}
