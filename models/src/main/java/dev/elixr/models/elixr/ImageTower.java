package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;

/** An image encoder as ELIXR-C uses it: grey pixels [B,1,H,W] to one feature vector per image [B,F]. */
public abstract class ImageTower extends Module {
    public abstract Var features(Var pixels);

    public abstract int featureDim();
}
