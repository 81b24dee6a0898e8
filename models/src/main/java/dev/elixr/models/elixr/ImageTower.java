package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;

/** An image encoder as ELIXR-C uses it: grey pixels [B,1,H,W] to one feature vector per image [B,F]. */
public interface ImageTower {
    Var features(Var pixels);

    int featureDim();
}
