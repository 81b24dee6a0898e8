package dev.elixr.models.vision;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Conv2d;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * ViT input (Dosovitskiy et al. 2021, eq. 1): non-overlapping patches projected by a strided convolution, a learned
 * [CLS] token prepended, learned position embeddings added (resampled bicubically for another input size).
 * Names follow Hugging Face: {@code cls_token}, {@code position_embeddings}, {@code patch_embeddings.projection}.
 */
public final class VitEmbeddings extends Module {
    private final VitConfig config;
    private final Parameter clsToken;
    private final Parameter positions;
    private final PatchEmbeddings patches;

    /** Holds the projection under HF's name {@code patch_embeddings.projection}. */
    static final class PatchEmbeddings extends Module {
        final Conv2d projection;

        PatchEmbeddings(VitConfig c, RandomGenerator rng) {
            projection = registerModule("projection",
                    new Conv2d(c.numChannels(), c.hiddenSize(), c.patchSize(), c.patchSize(), 0, true, rng));
        }
    }

    public VitEmbeddings(VitConfig c, RandomGenerator rng) {
        this.config = c;
        this.clsToken = registerParameter("cls_token", Tensor.truncatedNormal(rng, 0f, 0.02f, -0.04f, 0.04f, 1, 1, c.hiddenSize()));
        this.positions = registerParameter("position_embeddings",
                Tensor.truncatedNormal(rng, 0f, 0.02f, -0.04f, 0.04f, 1, c.numPatches() + 1, c.hiddenSize()));
        this.patches = registerModule("patch_embeddings", new PatchEmbeddings(c, rng));
    }

    /** pixels [B,C,H,W] with H and W multiples of the patch size → tokens [B, 1 + (H/P)(W/P), D]. */
    public Var forward(Var pixels) {
        int[] s = pixels.shape();
        if (s.length != 4 || s[1] != config.numChannels()) {
            throw new IllegalArgumentException("ViT expects pixels [B," + config.numChannels() + ",H,W], got " + Shape.str(s));
        }
        int p = config.patchSize();
        if (s[2] % p != 0 || s[3] % p != 0) {
            throw new IllegalArgumentException("ViT input " + s[2] + "×" + s[3] + " is not a multiple of the patch size " + p);
        }
        int b = s[0], d = config.hiddenSize();
        Var x = patches.projection.forward(pixels).flatten(2, 3).transpose(1, 2);
        Var cls = clsToken.expand(b, 1, d);
        return Functional.concat(1, cls, x).add(positionsFor(s[2] / p, s[3] / p));
    }

    /** Position embeddings [1, 1 + h·w, D] for a grid of h×w patches. */
    public Var positionsFor(int h, int w) {
        int n = positions.size(1) - 1, side = (int) Math.round(Math.sqrt(n)), d = config.hiddenSize();
        if (h * w == n && h == w) return positions;
        if (side * side != n) throw new IllegalStateException("cannot interpolate " + n + " position embeddings: not a square grid");
        Var cls = positions.narrow(1, 0, 1);
        Var grid = positions.narrow(1, 1, n).reshape(n, d);
        Var resized = PositionInterpolation.resize(grid, side, side, h, w).reshape(1, h * w, d);
        return Functional.concat(1, cls, resized);
    }
}
