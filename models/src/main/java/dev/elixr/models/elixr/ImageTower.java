package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;

/** An image encoder as ELIXR-C uses it: grey pixels [B,1,H,W] to one feature vector per image [B,F], or to image tokens for ELIXR-B. */
public abstract class ImageTower extends Module {
    public abstract Var features(Var pixels);

    public abstract int featureDim();

    /** The tower's spatial features as image tokens [B,T,C] (the last feature map flattened, or the patch tokens): what
     *  ELIXR-B's Q-Former cross-attends to (Xu et al. 2023, §2.2). */
    public abstract Var spatialTokens(Var pixels);
}
